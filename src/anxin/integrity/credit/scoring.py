"""Credit scores (信用惩戒) for shops, technicians and stations: every point explained, every penalty fading.

Problem: a merchant caught 刷单 must lose standing visibly, but not forever,
and a consumer or a dispatcher must see *why* a score is what it is. So a
score is a base plus the sum of **items** — confirmed findings, penalties,
failed or passed inspections (抽检), upheld reports, complaints, SLA breaches,
warranty re-repairs, and months of clean history — each with points that
decay with a half-life, and an item stops counting once it has faded below
half a point. The explanation lists each item's points today and until when
it counts.

Pure: items and a time in, a :class:`CreditScore` out. Cost O(items).

>>> day = 86_400_000
>>> items = [CreditItem("penalty", -30, 0, "suspended for 刷单", half_life_days=180),
...          CreditItem("inspection", 5, 10 * day, "抽检合格")]
>>> s = score(items, now_ms=10 * day)
>>> s.score, s.level, [round(c.points, 1) for c in s.contributions]
(56.1, 'D', [-28.9, 5.0])
>>> score(items, now_ms=2_000 * day).level
'B'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

DAY_MS = 86_400_000
BASE = 80.0
LEVELS = ((90.0, "A"), (75.0, "B"), (60.0, "C"), (40.0, "D"), (0.0, "E"))
"""Score thresholds of the levels consumers see: A 优秀, B 良好, C 一般, D 较差, E 差."""

DEFAULT_HALF_LIFE_DAYS = {
    "finding": 180.0,
    "penalty": 180.0,
    "inspection": 365.0,
    "report": 120.0,
    "complaint": 90.0,
    "sla_breach": 60.0,
    "rerepair": 90.0,
    "clean_month": 365.0,
}


@dataclass(frozen=True)
class CreditItem:
    """Something that moves a score: its kind, points when it happened (negative lowers), when, and why.

    ``public`` items are shown to consumers; internal ones (an open finding's
    details) only to staff.
    """

    kind: str
    points: float
    at_ms: int
    reason: str
    half_life_days: float | None = None
    public: bool = True

    def __post_init__(self) -> None:
        if self.kind not in DEFAULT_HALF_LIFE_DAYS:
            raise ValueError(f"kind must be one of {sorted(DEFAULT_HALF_LIFE_DAYS)}, got {self.kind!r}")
        if not math.isfinite(self.points):
            raise ValueError("points must be a finite number")

    @property
    def half_life_ms(self) -> float:
        return (self.half_life_days or DEFAULT_HALF_LIFE_DAYS[self.kind]) * DAY_MS


@dataclass(frozen=True)
class Contribution:
    """An item's points at the scoring time and the time it stops counting (fades below half a point)."""

    item: CreditItem
    points: float
    counts_until_ms: int


@dataclass(frozen=True)
class CreditScore:
    score: float
    level: str
    contributions: list[Contribution] = field(default_factory=list)

    def public_reasons(self) -> list[Contribution]:
        return [c for c in self.contributions if c.item.public]


def level_of(value: float) -> str:
    return next(name for threshold, name in LEVELS if value >= threshold)


def _faded_at(item: CreditItem) -> int:
    """When ``|points| × 0.5^(t / half-life)`` drops below 0.5 (never for items worth less than that)."""
    magnitude = abs(item.points)
    if magnitude <= 0.5:
        return item.at_ms
    return item.at_ms + int(item.half_life_ms * math.log2(magnitude / 0.5))


CLEAN_MONTH_POINTS = 1.0
MAX_CLEAN_MONTHS = 6
MONTH_MS = 30 * DAY_MS


def clean_months(items: list[CreditItem], *, now_ms: int) -> list[CreditItem]:
    """One ``clean_month`` item (+1) for each full 30 days since the last negative item, at most six.

    Why: a merchant or technician who stays clean after a penalty should
    climb back faster than the penalty alone fades, and a consumer should see
    that as a reason. History starts at the first item on record: a subject
    with no record has earned no months (the base already says "unknown").

    >>> day = 86_400_000
    >>> bad = CreditItem("complaint", -4, 0, "投诉")
    >>> [i.at_ms // day for i in clean_months([bad], now_ms=75 * day)]
    [30, 60]
    >>> clean_months([], now_ms=75 * day)
    []
    """
    recorded = [i for i in items if i.kind != "clean_month" and i.at_ms <= now_ms]
    if not recorded:
        return []
    negatives = [i.at_ms for i in recorded if i.points < 0]
    since = max(negatives) if negatives else min(i.at_ms for i in recorded)
    months = min(MAX_CLEAN_MONTHS, (now_ms - since) // MONTH_MS)
    return [
        CreditItem("clean_month", CLEAN_MONTH_POINTS, since + k * MONTH_MS, f"{k * 30} 天无不良记录")
        for k in range(1, int(months) + 1)
    ]


def score(items: list[CreditItem], *, now_ms: int, base: float = BASE) -> CreditScore:
    """The score at ``now_ms`` (0–100, rounded to 0.1) with each counting item's contribution, largest first.

    Items dated after ``now_ms`` do not count yet.
    """
    contributions = []
    for item in items:
        if item.at_ms > now_ms:
            continue
        until = _faded_at(item)
        if until <= now_ms:
            continue
        points = item.points * 0.5 ** ((now_ms - item.at_ms) / item.half_life_ms)
        contributions.append(Contribution(item, points, until))
    contributions.sort(key=lambda c: (-abs(c.points), c.item.at_ms))
    value = round(min(100.0, max(0.0, base + sum(c.points for c in contributions))), 1)
    return CreditScore(value, level_of(value), contributions)
