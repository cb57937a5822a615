"""Migration 0019: the table and the dialect's search index come and go together, and search uses the index."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from anxin.service.knowledge.models import SEARCH_VECTOR
from anxin.store.db import make_engine
from anxin.store.migrate import alembic_config, upgrade


def _state(url: str) -> tuple[bool, bool]:
    """(articles table exists, search index exists) on this database."""
    engine = make_engine(url)
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        if conn.dialect.name == "sqlite":
            index = "library_search" in tables
        else:
            index = conn.execute(
                text("SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_library_articles_search'")
            ).scalar_one()
    engine.dispose()
    return "library_articles" in tables, bool(index)


def test_down_and_up_again(settings):
    url = settings.resolved_database_url
    assert _state(url) == (True, True)
    command.downgrade(alembic_config(url), "0018")
    engine = make_engine(url)
    with engine.connect() as conn:
        leftovers = [t for t in inspect(conn).get_table_names() if t.startswith("library_")]
    engine.dispose()
    assert _state(url) == (False, False) and leftovers == []  # FTS5 shadow tables went with their table
    upgrade(url)
    assert _state(url) == (True, True)


def test_postgres_search_uses_the_gin_index(settings):
    """The query repeats the indexed expression exactly; if it drifted, PostgreSQL would scan instead."""
    if settings.is_sqlite:
        return  # FTS5 is an index by construction
    engine = make_engine(settings.resolved_database_url)
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(
            conn.execute(
                text(
                    f"EXPLAIN SELECT id FROM library_articles a WHERE {SEARCH_VECTOR} @@ plainto_tsquery('simple', 'x')"
                )
            ).scalars()
        )
    engine.dispose()
    assert "ix_library_articles_search" in plan, plan
