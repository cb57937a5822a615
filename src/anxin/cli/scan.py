"""``anxin scan PATH...``: judge saved pages (files, folders, JSONL crawls) for fake brand hotlines.

Numbers verified in the registry (the database) count as official. With
``--json`` one object per page is printed and nothing else; ``--store`` keeps
the impersonation and suspicious pages for review on /hotline/scans.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from anxin.cli.common import DbOption, build_settings, console
from anxin.hotline import scans
from anxin.hotline.scanner import CrawlReport, Scanner, iter_pages, scan_crawl
from anxin.hotline.scanner.sources import PageItem
from anxin.store.db import make_engine, make_sessionmaker, unit_of_work
from anxin.store.migrate import upgrade

VERDICT_STYLE = {"impersonation": "red", "suspicious": "yellow", "clean": "green", "error": "magenta"}


def _count_files(paths: list[Path]) -> int | None:
    """Pages to expect when every path is a plain file or folder (JSONL line counts are not known up front)."""
    total = 0
    for path in paths:
        files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]
        if any(f.suffix.lower() in (".jsonl", ".ndjson") for f in files):
            return None
        total += len(files)
    return total


def _with_progress(items: Iterator[PageItem], progress: Progress, task: int) -> Iterator[PageItem]:
    for item in items:
        yield item
        progress.advance(task)


def _print_report(report: CrawlReport) -> None:
    out = Console()
    table = Table(title=f"{len(report.pages)} pages scanned")
    for column in ("verdict", "score", "source", "numbers", "brands", "first reason"):
        table.add_column(column, overflow="fold")
    for page in sorted(report.pages, key=lambda p: -p.score):
        style = VERDICT_STYLE.get(page.verdict, "")
        reason = page.error or (page.reasons[0].message if page.reasons else "")
        table.add_row(
            f"[{style}]{page.verdict}[/{style}]",
            f"{page.score:.2f}",
            page.source,
            ", ".join(page.numbers[:3]),
            ", ".join(page.brands[:4]),
            reason[:160],
        )
    out.print(table)
    out.print("summary: " + ", ".join(f"{k} {v}" for k, v in sorted(report.counts.items())))
    if report.shared_numbers:
        shared = Table(title="numbers offered for several brands across the crawl")
        for column in ("number", "brands", "pages"):
            shared.add_column(column, overflow="fold")
        for s in report.shared_numbers:
            shared.add_row(s.number, "、".join(s.brands), str(len(s.pages)))
        out.print(shared)


def scan(
    paths: list[Path] = typer.Argument(..., help="Files, folders of saved pages, or .jsonl of {url, html|text}."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per page and nothing else."),
    store: bool = typer.Option(False, "--store", help="Keep impersonation and suspicious pages for review."),
    min_brands: int = typer.Option(3, min=2, help="A number offered for this many brands is flagged."),
    max_mb: float = typer.Option(4.0, min=0.01, help="Read at most this many MB of each page."),
    db: Path | None = DbOption,
) -> None:
    settings = build_settings(db)
    upgrade(settings.resolved_database_url)
    engine = make_engine(settings.resolved_database_url)
    factory = make_sessionmaker(engine)
    with unit_of_work(factory) as session:
        registry = scans.registry_for_scanner(session)
    max_bytes = int(max_mb * 1_000_000)
    scanner = Scanner(registry, max_bytes=max_bytes)
    columns = (SpinnerColumn(), TextColumn("scanning"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("scan", total=_count_files(paths))
        pages = _with_progress(iter_pages(paths, max_bytes=max_bytes), progress, task)
        report = scan_crawl(pages, scanner=scanner, min_brands=min_brands)
    if store:
        with unit_of_work(factory) as session:
            kept = scans.store_results(session, report.pages)
        console.print(f"stored {len(kept)} pages for review at /hotline/scans")
    engine.dispose()
    if as_json:
        for page in report.pages:
            print(json.dumps(page.to_dict(), ensure_ascii=False))
    else:
        _print_report(report)
