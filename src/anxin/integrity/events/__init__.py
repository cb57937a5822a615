"""Integrity events: one versioned schema (``schema``) shared by every runner.

Pure parts import nothing from the web or database layers; ingestion runners
(journal, importers, routes) live beside ``schema`` and are written elsewhere.
"""
