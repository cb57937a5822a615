"""``anxin bench NAME [--json] [--quick]`` and ``anxin bench --list``: run the benchmarks in ``benchmarks/``.

Benchmarks live outside the package (they read ``../shared/data`` and are
never collected by pytest); this command finds the folder beside the source
checkout or in the current directory and loads ``bench_<name>.py`` by path.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import typer
from rich.console import Console
from rich.table import Table

from anxin.benchmarking import BenchResult
from anxin.cli.common import console as err_console


def benchmarks_dir() -> Path:
    for candidate in (Path.cwd() / "benchmarks", Path(__file__).resolve().parents[3] / "benchmarks"):
        if candidate.is_dir():
            return candidate
    raise typer.BadParameter("no benchmarks/ folder here; run from the anxin source checkout")


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"anxin_bench_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def available() -> dict[str, Path]:
    """Benchmark name → file; the name is the file's ``NAME`` or its stem with ``-`` for ``_``."""
    return {
        path.stem.removeprefix("bench_").replace("_", "-"): path for path in sorted(benchmarks_dir().glob("bench_*.py"))
    }


def print_table(result: BenchResult) -> None:
    out = Console()
    table = Table(title=f"anxin bench {result.name}")
    for column in result.columns:
        table.add_column(column)
    for row in result.rows:
        table.add_row(*(f"{v:,.3f}" if isinstance(v, float) else str(v) for v in row))
    out.print(table)
    for figure in result.figures:
        ratio = result.ratio(figure)
        if ratio is not None:
            out.print(
                f"{figure}: {result.figures[figure]:,.3f} vs baseline {result.baseline[figure]:,.3f} ({ratio:.2f}×)"
            )
    for note in result.notes:
        out.print(f"[dim]{note}[/dim]")


def bench(
    name: str = typer.Argument(None, help="Benchmark to run; see --list."),
    as_json: bool = typer.Option(False, "--json", help="Print only one JSON object: name, figures, baseline."),
    quick: bool = typer.Option(False, "--quick", help="A small, fast run (smoke test), not the reported figure."),
    list_: bool = typer.Option(False, "--list", help="List the benchmarks and exit."),
) -> None:
    found = available()
    if list_ or name is None:
        for bench_name, path in found.items():
            module = _load(path)
            print(f"{bench_name}\t{getattr(module, 'DESCRIPTION', '')}")
        return
    key = name.replace("_", "-")
    if key not in found:
        err_console.print(f"[red]unknown benchmark {name!r}[/red]; available: {', '.join(found) or 'none'}")
        raise typer.Exit(2)
    result: BenchResult = _load(found[key]).run(quick=quick)
    if as_json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        print_table(result)
