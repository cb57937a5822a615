"""Backtest: what a ruleset would have decided over stored history, and at what review volume.

Problem: before a rule goes live an analyst must know what it catches and how
many cases it adds to the review queue each day. A backtest replays history in
event-time order through the same :func:`~anxin.integrity.engine.decide` the
live runtime uses, from empty feature state, and compares each decision with
the one the live ruleset made at the time.

"Caught" is measured against ``known_bad`` actors (accounts on block lists or
labelled by detectors): the share of their events the ruleset flags, and the
share of flagged events that belong to them.

Pure: events in, report out; cost O(events) time, O(features) memory.

>>> from anxin.integrity.events.schema import Event
>>> from anxin.integrity.rules.language import compile_ruleset
>>> rs = compile_ruleset('rule big when amount > 100 then review score 30 reason "large"')
>>> rows = [(Event(f"e{i}", 1767225600000 + i, "t", "order_placed", f"a{i % 2}", attrs={"amount": 50 * i}), "allow")
...         for i in range(5)]
>>> r = backtest(rows, rs, known_bad={"a1"})
>>> r.by_action, r.changed, round(r.recall_of_known_bad, 2)
({'allow': 3, 'review': 2, 'block': 0}, {('allow', 'review'): 2}, 0.5)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from anxin.integrity.engine import EngineState, decider
from anxin.integrity.events.schema import Event
from anxin.integrity.rules.language import CompiledRuleset

DAY_MS = 86_400_000
CHINA_OFFSET_MS = 8 * 3_600_000


@dataclass
class BacktestReport:
    """Totals, per-rule hits, per-day flagged volume and the difference from the live decisions."""

    ruleset: str
    events: int = 0
    by_action: dict[str, int] = field(default_factory=lambda: {"allow": 0, "review": 0, "block": 0})
    rule_hits: Counter = field(default_factory=Counter)
    flagged_per_day: dict[str, int] = field(default_factory=dict)
    changed: dict[tuple[str, str], int] = field(default_factory=dict)
    newly_flagged: list[str] = field(default_factory=list)  # event ids, first 50
    known_bad_events: int = 0
    known_bad_flagged: int = 0
    flagged: int = 0
    decisions: dict[str, tuple[str, int]] | None = None  # event id -> (action, score), when asked for

    @property
    def recall_of_known_bad(self) -> float:
        return self.known_bad_flagged / self.known_bad_events if self.known_bad_events else 0.0

    @property
    def precision_on_known_bad(self) -> float:
        return self.known_bad_flagged / self.flagged if self.flagged else 0.0

    @property
    def reviews_per_day(self) -> float:
        days = len(self.flagged_per_day)
        return self.by_action["review"] / days if days else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "ruleset": self.ruleset,
            "events": self.events,
            "by_action": self.by_action,
            "rule_hits": dict(self.rule_hits.most_common()),
            "flagged_per_day": self.flagged_per_day,
            "reviews_per_day": round(self.reviews_per_day, 1),
            "changed": [{"live": a, "backtest": b, "events": n} for (a, b), n in sorted(self.changed.items())],
            "newly_flagged": self.newly_flagged,
            "known_bad_events": self.known_bad_events,
            "recall_of_known_bad": round(self.recall_of_known_bad, 4),
            "precision_on_known_bad": round(self.precision_on_known_bad, 4),
        }


def china_day(time_ms: int) -> str:
    return datetime.fromtimestamp((time_ms + CHINA_OFFSET_MS) / 1000, UTC).strftime("%Y-%m-%d")


def backtest(
    rows: Iterable[tuple[Event, str | None]],
    ruleset: CompiledRuleset,
    *,
    lists: Mapping[str, Iterable[Any]] | None = None,
    labels: Mapping[str, Iterable[Any]] | None = None,
    known_bad: Iterable[str] = (),
    progress: Callable[[int], None] | None = None,
    keep_decisions: bool = False,
) -> BacktestReport:
    """Decide ``rows`` ((event, live action or None), in event-time order) with ``ruleset`` from empty state.

    ``keep_decisions`` keeps every event's (action, score) in the report, for the parity test.
    """
    state = EngineState(lists=lists, labels=labels)
    decide_one = decider(state, ruleset)
    bad = frozenset(known_bad)
    report = BacktestReport(ruleset.version, decisions={} if keep_decisions else None)
    by_action, per_day, changed, hits = report.by_action, report.flagged_per_day, report.changed, report.rule_hits
    kept = report.decisions
    day_cache: dict[int, str] = {}
    events = bad_events = flagged = bad_flagged = 0
    for event, live_action in rows:
        d = decide_one(event)
        events += 1
        action = d.action
        by_action[action] += 1
        if kept is not None:
            kept[event.id] = (action, d.score)
        is_bad = bool(bad) and event.actor in bad
        bad_events += is_bad
        if action != "allow":
            flagged += 1
            bad_flagged += is_bad
            day_index = (event.time_ms + CHINA_OFFSET_MS) // DAY_MS
            day = day_cache.get(day_index)
            if day is None:
                day = day_cache[day_index] = china_day(event.time_ms)
            per_day[day] = per_day.get(day, 0) + 1
            for f in d.fired:
                hits[f.name] += 1
        if live_action is not None and live_action != action:
            key = (live_action, action)
            changed[key] = changed.get(key, 0) + 1
            if live_action == "allow" and len(report.newly_flagged) < 50:
                report.newly_flagged.append(event.id)
        if progress is not None and events % 10_000 == 0:
            progress(events)
    report.events, report.known_bad_events, report.flagged, report.known_bad_flagged = (
        events,
        bad_events,
        flagged,
        bad_flagged,
    )
    return report
