"""Cases (法律追责): findings and decisions grouped for investigation, notes, and verifiable evidence bundles."""
