"""The one explicit registry of ORM models, imported by Alembic and the app so every table is known.

Add a domain's ``models`` module here when it gains tables.
"""

from anxin.auth import models as auth_models
from anxin.store.base import Base

__all__ = ["Base", "auth_models"]
