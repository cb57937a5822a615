"""The hash-chained, append-only audit log: who changed decisions, rules, lists, findings, cases and personal data."""
