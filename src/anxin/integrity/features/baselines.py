"""EWMA and seasonal baselines per key, for short-term sales spikes (短期销量暴增).

Problem: a brushed shop or item shows a burst of orders far above its own
normal level for that time of day. Per key we count events per bucket
(default one hour) and keep, for each slot of the season (default 24 hourly
slots, so "Tuesday 10:00" is compared with earlier "10:00"s), an
exponentially weighted mean and variance of closed buckets (West 1979 style
incremental EWMA variance). The score of the current, still open bucket is
``(count - mean) / max(std, min_std)``; ``season=1`` gives a plain EWMA.

Idle buckets count as zeros. Skipping ``k`` empty buckets of a slot is done in
closed form — ``mean·(1-α)^k`` and ``(1-α)^k·(var + mean²·(1-(1-α)^k))`` — so
cost is O(min(gap, season)) per bucket change and O(1) per event.
Out-of-order events for an already closed bucket are not folded back into the
baseline (counted in ``late_ignored``); a spike is about the present.

>>> s = SeasonalBaseline(bucket_ms=1_000, season=1, alpha=0.5, warmup=3)
>>> for t in range(0, 6_000, 1_000):       # one event per second: the normal level
...     _ = s.add("shop-1", t, 1)
>>> [round(s.add("shop-1", 6_500, 1), 2) for _ in range(5)][-1]  # five in one second
4.0
"""

from __future__ import annotations

import math
import sys
from typing import Any


class SeasonalBaseline:
    """Per-key seasonal EWMA of per-bucket sums, scoring the open bucket as a z-score."""

    __slots__ = ("_keys", "alpha", "bucket_ms", "late_ignored", "min_std", "season", "warmup")

    def __init__(
        self,
        bucket_ms: int = 3_600_000,
        *,
        season: int = 24,
        alpha: float = 0.1,
        min_std: float = 1.0,
        warmup: int | None = None,
    ):
        if not isinstance(bucket_ms, int) or bucket_ms < 1:
            raise ValueError(f"bucket_ms must be a positive int of ms (3_600_000 = hourly), got {bucket_ms!r}")
        if not isinstance(season, int) or not 1 <= season <= 10_000:
            raise ValueError(
                f"season must be an int in 1..10000 buckets (24 = daily for hourly buckets), got {season!r}"
            )
        if not 0 < alpha <= 1:
            raise ValueError(
                f"alpha must be in (0, 1]; smaller remembers longer (0.1 ≈ last 10 seasons), got {alpha!r}"
            )
        if not min_std > 0:
            raise ValueError(f"min_std must be > 0 so a flat history does not divide by zero, got {min_std!r}")
        self.bucket_ms = bucket_ms
        self.season = season
        self.alpha = float(alpha)
        self.min_std = float(min_std)
        self.warmup = 2 * season if warmup is None else warmup
        if not isinstance(self.warmup, int) or self.warmup < 0:
            raise ValueError(f"warmup must be an int ≥ 0 of closed buckets before scoring, got {warmup!r}")
        self.late_ignored = 0
        # key -> [open bucket, its sum, closed buckets so far, [mean per slot], [var per slot]]
        self._keys: dict[Any, list] = {}

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, key: Any, time_ms: int, value: float = 1) -> float:
        """Add ``value`` at ``time_ms``; return the z-score of the open bucket (0.0 while warming up)."""
        b = time_ms // self.bucket_ms
        st = self._keys.get(key)
        if st is None:
            st = self._keys[key] = [b, 0, 0, [0.0] * self.season, [0.0] * self.season]
        if b > st[0]:
            self._close(st, b)
        elif b < st[0]:
            self.late_ignored += 1
            return self._score(st)
        st[1] += value
        return self._score(st)

    def get(self, key: Any, time_ms: int) -> float:
        """The z-score at ``time_ms`` without adding (an unseen key or a newer, empty bucket scores ≤ 0)."""
        st = self._keys.get(key)
        if st is None:
            return 0.0
        b = time_ms // self.bucket_ms
        if b > st[0]:
            probe = [st[0], st[1], st[2], list(st[3]), list(st[4])]
            self._close(probe, b)
            return self._score(probe)
        return self._score(st)

    def baseline(self, key: Any) -> tuple[float, float]:
        """(mean, std) of the open bucket's slot, for explanations."""
        st = self._keys.get(key)
        if st is None:
            return 0.0, 0.0
        slot = st[0] % self.season
        return st[3][slot], math.sqrt(st[4][slot])

    def _score(self, st: list) -> float:
        if st[2] < self.warmup:
            return 0.0
        slot = st[0] % self.season
        std = math.sqrt(st[4][slot])
        return (st[1] - st[3][slot]) / (std if std > self.min_std else self.min_std)

    def _close(self, st: list, b: int) -> None:
        """Fold the open bucket into its slot, then the empty buckets up to (not including) ``b``."""
        a = self.alpha
        means, vars_ = st[3], st[4]
        slot = st[0] % self.season
        diff = st[1] - means[slot]
        incr = a * diff
        means[slot] += incr
        vars_[slot] = (1 - a) * (vars_[slot] + diff * incr)
        empty = b - st[0] - 1
        if empty > 0:
            full, rest = divmod(empty, self.season)
            first = st[0] + 1
            for i in range(min(empty, self.season)):
                k = full + (1 if i < rest else 0)
                s = (first + i) % self.season
                decay = (1 - a) ** k
                m0 = means[s]
                means[s] = m0 * decay
                vars_[s] = decay * (vars_[s] + m0 * m0 * (1 - decay))
        st[2] += b - st[0]
        st[0] = b
        st[1] = 0

    def to_state(self) -> dict:
        return {
            "bucket_ms": self.bucket_ms,
            "season": self.season,
            "alpha": self.alpha,
            "min_std": self.min_std,
            "warmup": self.warmup,
            "late_ignored": self.late_ignored,
            "keys": [[k, *st] for k, st in self._keys.items()],
        }

    @classmethod
    def from_state(cls, state: dict) -> SeasonalBaseline:
        self = cls(
            state["bucket_ms"],
            season=state["season"],
            alpha=state["alpha"],
            min_std=state["min_std"],
            warmup=state["warmup"],
        )
        self.late_ignored = state["late_ignored"]
        self._keys = {k: [b, v, n, list(m), list(var)] for k, b, v, n, m, var in state["keys"]}
        return self

    def memory_bytes(self) -> int:
        total = sys.getsizeof(self._keys)
        for st in self._keys.values():
            total += sys.getsizeof(st) + sys.getsizeof(st[3]) * 2 + 24 * 2 * self.season
        return total
