"""Migrations: upgrade from empty works on this dialect, and the models and the migrations do not drift."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from anxin.models import Base
from anxin.store.db import make_engine
from anxin.store.migrate import upgrade


def test_upgrade_from_empty_creates_every_table(settings):
    engine = make_engine(settings.resolved_database_url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_upgrade_is_idempotent(settings):
    upgrade(settings.resolved_database_url)
    upgrade(settings.resolved_database_url)


def test_models_and_migrations_do_not_drift(settings):
    engine = make_engine(settings.resolved_database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == [], f"models changed without a migration: {diff}"


def test_sqlite_runs_in_wal_mode(settings):
    if not settings.is_sqlite:
        return
    engine = make_engine(settings.resolved_database_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
