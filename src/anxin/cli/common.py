"""What every command shares: building Settings once from the environment plus flags, and clean error exits."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from sqlalchemy.orm import Session

from anxin.config import Settings
from anxin.errors import AnxinError
from anxin.privacy.crypto import KeyRing
from anxin.privacy.keyfile import load_key_ring
from anxin.store.db import make_engine, make_sessionmaker, unit_of_work
from anxin.store.migrate import upgrade

console = Console(stderr=True)


def build_settings(db: Path | None = None) -> Settings:
    """Settings from ``ANXIN_*``; ``--db PATH`` selects a SQLite file of the caller's choosing."""
    settings = Settings()
    if db is not None:
        settings = settings.model_copy(update={"database_url": f"sqlite:///{db.resolve()}"})
    return settings


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn our typed errors into one red line and exit code 2 instead of a traceback."""
    try:
        yield
    except AnxinError as exc:
        console.print(f"[red]error[/red] ({exc.code}): {exc.message}")
        sys.exit(2)


@contextmanager
def database_session(db: Path | None = None) -> Iterator[Session]:
    """One migrated unit of work on the configured database for a command; typed errors exit cleanly."""
    settings = build_settings(db)
    upgrade(settings.resolved_database_url)
    engine = make_engine(settings.resolved_database_url)
    try:
        with reported_errors(), unit_of_work(make_sessionmaker(engine)) as session:
            yield session
    finally:
        engine.dispose()


def key_ring(settings: Settings) -> KeyRing:
    """The field-encryption keys the server would use (ANXIN_KEYS or the key file, created on first use)."""
    return load_key_ring(key_file=settings.resolved_key_file, keys_json=settings.keys.get_secret_value())


DbOption = typer.Option(None, "--db", help="SQLite file to use instead of ANXIN_DATABASE_URL / ./var/anxin.db.")
