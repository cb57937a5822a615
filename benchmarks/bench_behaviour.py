"""Behaviour detectors (issue 8) on planted patterns at several strengths among honest look-alikes.

One seeded stream per detector (``anxin.demo.<stream>.generate``, seed 2026),
each with a plain baseline run on the same stream — what a hand-written rule
would do — so the table shows what the statistics buy:

* **cashback** (``demo.money``): 100k accounts, 2k shops, 300k reviews over
  60 days, red packets between friends, payrolls (three gig platforms paying
  thousands weekly), complaint and price-protection refunds; 40 go-betweens
  and 15 self-refunding shops. Found = a finding names the planted payer.
  Baseline: "a payer who paid ≥ 5 accounts within 7 days after they praised
  a shop" (no test against chance, no share).
* **brushing** (``demo.brushing``): 100k accounts, 1,500 shops, 400k visits
  over 30 days; regulars searching the shop's name, flash sales, video items;
  60 campaigns of 8–60 workers. Found = the worker accounts named.
  Baseline: a per-session rule, "one-off order after 4–10 minutes of
  browsing through a search, with five stars" (no group test).
* **spikes** (``demo.spikes``): 200k accounts, 2,000 shops, 60k orders a day
  for 14 days, a sale day, promotions and neighbourhood group buys; 40 bought
  spikes with one or two contexts. Found = the bought accounts named.
  Baseline: every buyer of every spike hour (the engine's spike feature
  alone, no context).
* **insider** (``demo.subsidies``): 120 staff, 1,500 shops, 250k orders over
  60 days, an office IP, key-account managers, a promotion lifting every
  shop's claims, high-refund honest shops; 12 insiders and 10 farming shops.
  Found = the insider staff and farming shops named. Baseline: share
  thresholds (a staff member giving ≥ 20 % of their favours to one
  merchant; a shop with ≥ 30 % of its subsidised orders refunded).
* **extortion** (``demo.extortion``): 60k accounts, 2k shops, 300k reviews
  over 60 days, honest complaint refunds, heavy critics, bad-product shops,
  households; 40 crews. Found = the crews' accounts named. Baseline: "paid by
  ≥ 3 shops after negative reviews" with no test against chance.

``--quick`` runs smaller streams (for a smoke test).
"""

from __future__ import annotations

import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable

from anxin.benchmarking import BenchResult
from anxin.demo import brushing as brushing_demo
from anxin.demo import extortion as extortion_demo
from anxin.demo import money, subsidies
from anxin.demo import spikes as spikes_demo
from anxin.integrity.detectors.brushing import BrushingDetector, sessions_of
from anxin.integrity.detectors.cashback import CashbackDetector
from anxin.integrity.detectors.extortion import ExtortionDetector
from anxin.integrity.detectors.insider import InsiderDetector
from anxin.integrity.detectors.spikes import SpikeDetector

NAME = "behaviour"
DESCRIPTION = "behaviour detectors: precision/recall on planted patterns among look-alikes, time per 1M events"
SEED = 2026
MINUTE_MS = 60_000
DAY_MS = 86_400_000


def _scores(flagged: set[str], truth: set[str]) -> tuple[float, float]:
    hits = len(flagged & truth)
    return round(hits / max(len(flagged), 1), 4), round(hits / max(len(truth), 1), 4)


def _timed(run: Callable[[], set[str]]) -> tuple[set[str], float]:
    t0 = time.perf_counter()
    flagged = run()
    return flagged, time.perf_counter() - t0


def _cashback(quick: bool):
    size = {"accounts": 20_000, "shops": 500, "reviews": 60_000, "channels": 10, "refunding_shops": 5} if quick else {}
    stream = money.generate(seed=SEED, **size)
    truth = set(stream.channel_payers) | set(stream.refunding_shops)
    ours = _timed(lambda: {f.members[0].id for f in CashbackDetector().detect(stream.events)})
    naive = _timed(lambda: {f.members[0].id for f in CashbackDetector(alpha=1.0, min_share=0.0).detect(stream.events)})
    planted = f"{len(stream.channel_payers)} go-betweens, {len(stream.refunding_shops)} refunding shops"
    return stream.events, truth, ours, naive, "≥ 5 praisers paid (no test)", planted


def _brushing(quick: bool):
    size = {"accounts": 20_000, "shops": 300, "sessions": 80_000, "campaigns": 15} if quick else {}
    stream = brushing_demo.generate(seed=SEED, **size)
    truth = set(stream.brushing_accounts)
    ours = _timed(lambda: {a for f in BrushingDetector().detect(stream.events) for a in f.member_ids()})

    def per_session() -> set[str]:
        return {
            s.account
            for s in sessions_of(stream.events)
            if s.order and s.query and s.one_off and 4 * MINUTE_MS <= s.dwell_ms <= 10 * MINUTE_MS and s.rating == 5
        }

    planted = f"{len(stream.campaigns)} campaigns, {len(truth):,} workers"
    return stream.events, truth, ours, _timed(per_session), "per-session rule (no group test)", planted


def _spikes(quick: bool):
    size = {"accounts": 30_000, "shops": 400, "days": 10, "orders_per_day": 15_000, "bought": 12, "promotions": 8}
    stream = spikes_demo.generate(seed=SEED, **(size if quick else {}))
    truth = set().union(*stream.bought.values())
    ours = _timed(lambda: {a for f in SpikeDetector().detect(stream.events) for a in f.member_ids()})
    every_spike = SpikeDetector(context_alpha=1.0, min_context_share=0.0)
    naive = _timed(lambda: {a for f in every_spike.detect(stream.events) for a in f.member_ids()})
    planted = f"{len(stream.bought)} bought spikes, {len(stream.promotions)} promotions"
    return stream.events, truth, ours, naive, "every spike's buyers (no context)", planted


def _insider(quick: bool):
    size = {"staff": 60, "shops": 400, "buyers": 15_000, "orders": 60_000, "insiders": 6, "farming_shops": 6}
    stream = subsidies.generate(seed=SEED, **(size if quick else {}))
    truth = set(stream.colluding_staff) | set(stream.farming_shops)

    def found() -> set[str]:
        out = set()
        for f in InsiderDetector().detect(stream.events, stream.rule_changes):
            out |= set(f.member_ids("staff")) if f.kind == "insider_collusion" else set(f.member_ids("shop"))
        return out

    def thresholds() -> set[str]:
        """Staff giving ≥ 20 % (and ≥ 5) of their favours to one merchant; shops with ≥ 30 % bad subsidised orders."""
        favours: dict[str, Counter[str]] = defaultdict(Counter)
        claimed, bad = defaultdict(set), set()
        for e in stream.events:
            if e.type == "subsidy_approved" or (e.type == "staff_override" and e.attrs.get("new_action") == "allow"):
                favours[e.actor][e.attrs.get("shop") or e.attrs.get("beneficiary")] += 1
            elif e.type == "subsidy_claim" and e.attrs.get("order"):
                claimed[e.attrs.get("shop")].add(e.attrs["order"])
            elif e.type == "refund" and e.attrs.get("order"):
                bad.add(e.attrs["order"])
        staff = {s for s, c in favours.items() if (top := c.most_common(1)[0][1]) >= 5 and top >= 0.2 * c.total()}
        shops = {s for s, orders in claimed.items() if len(orders & bad) >= max(5, 0.3 * len(orders))}
        return staff | shops

    planted = f"{len(stream.colluding_staff)} insiders, {len(stream.farming_shops)} farming shops"
    return stream.events, truth, _timed(found), _timed(thresholds), "share thresholds (no test, no link)", planted


def _extortion(quick: bool):
    size = {"accounts": 20_000, "shops": 600, "reviews": 80_000, "crews": 12}
    stream = extortion_demo.generate(seed=SEED, **(size if quick else {}))
    truth = set(stream.extortionists)
    ours = _timed(lambda: {a for f in ExtortionDetector().detect(stream.events) for a in f.member_ids()})
    untested = ExtortionDetector(alpha=1.0, text_alpha=1.0)
    naive = _timed(lambda: {a for f in untested.detect(stream.events) for a in f.member_ids()})
    planted = f"{len(truth)} extortionists"
    return stream.events, truth, ours, naive, "≥ 3 shops paid after complaints (no test)", planted


SECTIONS = {
    "cashback": _cashback,
    "brushing": _brushing,
    "spikes": _spikes,
    "insider": _insider,
    "extortion": _extortion,
}


def run(quick: bool = False, only: tuple[str, ...] = ()) -> BenchResult:
    rows, figures, baseline, notes = [], {}, {}, []
    for name, section in SECTIONS.items():
        if only and name not in only:
            continue
        t0 = time.perf_counter()
        events, truth, (flagged, seconds), (naive, naive_s), naive_name, planted = section(quick)
        generated_s = time.perf_counter() - t0 - seconds - naive_s
        precision, recall = _scores(flagged, truth)
        naive_precision, naive_recall = _scores(naive, truth)
        per_million = seconds / len(events) * 1e6
        rows += [
            (f"{name} detector", precision, recall, len(flagged), round(seconds, 2), round(per_million, 2)),
            (f"  {naive_name}", naive_precision, naive_recall, len(naive), round(naive_s, 2), ""),
        ]
        figures |= {
            f"{name}_precision": precision,
            f"{name}_recall": recall,
            f"{name}_events": len(events),
            f"{name}_seconds_per_million_events": round(per_million, 2),
        }
        baseline |= {f"{name}_precision": naive_precision, f"{name}_recall": naive_recall}
        notes.append(f"{name}: {len(events):,} events, {planted} (seed {SEED}); generated in {generated_s:.1f} s")
    notes.append("targets (issue 8): precision and recall ≥ 0.95 per detector")
    return BenchResult(
        NAME,
        figures=figures,
        baseline=baseline,
        rows=rows,
        columns=("method", "precision", "recall", "flagged", "seconds", "s / 1M events"),
        notes=notes,
    )


if __name__ == "__main__":
    chosen = tuple(a for a in sys.argv[1:] if not a.startswith("--"))
    result = run(quick="--quick" in sys.argv, only=chosen)
    print(" | ".join(result.columns))
    for row in result.rows:
        print(" | ".join(str(v) for v in row))
    for note in result.notes:
        print("-", note)
