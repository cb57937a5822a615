"""``anxin detect NAME``: run a batch detector over the journal, store its findings, print them.

With a server running, prefer the risk console or ``POST /api/detectors/NAME/run``:
those hand the new labels to the live engine at once; findings stored by this
command reach a server's engine at its next start.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from anxin.cli.common import DbOption, build_settings, console, database_session
from anxin.integrity.findings import service as findings
from anxin.integrity.findings.inputs import DETECTORS
from anxin.integrity.server.live import journal_path


def detect(
    name: str = typer.Argument(..., help=f"One of: {', '.join(DETECTORS)}."),
    tenant: str | None = typer.Option(None, help="Only this tenant's events (default: all)."),
    db: Path | None = DbOption,
    as_json: bool = typer.Option(False, "--json", help="Print the run and its findings as JSON only."),
) -> None:
    settings = build_settings(db)
    with database_session(db) as session:
        with console.status(f"running {name} over the journal…"):
            run = findings.run_detector(
                session, journal=journal_path(settings), detector=name, tenant=tenant, actor=None
            )
        found = [f for f in findings.list_findings(session, detector=name) if f.run_id == run.id]
        summary = {
            "run": run.id,
            "detector": name,
            "events_read": run.events_read,
            "seconds": run.seconds,
            "findings": [
                {
                    "id": f.id,
                    "label": f.label,
                    "size": f.size,
                    "score": round(f.score, 3),
                    "reasons": [r["text"] for r in f.reasons],
                }
                for f in found
            ],
        }
    if as_json:
        print(json.dumps(summary, ensure_ascii=False))
        return
    table = Table(title=f"{name}: {len(found)} findings in {run.events_read:,} events ({run.seconds:.1f} s)")
    for column in ("id", "label", "size", "score", "why"):
        table.add_column(column)
    for f in summary["findings"][:50]:
        table.add_row(str(f["id"]), f["label"], str(f["size"]), f"{f['score']:.2f}", "; ".join(f["reasons"][:2]))
    Console().print(table)
