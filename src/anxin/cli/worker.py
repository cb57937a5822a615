"""``anxin worker run | status``: scaled-out decision workers over Redis Streams and the database.

Events reach the workers' log from ``anxin events import FILE --to-workers``
(or any producer using :class:`~anxin.integrity.streams.producer.StreamProducer`).
Every worker and producer of one deployment uses the same database
(``ANXIN_DATABASE_URL``, PostgreSQL in production), Redis (``ANXIN_REDIS_URL``)
and partition count (``ANXIN_STREAM_PARTITIONS``).
"""

from __future__ import annotations

import json
import logging
import signal
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select

from anxin.cli.common import DbOption, build_settings, console, reported_errors
from anxin.integrity.streams.log import log_of
from anxin.integrity.streams.models import StreamDecision
from anxin.integrity.streams.worker import DecisionWorker, Records, WorkerConfig, default_name
from anxin.store.db import make_engine
from anxin.store.migrate import upgrade

app = typer.Typer(no_args_is_help=True)


@app.command("run", help="Run one decision worker until SIGTERM / Ctrl-C (then it snapshots and hands back).")
def run(
    name: str | None = typer.Option(None, help="Worker name, unique in the deployment (default: host-pid)."),
    batch: int = typer.Option(2_000, min=10, max=20_000, help="Log entries read per round, over all its partitions."),
    snapshot_every: int = typer.Option(20_000, min=100, help="Entries of a partition between its snapshots."),
    lease_ms: int = typer.Option(3_000, min=200, help="A dead worker's partitions move after this long."),
    db: Path | None = DbOption,
) -> None:
    settings = build_settings(db)
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    with reported_errors():
        log = log_of(settings)
        upgrade(settings.resolved_database_url)
        engine = make_engine(settings.resolved_database_url)
        config = WorkerConfig(
            name=name or default_name(), lease_ms=lease_ms, batch=batch, snapshot_every=snapshot_every
        )
        worker = DecisionWorker(log, Records(engine, settings.stream_namespace), config)
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: worker.stop())
        console.print(
            f"worker [bold]{config.name}[/bold] on {log.partitions} partitions of {settings.stream_namespace!r}"
        )
        try:
            worker.run()
        finally:
            engine.dispose()
        console.print(f"worker {config.name} stopped: {worker.decided:,} decisions, {worker.processed:,} entries")


@app.command("status", help="Partitions, their owners and backlog, and the decisions written.")
def status(
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object only."),
    db: Path | None = DbOption,
) -> None:
    settings = build_settings(db)
    with reported_errors():
        log = log_of(settings)
        log.create_groups()
        upgrade(settings.resolved_database_url)
        engine = make_engine(settings.resolved_database_url)
        try:
            with engine.connect() as connection:
                decided = connection.execute(
                    select(StreamDecision.action, func.count()).group_by(StreamDecision.action)
                ).all()
        finally:
            engine.dispose()
        owners, lag = log.owners(), log.lag()
    partitions = [{"partition": p, "owner": owners[p], **lag[p]} for p in range(log.partitions)]
    decisions = {action: count for action, count in decided}
    if as_json:
        print(json.dumps({"partitions": partitions, "decisions": decisions}, ensure_ascii=False))
        return
    table = Table(title=f"{settings.stream_namespace}: {log.partitions} partitions")
    for column in ("partition", "owner", "in log", "pending", "waiting"):
        table.add_column(column, justify="right")
    for row in partitions:
        table.add_row(
            str(row["partition"]),
            row["owner"] or "—",
            f"{row['length']:,}",
            f"{row['pending']:,}",
            f"{row['waiting']:,}",
        )
    out = Console()
    out.print(table)
    out.print("decisions: " + (", ".join(f"{a} {n:,}" for a, n in sorted(decisions.items())) or "none yet"))
