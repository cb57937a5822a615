"""Sliding-window sums and counts per key, in event time, with bounded lateness.

Problem: high-frequency ordering (高频下单) shows as many orders per account,
device, IP, address or payment instrument within minutes to days. The engine
must answer "how many in the last hour for this key?" for every event in O(1).

Semantics (what the oracle tests recount by brute force): a window of
``window_ms`` is cut into ``buckets`` buckets of width ``w = window_ms /
buckets``; an event at time ``t`` falls in bucket ``t // w``. The value at
time ``t`` is the sum over accepted events of the key whose bucket lies in
``(t//w - buckets, t//w]``, i.e. the last ``window_ms`` to within one bucket.

Out-of-order events: each key remembers the newest bucket it has seen
(``head``) and keeps ``retain = buckets + ceil(lateness_ms / w)`` buckets. A
late event inside that range is added to its own bucket and affects every
later query that covers it; an event older than that is dropped (counted in
``late_dropped``), and queries only see retained buckets.

Cost: O(1) amortised per event (a bucket is added once and removed once; a
key idle for a long time is reset, not walked). Memory per key is one small
dict with one entry per non-empty retained bucket (see :func:`memory_bytes`).

>>> w = SlidingSum(window_ms=60_000, buckets=6)    # 1 minute in 10-second buckets
>>> [w.add("acct-1", t, 1) for t in (0, 5_000, 30_000, 65_000)]
[1, 2, 3, 2]
>>> w.get("acct-1", 120_000), w.get("nobody", 0)
(0, 0)
"""

from __future__ import annotations

import sys
from typing import Any

MIN_WINDOW_MS = 1
MAX_WINDOW_MS = 366 * 86_400_000


def _window_params(window_ms: int, buckets: int, lateness_ms: int | None) -> tuple[int, int]:
    if not isinstance(window_ms, int) or not MIN_WINDOW_MS <= window_ms <= MAX_WINDOW_MS:
        raise ValueError(f"window_ms must be an int of ms in 1..{MAX_WINDOW_MS}, got {window_ms!r}")
    if not isinstance(buckets, int) or buckets < 1:
        raise ValueError(f"buckets must be a positive int (60 is a good default), got {buckets!r}")
    if window_ms % buckets:
        raise ValueError(
            f"window_ms={window_ms} does not split into {buckets} equal buckets; pick a bucket count dividing it"
        )
    width = window_ms // buckets
    lateness = window_ms if lateness_ms is None else lateness_ms
    if not isinstance(lateness, int) or lateness < 0:
        raise ValueError(f"lateness_ms must be an int ≥ 0 (ms an event may arrive late), got {lateness_ms!r}")
    return width, buckets + -(-lateness // width)


class SlidingSum:
    """Per-key sum of values over a sliding event-time window; a count is a sum of 1s.

    Keep values integers (counts, money in fen) and the sums stay exact; floats
    work but accumulate rounding like any running sum.
    """

    __slots__ = ("_keys", "buckets", "late_dropped", "lateness_ms", "retain", "width_ms", "window_ms")

    def __init__(self, window_ms: int, *, buckets: int = 60, lateness_ms: int | None = None):
        self.window_ms = window_ms
        self.buckets = buckets
        self.lateness_ms = window_ms if lateness_ms is None else lateness_ms
        self.width_ms, self.retain = _window_params(window_ms, buckets, lateness_ms)
        self.late_dropped = 0
        # key -> [head bucket, sum over (head - buckets, head], {bucket: sum}]
        self._keys: dict[Any, list] = {}

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, key: Any, time_ms: int, value: float = 1) -> float:
        """Add ``value`` at ``time_ms`` and return the window value at ``time_ms`` (including it)."""
        b = time_ms // self.width_ms
        st = self._keys.get(key)
        if st is None:
            self._keys[key] = [b, value, {b: value}]
            return value
        head = st[0]
        if b == head:
            st[2][b] += value
            st[1] += value
            return st[1]
        if b > head:
            self._advance(st, b)
            st[2][b] = value
            st[1] += value
            return st[1]
        if b <= head - self.retain:
            self.late_dropped += 1
            return self._sum_at(st[2], b)
        d = st[2]
        d[b] = d.get(b, 0) + value
        if b > head - self.buckets:
            st[1] += value
        return self._sum_at(d, b)

    def get(self, key: Any, time_ms: int) -> float:
        """The window value at ``time_ms`` without adding anything (0 for an unseen key)."""
        st = self._keys.get(key)
        if st is None:
            return 0
        b = time_ms // self.width_ms
        head = st[0]
        if b == head:
            return st[1]
        if b > head:
            if b - head >= self.buckets:
                return 0
            return st[1] - self._sum_range(st[2], head - self.buckets + 1, b - self.buckets + 1)
        return self._sum_at(st[2], b)

    def _sum_at(self, d: dict, b: int) -> float:
        return self._sum_range(d, b - self.buckets + 1, b + 1)

    @staticmethod
    def _sum_range(d: dict, lo: int, hi: int) -> float:
        """Sum of buckets in [lo, hi), walking whichever is shorter: the range or the dict."""
        if hi - lo <= len(d):
            get = d.get
            return sum(get(x, 0) for x in range(lo, hi))
        return sum(c for x, c in d.items() if lo <= x < hi)

    def _advance(self, st: list, b: int) -> None:
        head, total, d = st
        gap = b - head
        n = self.buckets
        if gap >= self.retain:
            d.clear()
            total = 0
        else:
            total = 0 if gap >= n else total - self._sum_range(d, head - n + 1, b - n + 1)
            cut = b - self.retain  # buckets ≤ cut leave the retained range
            if gap <= len(d):
                for x in range(head - self.retain + 1, cut + 1):
                    d.pop(x, None)
            else:
                for x in [x for x in d if x <= cut]:
                    del d[x]
        st[0] = b
        st[1] = total

    def to_state(self) -> dict:
        """Plain JSON-able state, so a journal-based runtime can snapshot it."""
        return {
            "window_ms": self.window_ms,
            "buckets": self.buckets,
            "lateness_ms": self.lateness_ms,
            "late_dropped": self.late_dropped,
            "keys": [[k, st[0], st[1], list(st[2].items())] for k, st in self._keys.items()],
        }

    @classmethod
    def from_state(cls, state: dict) -> SlidingSum:
        self = cls(state["window_ms"], buckets=state["buckets"], lateness_ms=state["lateness_ms"])
        self.late_dropped = state["late_dropped"]
        self._keys = {k: [head, total, {int(b): c for b, c in items}] for k, head, total, items in state["keys"]}
        return self

    def memory_bytes(self) -> int:
        """Approximate bytes held for all keys (containers and their entries, not the key strings)."""
        total = sys.getsizeof(self._keys)
        for st in self._keys.values():
            total += sys.getsizeof(st) + sys.getsizeof(st[2]) + 28 * 2 * len(st[2])
        return total
