"""The one shape every benchmark in ``benchmarks/`` returns, and how it is printed.

A benchmark measures a DESIGN figure *and* a baseline in the same run (machines
here are shared and noisy, so only ratios within one run mean much). Each
``benchmarks/bench_<name>.py`` defines ``NAME``, ``DESCRIPTION`` and
``run(quick: bool = False) -> BenchResult``; ``anxin bench NAME`` prints the
table, ``anxin bench NAME --json`` prints :meth:`BenchResult.to_json` only.

>>> r = BenchResult("demo", figures={"events_per_s": 120000.0}, baseline={"events_per_s": 40000.0},
...                 rows=[("engine", 120000.0), ("naive loop", 40000.0)], columns=("runner", "events/s"))
>>> r.ratio("events_per_s")
3.0
>>> sorted(r.to_json())
['baseline', 'figures', 'name']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class BenchResult:
    """Figures of the thing measured, figures of the baseline, and the rows of the printed table.

    ``figures`` and ``baseline`` use the figure names the issues fix (for
    example ``events_per_s``, ``p99_us``) so scripts can compare runs.
    """

    name: str
    figures: dict[str, Any]
    baseline: dict[str, Any]
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    columns: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)

    def ratio(self, figure: str) -> float | None:
        """``figures[figure] / baseline[figure]``, or None when either is missing or the baseline is 0."""
        ours, base = self.figures.get(figure), self.baseline.get(figure)
        if not isinstance(ours, int | float) or not isinstance(base, int | float) or base == 0:
            return None
        return ours / base

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "figures": self.figures, "baseline": self.baseline}
