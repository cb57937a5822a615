"""``anxin regions resolve [--json] [TEXT]``: official codes for informal place names (TEXT or standard input)."""

from __future__ import annotations

import json
import sys

import typer
from rich.console import Console
from rich.table import Table

from anxin.cli.common import reported_errors
from anxin.regions import service as regions

app = typer.Typer(no_args_is_help=True)


@app.command("resolve", help="Resolve place names; a list may be separated by 、 , ， ; or line breaks.")
def resolve(
    text: str = typer.Argument(None, help="The names; read from standard input when omitted."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per item and nothing else."),
) -> None:
    source = text if text is not None else sys.stdin.read()
    with reported_errors():
        results = regions.resolve_text(source)
    if as_json:
        for r in results:
            print(json.dumps(r.to_dict(), ensure_ascii=False))
        return
    table = Table(title=f"{len(results)} place names")
    for column in ("input", "code", "path", "level", "flags"):
        table.add_column(column)
    for r in results:
        shown = " › ".join(r.path) if r.code else "; ".join(f"{c.code} {'/'.join(c.path)}" for c in r.candidates)
        table.add_row(r.input, r.code or "—", shown, r.level or "—", ", ".join(r.flags))
    Console().print(table)
