"""``anxin db upgrade``: bring the schema to the newest revision (idempotent)."""

from __future__ import annotations

from pathlib import Path

import typer

from anxin.cli.common import DbOption, build_settings, console
from anxin.store.migrate import upgrade as alembic_upgrade

app = typer.Typer(no_args_is_help=True)


@app.command("upgrade", help="Migrate the database to the newest schema (safe to run again).")
def upgrade(db: Path | None = DbOption, revision: str = typer.Option("head", help="Alembic revision.")) -> None:
    settings = build_settings(db)
    alembic_upgrade(settings.resolved_database_url, revision)
    console.print(f"[green]migrated[/green] {settings.resolved_database_url} to {revision}")
