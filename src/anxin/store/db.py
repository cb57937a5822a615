"""Engine and session factory for SQLite (embedded, WAL) and PostgreSQL.

The unit of work belongs to the caller: services never commit; the request's
session (``anxin.api.deps``) or the CLI command commits once at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create the engine; on SQLite turn on WAL, foreign keys and a busy timeout.

    WAL lets the web server read while a CLI job writes; ``busy_timeout`` makes
    a second writer wait instead of failing with "database is locked".
    """
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: commit if the block succeeds, roll back if it raises."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def after_commit(session: Session, action: Callable[[], object]) -> None:
    """Run ``action`` once the session's next commit has succeeded.

    A request's session that rolls back is closed without committing, so the
    action never runs for it. For effects outside the database — telling the live decision runtime about a
    new ruleset — that must not happen for a change that was not stored.
    """
    event.listen(session, "after_commit", lambda _session: action(), once=True)
