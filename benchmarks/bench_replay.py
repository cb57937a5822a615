"""Backtest / replay: events/s read from the journal in event-time order and decided by a ruleset.

DESIGN figure: ≥ 100k events/s. Timed end to end as the console's backtest
runs it: read rows from the journal file (index on event time), rebuild the
events from JSON, decide them with the compiled ruleset (50 rules), and
accumulate the report. The journal is filled first (untimed); the generated
stream is ``gc.freeze()``-d, as in ``bench_engine``.

Baselines, same run: the same replay with the interpreted evaluator (generic
feature updates and a tree walk per rule), on a prefix; and, as the ceiling,
the compiled engine alone over events already in memory.
"""

from __future__ import annotations

import gc
import tempfile
import time
from itertools import islice
from pathlib import Path

from anxin.benchmarking import BenchResult
from anxin.demo.marketplace import generate, synthetic_rules
from anxin.integrity.backtest import backtest
from anxin.integrity.engine import EngineState, decide_all, decide_interpreted
from anxin.integrity.journal import DecisionRuntime, Journal, event_from_json
from anxin.integrity.rules.language import compile_ruleset

NAME = "replay"
DESCRIPTION = "backtest / replay from the journal: events/s vs an interpreted replay"
BASELINE_EVENTS = 20_000


def _rows(journal: Journal):
    return ((event_from_json(text), live) for text, live in journal.events_in_time_order())


def run(quick: bool = False) -> BenchResult:
    market = generate(seed=1, days=4, sessions_per_day=1_500 if quick else 6_000, accounts=20_000, shops=200)
    rules = compile_ruleset(synthetic_rules(50, seed=0))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "journal.sqlite3"
        runtime = DecisionRuntime(path, rules)
        runtime.start()
        for start in range(0, len(market.events), 5_000):
            runtime.decide(market.events[start : start + 5_000], "bench")
        runtime.close()
        gc.collect()
        gc.freeze()  # as a long-running server does after start-up: collections skip the generated stream
        journal = Journal(path, readonly=True)
        t0 = time.perf_counter()
        report = backtest(_rows(journal), rules)
        replay_s = time.perf_counter() - t0
        state = EngineState()
        t0 = time.perf_counter()
        for event, _live in islice(_rows(journal), BASELINE_EVENTS):
            decide_interpreted(event, state, rules)
        base_s = time.perf_counter() - t0
        journal.close()
    t0 = time.perf_counter()
    for _ in decide_all(market.events, EngineState(), rules):
        pass
    ceiling_eps = len(market.events) / (time.perf_counter() - t0)
    gc.unfreeze()
    eps = report.events / replay_s
    base_eps = BASELINE_EVENTS / base_s
    return BenchResult(
        NAME,
        figures={"events_per_s": round(eps), "rules": 50},
        baseline={"events_per_s": round(base_eps), "rules": 50},
        rows=[
            ("backtest from the journal (compiled)", report.events, round(eps)),
            ("replay from the journal, interpreted (baseline)", BASELINE_EVENTS, round(base_eps)),
            ("compiled engine on in-memory events (ceiling)", len(market.events), round(ceiling_eps)),
        ],
        columns=("runner", "events", "events/s"),
        notes=[
            f"backtest flagged {report.flagged:,} events; {report.by_action}",
            "target: ≥ 100k events/s",
        ],
    )
