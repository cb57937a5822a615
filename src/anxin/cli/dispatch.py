"""``anxin dispatch run --as USER [--at TIME]``: run auto-dispatch for the user's brand and print the result."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from anxin.auth import service as auth
from anxin.cli.common import DbOption, database_session
from anxin.errors import NotFound
from anxin.service.dispatch import service as dispatch
from anxin.store.base import utcnow

app = typer.Typer(no_args_is_help=True)


@app.command("run", help="Assign the brand's waiting tickets to technicians on shift (as the dispatcher would).")
def run(
    as_user: str = typer.Option(..., "--as", help="A dispatcher or brand admin account; its brand is dispatched."),
    at: datetime | None = typer.Option(None, help="Plan as of this time (ISO 8601 with zone), e.g. a replay."),
    time_limit: float = typer.Option(1.0, min=0.05, help="Seconds the optimizer may search."),
    db: Path | None = DbOption,
) -> None:
    now = at or utcnow()
    if now.tzinfo is None:
        raise typer.BadParameter("give --at with a time zone, e.g. 2026-11-24T10:00:00+08:00")
    with database_session(db) as session:
        user = auth.get_user_by_username(session, username=as_user)
        if user is None:
            raise NotFound(f"no account {as_user!r}")
        result = dispatch.auto_dispatch(
            session, actor=auth.principal_of(user, via="cli"), now=now, time_limit=time_limit
        )
    table = Table(title=f"auto-dispatch at {now.isoformat(timespec='minutes')}")
    for column in ("ticket", "technician", "why / reason"):
        table.add_column(column, overflow="fold")
    for number, name, why in result.assigned:
        table.add_row(number, name, why)
    for number, reason in result.unassigned:
        table.add_row(number, "—", reason)
    Console().print(table)
    Console().print(f"assigned {len(result.assigned)}, left waiting {len(result.unassigned)}")
