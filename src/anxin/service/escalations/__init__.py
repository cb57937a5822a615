"""Escalation steps of the service promises (notify dispatcher, notify supervisor) and stored breach records."""
