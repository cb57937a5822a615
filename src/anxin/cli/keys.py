"""``anxin keys status | rotate | retire``: the field-encryption key ring, kept outside the database."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from anxin.cli.common import DbOption, build_settings, console, key_ring
from anxin.models import SEALED_COLUMNS
from anxin.privacy.keyfile import save_key_ring
from anxin.privacy.rotation import key_usage, reseal
from anxin.store.db import make_engine, make_sessionmaker, unit_of_work
from anxin.store.migrate import upgrade

app = typer.Typer(no_args_is_help=True)


def _file_backed(settings) -> None:
    if settings.keys.get_secret_value().strip():
        console.print("[red]the key ring comes from ANXIN_KEYS[/red]: rotate it in your secret store, then re-run")
        raise typer.Exit(2)


@app.command("status", help="Key ids in the ring and how many stored values each one seals.")
def status(db: Path | None = DbOption) -> None:
    settings = build_settings(db)
    upgrade(settings.resolved_database_url)
    ring = key_ring(settings)
    engine = make_engine(settings.resolved_database_url)
    with unit_of_work(make_sessionmaker(engine)) as session:
        usage = key_usage(session, SEALED_COLUMNS)
    engine.dispose()
    for key_id in ring.key_ids:
        marker = " (active)" if key_id == ring.active else ""
        Console().print(f"{key_id}{marker}: {usage.get(key_id, 0)} values")


@app.command("rotate", help="Add a new active key, then re-seal every stored value under it (batches, progress bar).")
def rotate(
    new_id: str = typer.Option(None, help="Id of the new key (default: the current UTC time)."),
    batch: int = typer.Option(500, min=1, help="Rows per transaction."),
    db: Path | None = DbOption,
) -> None:
    settings = build_settings(db)
    _file_backed(settings)
    upgrade(settings.resolved_database_url)
    ring = key_ring(settings).rotate(new_id or datetime.now(UTC).strftime("k%Y%m%d%H%M%S"))
    save_key_ring(ring, settings.resolved_key_file)  # first: every value opens with some key in the file
    engine = make_engine(settings.resolved_database_url)
    factory = make_sessionmaker(engine)
    with unit_of_work(factory) as session:
        totals = {c.label: n for c in SEALED_COLUMNS if (n := session.query(c.model).count())}
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console) as progress:
        tasks = {label: progress.add_task(label, total=total) for label, total in totals.items()}
        count = reseal(
            factory, ring, SEALED_COLUMNS, batch=batch, progress=lambda label, n: progress.advance(tasks[label], n)
        )
    engine.dispose()
    console.print(f"[green]active key {ring.active}[/green]; re-sealed {count} values; old keys kept until retired")


@app.command("retire", help="Remove an old key from the ring once no stored value uses it.")
def retire(key_id: str = typer.Argument(...), db: Path | None = DbOption) -> None:
    settings = build_settings(db)
    _file_backed(settings)
    ring = key_ring(settings)
    engine = make_engine(settings.resolved_database_url)
    with unit_of_work(make_sessionmaker(engine)) as session:
        still = key_usage(session, SEALED_COLUMNS).get(key_id, 0)
    engine.dispose()
    if still:
        console.print(f"[red]{still} values are still sealed with {key_id}[/red]; run `anxin keys rotate` first")
        raise typer.Exit(2)
    try:
        save_key_ring(ring.retire(key_id), settings.resolved_key_file)
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    console.print(f"[green]retired {key_id}[/green]")
