"""``anxin demo``: a fresh database with demo data, then the URL and a login for every role."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from alembic import command
from rich.console import Console
from rich.progress import MofNCompleteColumn, Progress
from rich.table import Table

from anxin.auth.permissions import API_KEY_SCOPES
from anxin.cli.common import DbOption, build_settings, console, key_ring
from anxin.demo.accounts import create_demo_accounts
from anxin.demo.history import create_demo_history
from anxin.demo.hotlines import create_demo_hotlines
from anxin.demo.integrity import create_demo_rules, demo_marketplace, stream_marketplace
from anxin.demo.members import create_demo_members
from anxin.demo.network import create_demo_network
from anxin.demo.tickets import create_demo_tickets
from anxin.demo.visits import create_demo_visits
from anxin.integrity.findings import service as findings
from anxin.integrity.findings.inputs import DETECTORS
from anxin.integrity.server.live import journal_path, start_runtime
from anxin.service.knowledge.demo import create_demo_library
from anxin.store.db import make_engine, make_sessionmaker, unit_of_work
from anxin.store.migrate import alembic_config, upgrade


def demo(
    db: Path | None = DbOption,
    as_json: bool = typer.Option(False, "--json", help="Print the logins as one JSON object only."),
) -> None:
    settings = build_settings(db)
    url = settings.resolved_database_url
    if settings.is_sqlite:
        path = Path(url.split("///", 1)[1])
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        command.downgrade(alembic_config(url), "base")
    upgrade(url)
    engine = make_engine(url)
    with unit_of_work(make_sessionmaker(engine)) as session:
        accounts = create_demo_accounts(session)
        create_demo_hotlines(session)
        create_demo_network(session)
        create_demo_members(session, key_ring(settings))  # before the tickets: members' requests take their promise
        create_demo_tickets(session, key_ring(settings))
        create_demo_library(session, key_ring(settings))
        create_demo_visits(session, key_ring(settings), root=settings.data_dir)
        create_demo_history(session)
        create_demo_rules(session)
    journal = journal_path(settings)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{journal}{suffix}").unlink(missing_ok=True)
    market = demo_marketplace()
    runtime = start_runtime(settings, make_sessionmaker(engine))
    try:
        with Progress(*Progress.get_default_columns(), MofNCompleteColumn(), console=console) as progress:
            task = progress.add_task("demo marketplace → integrity engine", total=len(market.events))
            decided = stream_marketplace(runtime, market, progress=lambda n: progress.advance(task, n))
    finally:
        runtime.close()
    with unit_of_work(make_sessionmaker(engine)) as session:
        found = {
            name: findings.run_detector(session, journal=journal, detector=name, tenant=None, actor=None).findings
            for name in DETECTORS
        }
    engine.dispose()
    if as_json:
        print(
            json.dumps(
                {
                    "url": f"http://{settings.host}:{settings.port}",
                    "password": accounts.password,
                    "integrator_key": accounts.integrator_key,
                    "integrity_decisions": decided,
                    "logins": [
                        {
                            "username": x.username,
                            "role": x.role.value,
                            "brand": x.brand,
                            "start_page": x.start_page,
                        }
                        for x in accounts.logins
                    ],
                },
                ensure_ascii=False,
            )
        )
        return
    table = Table(title=f"demo logins (password for all: {accounts.password})")
    for column in ("username", "role", "brand", "start page"):
        table.add_column(column)
    for login in accounts.logins:
        table.add_row(login.username, login.role.value, login.brand or "—", login.start_page)
    out = Console()
    out.print(table)
    scopes = ", ".join(sorted(p.value for p in API_KEY_SCOPES))
    out.print(f"integrator API key (scopes {scopes}): {accounts.integrator_key}", soft_wrap=True)
    console.print(
        f"integrity engine: {len(market.events):,} marketplace events decided — "
        f"{decided['block']:,} blocked, {decided['review']:,} for review; findings: "
        + ", ".join(f"{name} {n}" for name, n in found.items())
        + " (see /risk/findings)"
    )
    console.print(f"[green]demo database ready[/green]: {url}")
    console.print(f"open http://{settings.host}:{settings.port} after `anxin serve`")
