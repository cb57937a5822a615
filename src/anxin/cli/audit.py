"""``anxin audit verify`` (exit 0 when the hash chain is intact, 1 naming every break) and ``anxin audit list``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from anxin.audit import service as audit
from anxin.cli.common import DbOption, console, database_session

app = typer.Typer(no_args_is_help=True)


@app.command("verify")
def verify(db: Path | None = DbOption) -> None:
    """Recompute the whole chain; prints the head hash (write it down: truncation is visible only against it)."""
    with database_session(db) as session:
        problems, count, head = audit.verify(session)
    for problem in problems:
        console.print(f"[red]broken[/red]: {problem}")
    print(head)
    if problems:
        sys.exit(1)
    console.print(f"[green]intact[/green]: {count:,} entries")


@app.command("list")
def list_entries(
    limit: int = typer.Option(50, min=1, max=10_000),
    db: Path | None = DbOption,
    as_json: bool = typer.Option(False, "--json", help="Print JSON only."),
) -> None:
    with database_session(db) as session:
        rows = [
            {"seq": e.seq, "at": e.at.isoformat(), "actor_id": e.actor_id, "action": e.action, "subject": e.subject}
            for e in audit.recent(session, limit=limit)
        ]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False))
        return
    table = Table(title="audit log (newest first)")
    for column in ("seq", "at", "actor", "action", "subject"):
        table.add_column(column)
    for r in rows:
        table.add_row(str(r["seq"]), r["at"][:19], str(r["actor_id"] or "—"), r["action"], r["subject"])
    Console().print(table)
