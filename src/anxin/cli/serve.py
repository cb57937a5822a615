"""``anxin serve``: the web UI and API on one uvicorn server (migrates first, so a fresh file just works)."""

from __future__ import annotations

from pathlib import Path

import typer
import uvicorn

from anxin.app import create_app
from anxin.cli.common import DbOption, build_settings, console
from anxin.store.migrate import upgrade


def serve(
    db: Path | None = DbOption,
    host: str | None = typer.Option(None, help="Interface to bind (default 127.0.0.1 or ANXIN_HOST)."),
    port: int | None = typer.Option(None, help="Port (default 8000 or ANXIN_PORT)."),
) -> None:
    settings = build_settings(db)
    settings = settings.model_copy(update={"host": host or settings.host, "port": port or settings.port})
    upgrade(settings.resolved_database_url)
    console.print(f"[green]anxin[/green] serving on http://{settings.host}:{settings.port}  (API docs: /docs)")
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info", access_log=False)
