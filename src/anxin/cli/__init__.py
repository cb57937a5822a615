"""The ``anxin`` command: one Typer app, one module per command group.

Commands that other programs read take ``--json`` and then print only JSON.
"""

from __future__ import annotations

import typer

from anxin.cli import (
    audit,
    bench,
    cases,
    db,
    demo,
    detect,
    dispatch,
    events,
    hotline,
    keys,
    regions,
    scan,
    scorer,
    serve,
    users,
    worker,
)

app = typer.Typer(
    name="anxin",
    help="anxin (安心): brand after-sales service and an integrity engine against 刷单炒信.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command("serve", help="Serve the web UI and the API (uvicorn).")(serve.serve)
app.command("demo", help="Create a fresh database with realistic demo data and print the demo logins.")(demo.demo)
app.command("scan", help="Scan saved pages for fake brand hotlines (progress bar, summary, --json).")(scan.scan)
app.command("detect", help="Run a batch detector (rings …) over the journal and store its findings.")(detect.detect)
app.command("bench", help="Run a benchmark from benchmarks/ and print its table (or --json).")(bench.bench)
app.add_typer(db.app, name="db", help="Database schema: migrate with Alembic.")
app.add_typer(users.app, name="users", help="Accounts: create users from the command line.")
app.add_typer(dispatch.app, name="dispatch", help="Dispatch: run the optimizer over waiting tickets.")
app.add_typer(events.app, name="events", help="Integrity events: import files (CSV, JSONL, Parquet), backtest rules.")
app.add_typer(audit.app, name="audit", help="The hash-chained audit log: verify it, list entries.")
app.add_typer(cases.cases_app, name="cases", help="Integrity cases: list them.")
app.add_typer(cases.evidence_app, name="evidence", help="Evidence bundles: export a case, verify a bundle.")
app.add_typer(keys.app, name="keys", help="Field-encryption keys: status, rotate (re-seal), retire.")
app.add_typer(hotline.app, name="hotline", help="Verified brand hotlines: check a number.")
app.add_typer(scorer.app, name="scorer", help="Supervised fraud scorer: evaluate it on your own labelled data.")
app.add_typer(worker.app, name="worker", help="Scaled-out decision workers over Redis Streams: run, status.")
app.add_typer(regions.app, name="regions", help="China's divisions: resolve informal place names to official codes.")


def main() -> None:
    app()
