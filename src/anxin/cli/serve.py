"""``anxin serve``: the web UI and API on one uvicorn server (migrates first, so a fresh file just works)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import typer
import uvicorn

from anxin.app import create_app
from anxin.cli.common import DbOption, build_settings, console
from anxin.store.migrate import upgrade

WORKER_START_S = 60
"""A server process imports the whole app (~4 s, far more on a loaded machine) before it answers uvicorn's
health check; the default 5 s made the parent kill every child in turn."""


def serve(
    db: Path | None = DbOption,
    host: str | None = typer.Option(None, help="Interface to bind (default 127.0.0.1 or ANXIN_HOST)."),
    port: int | None = typer.Option(None, help="Port (default 8000 or ANXIN_PORT)."),
    workers: int = typer.Option(
        1, min=1, max=64, help="Server processes; more than one needs ANXIN_DECISIONS=workers (no journal here)."
    ),
) -> None:
    settings = build_settings(db)
    settings = settings.model_copy(update={"host": host or settings.host, "port": port or settings.port})
    if workers > 1 and settings.decisions != "workers":
        console.print(
            "[red]error[/red] (invalid_input): one process owns the decision journal; to run several server"
            " processes set ANXIN_DECISIONS=workers and ANXIN_REDIS_URL and run `anxin worker run`"
        )
        raise typer.Exit(2)
    upgrade(settings.resolved_database_url)
    console.print(f"[green]anxin[/green] serving on http://{settings.host}:{settings.port}  (API docs: /docs)")
    if workers == 1:
        uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info", access_log=False)
        return
    os.environ["ANXIN_DATABASE_URL"] = settings.resolved_database_url  # each process builds its own Settings
    uvicorn.run(
        "anxin.app:app_from_environment",
        factory=True,
        workers=workers,
        timeout_worker_healthcheck=WORKER_START_S,
        host=settings.host,
        port=settings.port,
        log_level="info",
        access_log=False,
    )


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def spawn(env: dict[str, str], port: int, *, timeout_s: float = 30) -> subprocess.Popen:
    """``anxin serve`` in a child process on ``port``, returned once ``/api/health`` answers.

    For the crash test and the HTTP benchmark, which must kill or load a real server process.
    """
    process = subprocess.Popen(
        [sys.executable, "-c", "from anxin.cli import main; main()", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"anxin serve did not answer on port {port} within {timeout_s:.0f} s")
