"""Engine core: decide() throughput and latency with 50 and 500 rules, against an interpreted baseline.

DESIGN figures: ≥ 100k events/s and p99 ≤ 50 µs at 50 rules, ≥ 30k events/s at
500 rules, on one core. The stream is the seeded demo marketplace (sessions,
orders, logistics, reviews, planted fraud, 1 % late arrivals); the rules come
from ``anxin.demo.marketplace.synthetic_rules`` (thresholds and combinations
over a shared pool of windowed features, lists and labels).

Baseline, same events, same rules, same process: the interpreted engine
(``decide_interpreted``: generic feature updates, then a tree walk per rule),
i.e. what a rule-by-rule evaluator does. Both start from empty state.

Throughput is one untimed-per-event pass (``events / wall time``); latency is a
second pass on fresh state timing each ``decide`` with ``perf_counter_ns``
(timer overhead included). The generated stream is ``gc.freeze()``-d first, as
a long-running runtime would after start-up, so collections do not rescan it.
"""

from __future__ import annotations

import gc
import time

from anxin.benchmarking import BenchResult
from anxin.demo.marketplace import generate, synthetic_rules
from anxin.integrity.engine import EngineState, decide, decide_interpreted
from anxin.integrity.features import FeatureStore
from anxin.integrity.rules.language import compile_ruleset

NAME = "engine"
DESCRIPTION = "integrity engine core: decide() events/s and p99 µs at 50 and 500 rules vs an interpreted evaluator"


BASELINE_PREFIX_500 = 20_000


def _state() -> EngineState:
    return EngineState(lists={"ip_allow": {"10.1.2.3", "10.9.9.9"}}, labels={"ring_member": {"acct-00007", "farm-001"}})


def _throughput(fn, events, rs) -> float:
    state = _state()
    t0 = time.perf_counter()
    for ev in events:
        fn(ev, state, rs)
    return len(events) / (time.perf_counter() - t0)


def _latencies(fn, events, rs) -> tuple[float, float, EngineState, float]:
    state = _state()
    clock = time.perf_counter_ns
    lat = []
    append = lat.append
    flagged = 0
    for ev in events:
        t0 = clock()
        d = fn(ev, state, rs)
        append(clock() - t0)
        if d.fired:
            flagged += 1
    lat.sort()
    return lat[len(lat) // 2] / 1000, lat[int(len(lat) * 0.99)] / 1000, state, flagged / len(events)


def run(quick: bool = False) -> BenchResult:
    market = generate(seed=0, days=4, sessions_per_day=500 if quick else 6_000, accounts=20_000, shops=200)
    prefix_500 = BASELINE_PREFIX_500 // 10 if quick else BASELINE_PREFIX_500
    events = market.events
    gc.collect()
    gc.freeze()
    rows = []
    figures: dict = {}
    baseline: dict = {}
    notes = [f"{len(events):,} events (seeded demo marketplace, 4 days, 1 % late arrivals)"]
    for n_rules in (50, 500):
        rs = compile_ruleset(synthetic_rules(n_rules, seed=0))
        eps = _throughput(decide, events, rs)
        p50, p99, state, share = _latencies(decide, events, rs)
        notes.append(f"{n_rules} rules: at least one rule fires on {share:.1%} of events")
        # The interpreted baseline is ~20-40x slower; at 500 rules it runs on a prefix to keep the run short.
        base_events = events if n_rules == 50 else events[:prefix_500]
        base_eps = _throughput(decide_interpreted, base_events, rs)
        bp50, bp99, _, _ = _latencies(decide_interpreted, base_events, rs)
        rows.append((n_rules, len(rs.features), "compiled", round(eps), round(p50, 1), round(p99, 1)))
        rows.append((n_rules, len(rs.features), "interpreted", round(base_eps), round(bp50, 1), round(bp99, 1)))
        suffix = "" if n_rules == 50 else "_500_rules"
        figures[f"events_per_s{suffix}"] = round(eps)
        figures[f"p99_us{suffix}"] = round(p99, 1)
        baseline[f"events_per_s{suffix}"] = round(base_eps)
        baseline[f"p99_us{suffix}"] = round(bp99, 1)
        if n_rules == 50:
            figures["rules"] = baseline["rules"] = 50
            mem = state.features.memory_bytes()
            keys = sum(k for k, _ in mem.values())
            total = sum(b for _, b in mem.values())
            notes.append(
                f"50 rules, {len(rs.features)} features: {keys:,} (feature, key) entries, "
                f"{total / 1e6:.1f} MB, {total / max(keys, 1):.0f} B per entry"
            )
            figures["bytes_per_feature_key"] = round(total / max(keys, 1))
            t0 = time.perf_counter()
            blob = state.features.snapshot()
            t1 = time.perf_counter()
            FeatureStore.restore(blob)
            t2 = time.perf_counter()
            notes.append(
                f"feature snapshot: {len(blob) / 1e6:.1f} MB, written in {(t1 - t0) * 1000:.0f} ms, "
                f"restored in {(t2 - t1) * 1000:.0f} ms"
            )
            by_kind: dict[str, list[int]] = {}
            for spec in rs.features:
                k, b = mem[spec.name]
                acc = by_kind.setdefault(spec.kind, [0, 0])
                acc[0] += k
                acc[1] += b
            notes.append(
                "memory per key: "
                + ", ".join(f"{kind} {b / max(k, 1):.0f} B" for kind, (k, b) in sorted(by_kind.items()))
            )
    gc.unfreeze()
    notes.append(f"interpreted baseline at 500 rules: first {prefix_500:,} events only")
    notes.append("targets: ≥100k events/s and p99 ≤ 50 µs at 50 rules; ≥30k events/s at 500 rules")
    return BenchResult(
        NAME,
        figures=figures,
        baseline=baseline,
        rows=rows,
        columns=("rules", "features", "evaluator", "events/s", "p50 µs", "p99 µs"),
        notes=notes,
    )


if __name__ == "__main__":
    import sys

    result = run(quick="--quick" in sys.argv)
    widths = [
        max(len(str(c)), *(len(f"{r[i]:,}" if isinstance(r[i], int) else str(r[i])) for r in result.rows))
        for i, c in enumerate(result.columns)
    ]
    print(" | ".join(str(c).rjust(w) for c, w in zip(result.columns, widths, strict=True)))
    for row in result.rows:
        cells = [f"{v:,}" if isinstance(v, int) else str(v) for v in row]
        print(" | ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True)))
    for key in ("events_per_s", "events_per_s_500_rules", "p99_us"):
        ratio = result.ratio(key)
        print(f"{key}: {result.figures[key]:,} vs baseline {result.baseline[key]:,} (×{ratio:.2f})")
    for note in result.notes:
        print("-", note)
