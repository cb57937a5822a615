"""Accounts, roles, brand tenancy, sessions with CSRF protection, API keys, and the permission table."""
