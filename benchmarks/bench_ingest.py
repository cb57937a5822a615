"""Durable ingestion: events/s acknowledged through the decision runtime's group commits, against one commit each.

DESIGN figure: ≥ 30k events/s acknowledged, batched. An event counts as
acknowledged when its future resolves, i.e. after the journal's commit (WAL
fsync, ``synchronous=FULL``). Four producer threads submit batches of 1,000
demo-marketplace events (50 rules live), so group commits also merge batches.

Baseline, same run, same journal settings: one event per commit (what a naive
"insert then reply" service does), on a prefix of the stream. Also reported:
p99 latency from submit to acknowledgement per batch, and restart time
(snapshot load plus journal replay).
"""

from __future__ import annotations

import gc
import tempfile
import threading
import time
from pathlib import Path

from anxin.benchmarking import BenchResult
from anxin.demo.marketplace import generate, synthetic_rules
from anxin.integrity.journal import DecisionRuntime
from anxin.integrity.rules.language import compile_ruleset

NAME = "ingest"
DESCRIPTION = "durable ingestion: events/s acknowledged with group commit vs one commit per event"
PRODUCERS = 4
BATCH = 1_000
BASELINE_EVENTS = 2_000


def _batched(path: Path, events, rules) -> tuple[float, float, int]:
    runtime = DecisionRuntime(path, rules)
    runtime.start()
    chunks = [events[i : i + BATCH] for i in range(0, len(events), BATCH)]
    latencies: list[float] = []

    def produce(mine) -> None:
        for chunk in mine:
            t0 = time.perf_counter()
            runtime.decide(chunk, "bench")
            latencies.append(time.perf_counter() - t0)

    threads = [threading.Thread(target=produce, args=(chunks[k::PRODUCERS],)) for k in range(PRODUCERS)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    commits = runtime.stats.commits
    runtime.close()
    latencies.sort()
    return len(events) / elapsed, latencies[int(len(latencies) * 0.99)] * 1000, commits


def _one_by_one(path: Path, events, rules) -> float:
    runtime = DecisionRuntime(path, rules)
    runtime.start()
    t0 = time.perf_counter()
    for event in events:
        runtime.decide([event], "bench")
    elapsed = time.perf_counter() - t0
    runtime.close()
    return len(events) / elapsed


def run(quick: bool = False) -> BenchResult:
    market = generate(seed=0, days=4, sessions_per_day=1_500 if quick else 6_000, accounts=20_000, shops=200)
    events = market.events
    rules = compile_ruleset(synthetic_rules(50, seed=0))
    gc.collect()
    gc.freeze()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        eps, p99_ms, commits = _batched(folder / "batched.sqlite3", events, rules)
        t0 = time.perf_counter()
        restarted = DecisionRuntime(folder / "batched.sqlite3", rules)
        restarted.start()
        restart_s = time.perf_counter() - t0
        restarted.close()
        size_mb = (folder / "batched.sqlite3").stat().st_size / 1e6
        base_eps = _one_by_one(folder / "single.sqlite3", events[:BASELINE_EVENTS], rules)
    gc.unfreeze()
    return BenchResult(
        NAME,
        figures={"events_per_s": round(eps), "p99_ms": round(p99_ms, 1), "rules": 50},
        baseline={"events_per_s": round(base_eps), "rules": 50},
        rows=[
            (
                f"group commit, {PRODUCERS} producers × {BATCH:,}-event batches",
                len(events),
                round(eps),
                round(p99_ms, 1),
            ),
            ("one commit per event (baseline)", BASELINE_EVENTS, round(base_eps), "—"),
        ],
        columns=("runner", "events", "events/s acknowledged", "p99 ms per batch"),
        notes=[
            f"{commits:,} group commits for {len(events):,} events; journal {size_mb:.0f} MB "
            f"({size_mb * 1e6 / len(events):.0f} B/event)",
            f"restart (snapshot load + replay) took {restart_s:.2f} s",
            "target: ≥ 30k events/s acknowledged, batched (WAL fsync per commit)",
        ],
    )
