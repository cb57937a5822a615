"""``anxin cases list``, ``anxin evidence export CASE_ID OUT`` and ``anxin evidence verify BUNDLE``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from anxin.cli.common import DbOption, build_settings, console, database_session
from anxin.integrity.cases import service as cases
from anxin.integrity.cases.bundle import verify
from anxin.integrity.server.live import journal_path

cases_app = typer.Typer(no_args_is_help=True)
evidence_app = typer.Typer(no_args_is_help=True)


@cases_app.command("list")
def list_cases(
    status: str | None = typer.Option(None, help="open, investigating or closed"),
    db: Path | None = DbOption,
    as_json: bool = typer.Option(False, "--json", help="Print JSON only."),
) -> None:
    with database_session(db) as session:
        rows = [
            {"id": c.id, "title": c.title, "status": c.status, "updated_at": c.updated_at.isoformat()}
            for c in cases.list_cases(session, status=status)
        ]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False))
        return
    table = Table(title="cases")
    for column in ("id", "status", "title", "updated"):
        table.add_column(column)
    for r in rows:
        table.add_row(str(r["id"]), r["status"], r["title"], r["updated_at"][:16])
    Console().print(table)


@evidence_app.command("export")
def export(
    case_id: int = typer.Argument(...),
    out: Path = typer.Argument(..., help="The ZIP file to write."),
    db: Path | None = DbOption,
) -> None:
    """Write the case's evidence bundle; prints its bundle hash for the hand-over record."""
    settings = build_settings(db)
    with database_session(db) as session:
        path, digest, count = cases.export(
            session, case_id, journal=journal_path(settings), out=out, actor_id=None, uploads=settings.data_dir
        )
    console.print(f"[green]{count} items[/green] written to {path}")
    print(digest)


@evidence_app.command("verify")
def verify_bundle(
    bundle: Path = typer.Argument(...),
    expect: str | None = typer.Option(None, help="The bundle hash recorded at hand-over."),
) -> None:
    """Exit 0 when every file matches the manifest (and the expected hash); exit 1 naming what differs."""
    result = verify(bundle, expected_hash=expect)
    for label, paths in (("altered", result.altered), ("added", result.added), ("missing", result.missing)):
        for path in paths:
            console.print(f"[red]{label}[/red]: {path}")
    for problem in result.problems:
        console.print(f"[red]problem[/red]: {problem}")
    if result.bundle_sha256:
        print(result.bundle_sha256)
    if not result.ok:
        sys.exit(1)
    console.print("[green]intact[/green]")
