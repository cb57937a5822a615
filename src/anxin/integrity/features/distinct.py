"""Sliding-window distinct counts per key: exact sets while small, HyperLogLog once big.

Problem: sock-puppet rings and brushing farms show as one device, IP, address
or payment instrument used by many accounts ("distinct accounts per device in
24 h"), and as shops suddenly bought from by many new accounts. Distinct
counts need memory per value; most keys see a handful of values, a few (busy
shops) see thousands. So each key starts exact and switches to a sliding
HyperLogLog (Flajolet et al. 2007, "HyperLogLog: the analysis of a
near-optimal cardinality estimation algorithm") once its window holds more
than ``exact_limit`` distinct values.

Window semantics and lateness are those of :mod:`.windows`: buckets of width
``window_ms / buckets``; the value at ``t`` counts distinct values of
accepted events in buckets ``(t//w - buckets, t//w]``.

Cost, exact mode: O(1) amortised per event (each value enters one bucket set
once and leaves once; a reference count per value says whether it is still in
the window). HLL mode: O(1) per event plus one O(retain x m) numpy max when the
head moves to a new bucket; the standard error is 1.04/sqrt(m) (6.5 % at the
default m = 256) and memory is ``retain x m`` bytes per big key.

>>> d = SlidingDistinct(window_ms=60_000, buckets=6)
>>> [d.add("device-1", t, acct) for t, acct in [(0, "a"), (1_000, "b"), (2_000, "a"), (70_000, "c")]]
[1, 2, 2, 1]
"""

from __future__ import annotations

import base64
import math
import sys
from hashlib import blake2b
from typing import Any

import numpy as np

from anxin.integrity.features.windows import _window_params


def hll_hash(value: Any) -> int:
    """A 64-bit hash that is the same in every process (Python's ``hash`` of str is salted)."""
    return int.from_bytes(blake2b(str(value).encode(), digest_size=8).digest(), "little")


def hll_estimate(registers: np.ndarray) -> float:
    """HyperLogLog cardinality from registers, with the linear-counting small-range correction."""
    m = registers.shape[0]
    zeros = int(np.count_nonzero(registers == 0))
    harm = float(np.ldexp(1.0, -registers.astype(np.int64)).sum())
    est = (0.7213 / (1 + 1.079 / m)) * m * m / harm
    if est <= 2.5 * m and zeros:
        est = m * math.log(m / zeros)
    return est


class SlidingDistinct:
    """Per-key number of distinct values over a sliding event-time window."""

    __slots__ = (
        "_keys",
        "buckets",
        "exact_limit",
        "late_dropped",
        "lateness_ms",
        "precision",
        "retain",
        "width_ms",
        "window_ms",
    )

    def __init__(
        self,
        window_ms: int,
        *,
        buckets: int = 60,
        lateness_ms: int | None = None,
        exact_limit: int = 256,
        precision: int = 8,
    ):
        self.width_ms, self.retain = _window_params(window_ms, buckets, lateness_ms)
        if not isinstance(exact_limit, int) or exact_limit < 1:
            raise ValueError(f"exact_limit must be a positive int (distinct values kept exactly), got {exact_limit!r}")
        if not isinstance(precision, int) or not 4 <= precision <= 16:
            raise ValueError(f"precision must be an int in 4..16 (m = 2**precision registers), got {precision!r}")
        self.window_ms = window_ms
        self.buckets = buckets
        self.lateness_ms = window_ms if lateness_ms is None else lateness_ms
        self.exact_limit = exact_limit
        self.precision = precision
        self.late_dropped = 0
        # exact: key -> [head, distinct in window, {bucket: set(values)}, {value: buckets-in-window count}]
        # hll:   key -> _HllKey
        self._keys: dict[Any, Any] = {}

    def __len__(self) -> int:
        return len(self._keys)

    def is_exact(self, key: Any) -> bool:
        return not isinstance(self._keys.get(key), _HllKey)

    def add(self, key: Any, time_ms: int, value: Any) -> int:
        """Record ``value`` for ``key`` at ``time_ms``; return the distinct count at ``time_ms``."""
        b = time_ms // self.width_ms
        st = self._keys.get(key)
        if st is None:
            self._keys[key] = [b, 1, {b: {value}}, {value: 1}]
            return 1
        if type(st) is _HllKey:
            return st.add(self, b, value)
        head = st[0]
        if b >= head:
            if b > head:
                self._advance(st, b)
            s = st[2].get(b)
            if s is None:
                s = st[2][b] = set()
            if value not in s:
                s.add(value)
                ref = st[3]
                c = ref.get(value, 0)
                ref[value] = c + 1
                if not c:
                    st[1] += 1
                    if st[1] > self.exact_limit:
                        self._keys[key] = hk = _HllKey.from_exact(self, st)
                        return hk.value()
            return st[1]
        if b <= head - self.retain:
            self.late_dropped += 1
            return self._exact_at(st[2], b)
        s = st[2].get(b)
        if s is None:
            s = st[2][b] = set()
        if value not in s:
            s.add(value)
            if b > head - self.buckets:
                c = st[3].get(value, 0)
                st[3][value] = c + 1
                if not c:
                    st[1] += 1
        return self._exact_at(st[2], b)

    def get(self, key: Any, time_ms: int) -> int:
        """The distinct count at ``time_ms`` without adding anything (0 for an unseen key)."""
        st = self._keys.get(key)
        if st is None:
            return 0
        b = time_ms // self.width_ms
        if type(st) is _HllKey:
            return st.value_at(self, b)
        if b == st[0]:
            return st[1]
        if b > st[0] and b - st[0] >= self.buckets:
            return 0
        return self._exact_at(st[2], b)

    def _exact_at(self, d: dict, b: int) -> int:
        lo = b - self.buckets
        seen: set = set()
        for x, s in d.items():
            if lo < x <= b:
                seen |= s
        return len(seen)

    def _advance(self, st: list, b: int) -> None:
        head, _, d, ref = st
        gap = b - head
        n = self.buckets
        if gap >= n:
            ref.clear()
            st[1] = 0
        else:
            leaving = range(head - n + 1, b - n + 1)
            for x in leaving if len(leaving) <= len(d) else [x for x in d if x in leaving]:
                s = d.get(x)
                if s:
                    for v in s:
                        c = ref[v] - 1
                        if c:
                            ref[v] = c
                        else:
                            del ref[v]
                            st[1] -= 1
        cut = b - self.retain
        for x in [x for x in d if x <= cut] if gap > len(d) else range(head - self.retain + 1, cut + 1):
            d.pop(x, None)
        st[0] = b

    def to_state(self) -> dict:
        keys = []
        for k, st in self._keys.items():
            if type(st) is _HllKey:
                keys.append([k, "hll", st.to_state()])
            else:
                keys.append([k, "exact", [st[0], [[b, sorted(s, key=repr)] for b, s in st[2].items()]]])
        return {
            "window_ms": self.window_ms,
            "buckets": self.buckets,
            "lateness_ms": self.lateness_ms,
            "exact_limit": self.exact_limit,
            "precision": self.precision,
            "late_dropped": self.late_dropped,
            "keys": keys,
        }

    @classmethod
    def from_state(cls, state: dict) -> SlidingDistinct:
        self = cls(
            state["window_ms"],
            buckets=state["buckets"],
            lateness_ms=state["lateness_ms"],
            exact_limit=state["exact_limit"],
            precision=state["precision"],
        )
        self.late_dropped = state["late_dropped"]
        for k, mode, data in state["keys"]:
            if mode == "hll":
                self._keys[k] = _HllKey.from_state(self, data)
                continue
            head, items = data
            d = {int(b): set(vals) for b, vals in items}
            ref: dict = {}
            for b, s in d.items():
                if b > head - self.buckets:
                    for v in s:
                        ref[v] = ref.get(v, 0) + 1
            self._keys[k] = [head, len(ref), d, ref]
        return self

    def memory_bytes(self) -> int:
        """Approximate bytes held for all keys (containers and entries, not the value strings)."""
        total = sys.getsizeof(self._keys)
        for st in self._keys.values():
            if type(st) is _HllKey:
                total += st.rows.nbytes + st.wmax.nbytes + st.bidx.nbytes + 200
            else:
                total += sys.getsizeof(st) + sys.getsizeof(st[2]) + sys.getsizeof(st[3])
                total += sum(sys.getsizeof(s) for s in st[2].values())
        return total


class _HllKey:
    """One big key: a ring of per-bucket HLL register rows and the register-wise max over the window."""

    __slots__ = ("bidx", "est", "head", "m", "p", "rows", "wmax")

    def __init__(self, retain: int, precision: int, head: int):
        self.p = precision
        self.m = 1 << precision
        self.rows = np.zeros((retain, self.m), dtype=np.uint8)
        self.bidx = np.full(retain, -(2**62), dtype=np.int64)  # which bucket each row holds
        self.wmax = np.zeros(self.m, dtype=np.uint8)
        self.head = head
        self.est = 0

    @classmethod
    def from_exact(cls, owner: SlidingDistinct, st: list) -> _HllKey:
        self = cls(owner.retain, owner.precision, st[0])
        for b, s in st[2].items():
            for v in s:
                self._insert(owner, b, v)
        self._refresh(owner)
        return self

    def _insert(self, owner: SlidingDistinct, b: int, value: Any) -> tuple[int, int]:
        h = hll_hash(value)
        j = h & (self.m - 1)
        rho = (64 - self.p) - (h >> self.p).bit_length() + 1
        row = b % owner.retain
        if self.bidx[row] != b:
            self.rows[row] = 0
            self.bidx[row] = b
        if rho > self.rows[row, j]:
            self.rows[row, j] = rho
        return j, rho

    def _refresh(self, owner: SlidingDistinct) -> None:
        mask = (self.bidx > self.head - owner.buckets) & (self.bidx <= self.head)
        self.wmax = self.rows[mask].max(axis=0) if mask.any() else np.zeros(self.m, dtype=np.uint8)
        self.est = round(hll_estimate(self.wmax))

    def value(self) -> int:
        return self.est

    def add(self, owner: SlidingDistinct, b: int, value: Any) -> int:
        if b <= self.head - owner.retain:
            owner.late_dropped += 1
            return self.value_at(owner, b)
        if b > self.head:
            self.head = b
            self._insert(owner, b, value)
            stale = self.bidx <= b - owner.retain
            self.rows[stale] = 0
            self._refresh(owner)
            return self.est
        j, rho = self._insert(owner, b, value)
        if b > self.head - owner.buckets and rho > self.wmax[j]:
            self.wmax[j] = rho
            self.est = round(hll_estimate(self.wmax))
        return self.est if b == self.head else self.value_at(owner, b)

    def value_at(self, owner: SlidingDistinct, b: int) -> int:
        if b == self.head:
            return self.est
        mask = (self.bidx > b - owner.buckets) & (self.bidx <= b) & (self.bidx > self.head - owner.retain)
        return round(hll_estimate(self.rows[mask].max(axis=0))) if mask.any() else 0

    def to_state(self) -> dict:
        return {
            "p": self.p,
            "head": self.head,
            "bidx": self.bidx.tolist(),
            "rows": base64.b64encode(self.rows.tobytes()).decode(),
        }

    @classmethod
    def from_state(cls, owner: SlidingDistinct, data: dict) -> _HllKey:
        self = cls(owner.retain, data["p"], data["head"])
        self.bidx = np.array(data["bidx"], dtype=np.int64)
        self.rows = np.frombuffer(base64.b64decode(data["rows"]), dtype=np.uint8).reshape(owner.retain, -1).copy()
        self._refresh(owner)
        return self
