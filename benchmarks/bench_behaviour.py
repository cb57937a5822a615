"""Behaviour detectors (issue 8) on planted patterns at several strengths among honest look-alikes.

So far: **cashback channels**. Stream: ``anxin.demo.money.generate`` (seed
2026): 100k accounts, 2k shops, 300k reviews over 60 days, red packets
between friends, payrolls, complaint refunds and price-protection refunds;
planted 40 go-betweens (1–4 shops each, 5–40 paid praisers per shop, up to
40 % of their payments elsewhere, price-plus-commission or fixed red
packets) and 15 shops refunding 5–30 praisers themselves.

Payer level: a planted payer (go-between or refunding shop) is *found* when a
finding names it as the payer. Baseline, same stream: "a payer who paid ≥ 5
accounts within 7 days after they praised a shop" with no test against
chance and no share — what a hand-written rule would do.
"""

from __future__ import annotations

import sys
import time

from anxin.benchmarking import BenchResult
from anxin.demo.money import generate
from anxin.integrity.detectors.cashback import CashbackDetector

NAME = "behaviour"
DESCRIPTION = "behaviour detectors: precision/recall on planted cashback channels among look-alikes, time per 1M events"
SEED = 2026


def _scores(flagged: set[str], truth: set[str]) -> tuple[float, float]:
    hits = len(flagged & truth)
    return round(hits / max(len(flagged), 1), 4), round(hits / len(truth), 4)


def run(quick: bool = False) -> BenchResult:
    size = {"accounts": 20_000, "shops": 500, "reviews": 60_000, "channels": 10, "refunding_shops": 5} if quick else {}
    t0 = time.perf_counter()
    stream = generate(seed=SEED, **size)
    generated_s = time.perf_counter() - t0
    truth = set(stream.channel_payers) | set(stream.refunding_shops)

    t0 = time.perf_counter()
    findings = CashbackDetector().detect(stream.events)
    seconds = time.perf_counter() - t0
    precision, recall = _scores({f.members[0].id for f in findings}, truth)

    t0 = time.perf_counter()
    naive = CashbackDetector(alpha=1.0, min_share=0.0).detect(stream.events)
    naive_s = time.perf_counter() - t0
    naive_precision, naive_recall = _scores({f.members[0].id for f in naive}, truth)

    per_million = seconds / len(stream.events) * 1e6
    rows = [
        ("cashback detector", precision, recall, len(findings), round(seconds, 2)),
        ("≥ 5 praisers paid (no test)", naive_precision, naive_recall, len(naive), round(naive_s, 2)),
    ]
    figures = {
        "cashback_precision": precision,
        "cashback_recall": recall,
        "events": len(stream.events),
        "seconds_per_million_events": round(per_million, 2),
    }
    baseline = {"cashback_precision": naive_precision, "cashback_recall": naive_recall}
    notes = [
        f"{len(stream.events):,} events, {len(stream.channel_payers)} planted go-betweens and "
        f"{len(stream.refunding_shops)} refunding shops (seed {SEED}); generated in {generated_s:.1f} s",
        f"cashback: {per_million:.2f} s per million events",
        "targets (issue 8): precision and recall ≥ 0.95 per detector",
    ]
    return BenchResult(
        NAME,
        figures=figures,
        baseline=baseline,
        rows=rows,
        columns=("method", "precision", "recall", "findings", "seconds"),
        notes=notes,
    )


if __name__ == "__main__":
    result = run(quick="--quick" in sys.argv)
    print(" | ".join(result.columns))
    for row in result.rows:
        print(" | ".join(str(v) for v in row))
    for note in result.notes:
        print("-", note)
