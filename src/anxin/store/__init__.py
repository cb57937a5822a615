"""The relational store: engine and sessions, the declarative base, Alembic migrations."""
