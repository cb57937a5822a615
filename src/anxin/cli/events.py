"""``anxin events import FILE`` and ``anxin events backtest``: bulk ingestion and backtests with progress bars.

Import goes through the same decision runtime and journal as the HTTP API, so
an imported event is decided exactly as if it had been posted. With no server
running the command opens the journal itself; while ``anxin serve`` holds it,
pass ``--url`` and ``--api-key`` to send the events to the server instead.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from anxin.cli.common import DbOption, build_settings, console, database_session, reported_errors
from anxin.errors import InvalidInput
from anxin.integrity.events.files import Row, file_format, read_events
from anxin.integrity.events.schema import EventValidationError, check_not_future
from anxin.integrity.rules import service as rules
from anxin.integrity.server.live import journal_path, start_runtime
from anxin.integrity.server.rule_routes import run_backtest
from anxin.store.db import make_engine, make_sessionmaker
from anxin.store.migrate import upgrade

app = typer.Typer(no_args_is_help=True)

MAX_ERRORS_SHOWN = 20


def _count_rows(path: Path, fmt: str) -> int | None:
    if fmt == "parquet":
        import pyarrow.parquet as pq

        try:
            return pq.ParquetFile(path).metadata.num_rows
        except Exception:
            return None
    with path.open("rb") as handle:
        lines = sum(1 for _ in handle)
    return lines - 1 if fmt == "csv" else lines


def _batches(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    while batch := list(islice(rows, size)):
        yield batch


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[flagged]} flagged · {task.fields[errors]} bad rows"),
        TimeRemainingColumn(),
        console=console,
    )


def _not_future(rows: Iterator[Row]) -> Iterator[Row]:
    """Rows dated too far after now become errors, as at the HTTP edge."""
    for row in rows:
        if row.event is not None:
            try:
                check_not_future(row.event, int(time.time() * 1000))
            except EventValidationError as exc:
                row = Row(row.line, None, str(exc))
        yield row


class _HttpSink:
    """Sends batches to a running server's ``/api/events/batch`` with an API key."""

    def __init__(self, url: str, api_key: str):
        self.client = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {api_key}"}, timeout=120)

    def send(self, events) -> list[tuple[str, bool]]:
        response = self.client.post("/api/events/batch", json={"events": [e.to_dict() for e in events]})
        if response.status_code != 200:
            raise InvalidInput(f"the server refused the batch ({response.status_code}): {response.text[:300]}")
        return [(r["action"], r["duplicate"]) for r in response.json()["results"]]

    def close(self) -> None:
        self.client.close()


class _DirectSink:
    """Decides batches in this process through the journal (refused if a server holds it)."""

    def __init__(self, db: Path | None):
        settings = build_settings(db)
        upgrade(settings.resolved_database_url)
        self.engine = make_engine(settings.resolved_database_url)
        self.runtime = start_runtime(settings, make_sessionmaker(self.engine))

    def send(self, events) -> list[tuple[str, bool]]:
        return [(o.action, o.duplicate) for o in self.runtime.decide(events, "bulk")]

    def close(self) -> None:
        self.runtime.close()
        self.engine.dispose()


class _StreamSink:
    """Puts batches on the decision workers' log, routed under the live ruleset (decided later, by the workers)."""

    def __init__(self, db: Path | None):
        from anxin.integrity.streams.log import log_of
        from anxin.integrity.streams.plan import StreamPlan
        from anxin.integrity.streams.producer import StreamProducer

        settings = build_settings(db)
        log = log_of(settings)
        log.create_groups()
        with database_session(db) as session:
            live = rules.compiled(session, rules.with_status(session, "active"))
        self.producer = StreamProducer(log, StreamPlan(live, log.partitions))

    def send(self, events) -> list[tuple[str, bool]]:
        return [("queued", e.duplicate) for e in self.producer.send(events)]

    def close(self) -> None:
        self.producer.log.redis.close()


@app.command("import")
def import_events(
    file: Path = typer.Argument(..., help="A .csv, .jsonl or .parquet file of events."),
    fmt: str | None = typer.Option(None, "--format", help="csv, jsonl or parquet (default: from the extension)."),
    batch: int = typer.Option(2_000, min=1, max=5_000, help="Events per group commit / request."),
    url: str | None = typer.Option(None, help="Send to a running server (e.g. http://127.0.0.1:8000)."),
    api_key: str | None = typer.Option(None, envvar="ANXIN_API_KEY", help="API key with events:ingest."),
    to_workers: bool = typer.Option(
        False, "--to-workers", help="Queue the events for `anxin worker` processes (ANXIN_REDIS_URL)."
    ),
    db: Path | None = DbOption,
    as_json: bool = typer.Option(False, "--json", help="Print one JSON summary only."),
) -> None:
    """Import events: every good row is decided and journaled (or queued for workers), every bad row reported."""
    with reported_errors():
        kind = file_format(file, fmt)
        rows = read_events(file, kind)
        if url and not api_key:
            raise InvalidInput("--url needs --api-key (or ANXIN_API_KEY) with the events:ingest scope")
        if url and to_workers:
            raise InvalidInput("choose --url (a running server decides) or --to-workers (workers decide), not both")
        sink = _HttpSink(url, api_key) if url and api_key else _StreamSink(db) if to_workers else _DirectSink(db)
        outcomes = ("queued",) if to_workers else ("allow", "review", "block")
        counts = {"accepted": 0, "duplicates": 0, "rejected": 0, **dict.fromkeys(outcomes, 0)}
        errors: list[dict] = []
        try:
            with _progress() as progress:
                task = progress.add_task(file.name, total=_count_rows(file, kind), flagged=0, errors=0)
                for chunk in _batches(_not_future(rows), batch):
                    good = [r.event for r in chunk if r.event is not None]
                    for r in chunk:
                        if r.error is not None:
                            counts["rejected"] += 1
                            if len(errors) < MAX_ERRORS_SHOWN:
                                errors.append({"line": r.line, "error": r.error})
                    for action, duplicate in sink.send(good) if good else []:
                        if duplicate:
                            counts["duplicates"] += 1
                        else:
                            counts["accepted"] += 1
                            counts[action] += 1
                    flagged = counts.get("review", 0) + counts.get("block", 0)
                    progress.update(task, advance=len(chunk), flagged=flagged, errors=counts["rejected"])
        finally:
            sink.close()
    if as_json:
        print(json.dumps({**counts, "errors": errors}, ensure_ascii=False))
        return
    table = Table(title=f"import {file.name}")
    for column in counts:
        table.add_column(column, justify="right")
    table.add_row(*(f"{v:,}" for v in counts.values()))
    Console().print(table)
    for e in errors:
        console.print(f"[yellow]line {e['line']}[/yellow]: {e['error']}")
    if counts["rejected"] > len(errors):
        console.print(f"… and {counts['rejected'] - len(errors):,} more bad rows")


@app.command("backtest")
def backtest_command(
    version: int | None = typer.Option(None, help="Backtest a saved ruleset version number (default: the live one)."),
    rules_file: Path | None = typer.Option(None, "--rules", help="Backtest unsaved rules from a file."),
    db: Path | None = DbOption,
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON only."),
) -> None:
    """Replay every journaled event in event-time order through a ruleset and report what it would flag."""
    settings = build_settings(db)
    with reported_errors(), database_session(db) as session:
        if rules_file is not None:
            source, label = rules_file.read_text(encoding="utf-8"), rules_file.name
        else:
            stored = (
                rules.with_status(session, "active")
                if version is None
                else next((v for v in rules.list_versions(session, limit=10_000) if v.number == version), None)
            )
            if stored is None:
                raise InvalidInput("no such ruleset version (and no live one); save and activate rules first")
            source, label = stored.source, f"version {stored.number}"
        with console.status(f"backtesting {label} over the journal…"):
            report = run_backtest(session, journal_path(settings), source)
    if as_json:
        print(json.dumps(report, ensure_ascii=False))
        return
    out = Console()
    table = Table(title=f"backtest of {label}: {report['events']:,} events")
    for column in ("allow", "review", "block", "reviews/day", "known-bad recall", "known-bad precision"):
        table.add_column(column, justify="right")
    by = report["by_action"]
    table.add_row(
        f"{by['allow']:,}",
        f"{by['review']:,}",
        f"{by['block']:,}",
        f"{report['reviews_per_day']:,}",
        f"{report['recall_of_known_bad']:.1%}",
        f"{report['precision_on_known_bad']:.1%}",
    )
    out.print(table)
    hits = Table(title="rule hits")
    hits.add_column("rule")
    hits.add_column("events", justify="right")
    for name, n in report["rule_hits"].items():
        hits.add_row(name, f"{n:,}")
    out.print(hits)
