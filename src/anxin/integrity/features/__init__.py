"""Windowed features for the integrity engine: counts, sums, distinct counts, spike baselines.

Problem: high-frequency ordering (高频下单) and short-term sales spikes (短期销量暴增)
are statements about recent event *rates* per entity. A rule names a feature
(``count(order_placed, by=device, window=1h)``); the rule compiler turns that
into a :class:`FeatureSpec`; the :class:`FeatureStore` keeps one structure per
spec, keyed by entity inside it, so features are keyed by (feature, entity key).

- :class:`~.windows.SlidingSum`: counts and sums over 1 min … 30 days, O(1) per event.
- :class:`~.distinct.SlidingDistinct`: exact sets while small, HyperLogLog once big.
- :class:`~.baselines.SeasonalBaseline`: EWMA / seasonal baselines, z-score of the open bucket.

All use event time with bounded lateness (see :mod:`.windows`), never the
wall clock, so every runner computes the same values. :meth:`FeatureStore.snapshot`
turns everything into plain bytes (zlib-compressed JSON: no pickle, safe to
load) for a journal-based runtime; :meth:`FeatureStore.restore` reads it back.

>>> store = FeatureStore()
>>> spec = FeatureSpec("count", ("order_placed",), "actor", 3_600_000)
>>> spec.name
'count(order_placed, by=actor, window=1h)'
>>> f = store.feature(spec)
>>> [f.add("t1|acct-1", t, 1) for t in (0, 60_000, 120_000)]
[1, 2, 3]
>>> again = FeatureStore.restore(store.snapshot())
>>> again.feature(spec).get("t1|acct-1", 180_000)
3
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from typing import Any

from anxin.integrity.features.baselines import SeasonalBaseline
from anxin.integrity.features.distinct import SlidingDistinct
from anxin.integrity.features.windows import SlidingSum

__all__ = ["FEATURE_KINDS", "FeatureSpec", "FeatureStore", "SeasonalBaseline", "SlidingDistinct", "SlidingSum"]

FEATURE_KINDS = ("count", "sum", "distinct", "spike")
MIN_WINDOW_MS = 60_000
MAX_WINDOW_MS = 30 * 86_400_000
_SNAPSHOT_MAGIC = b"anxin-features/1\n"
_UNITS = (("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000))


def format_duration(ms: int) -> str:
    """The shortest ``<n><unit>`` spelling of ``ms`` (``3_600_000 -> '1h'``), as rules write it."""
    for unit, size in _UNITS:
        if ms % size == 0:
            return f"{ms // size}{unit}"
    return f"{ms}ms"


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """What a feature measures: kind, event types counted, key field, window and value field.

    ``events`` empty means every event type. ``window_ms`` is the sliding
    window for count / sum / distinct and the bucket length for spike.
    Two rules naming the same spec share one structure.
    """

    kind: str
    events: tuple[str, ...]
    by: str
    window_ms: int
    field: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in FEATURE_KINDS:
            raise ValueError(f"kind must be one of {FEATURE_KINDS}, got {self.kind!r}")
        if self.kind in ("sum", "distinct") and not self.field:
            raise ValueError(f"a {self.kind} feature needs the field it adds up or counts, e.g. field='amount'")
        if not MIN_WINDOW_MS <= self.window_ms <= MAX_WINDOW_MS:
            raise ValueError(f"window must be between 1m and 30d, got {format_duration(self.window_ms)}")

    @property
    def name(self) -> str:
        """Canonical text, the same as a rule spells it; the snapshot and explanations use it."""
        events = self.events[0] if len(self.events) == 1 else "[" + ", ".join(self.events) + "]"
        if not self.events:
            events = "any"
        field = f", {self.field}" if self.field else ""
        arg = "bucket" if self.kind == "spike" else "window"
        return f"{self.kind}({events}{field}, by={self.by}, {arg}={format_duration(self.window_ms)})"


def _buckets_for(window_ms: int, target: int = 60) -> int:
    for n in range(target, 0, -1):
        if window_ms % n == 0:
            return n
    return 1


class FeatureStore:
    """All feature structures of one engine state, created on first use from their spec.

    Args:
        buckets: buckets per sliding window; 60 gives 1-second resolution on a
            1-minute window and 12-hour resolution on 30 days.
        exact_limit: distinct values per key kept exactly before HyperLogLog.
        precision: HyperLogLog precision (m = 2**precision registers).
        alpha: EWMA weight of spike baselines.
        lateness_ms: how late an event may arrive and still count; None means
            one window.
    """

    def __init__(
        self,
        *,
        buckets: int = 60,
        exact_limit: int = 256,
        precision: int = 8,
        alpha: float = 0.1,
        lateness_ms: int | None = None,
    ):
        if not isinstance(buckets, int) or not 1 <= buckets <= 1000:
            raise ValueError(f"buckets must be an int in 1..1000 (60 is a good default), got {buckets!r}")
        self.buckets = buckets
        self.exact_limit = exact_limit
        self.precision = precision
        self.alpha = alpha
        self.lateness_ms = lateness_ms
        self._features: dict[FeatureSpec, Any] = {}

    def __contains__(self, spec: FeatureSpec) -> bool:
        return spec in self._features

    def specs(self) -> list[FeatureSpec]:
        return list(self._features)

    def feature(self, spec: FeatureSpec) -> Any:
        """The structure for ``spec``, created empty the first time (a new rule's feature warms up from now)."""
        f = self._features.get(spec)
        if f is None:
            f = self._features[spec] = self._make(spec)
        return f

    def _make(self, spec: FeatureSpec) -> Any:
        if spec.kind in ("count", "sum"):
            return SlidingSum(
                spec.window_ms, buckets=_buckets_for(spec.window_ms, self.buckets), lateness_ms=self.lateness_ms
            )
        if spec.kind == "distinct":
            return SlidingDistinct(
                spec.window_ms,
                buckets=_buckets_for(spec.window_ms, self.buckets),
                lateness_ms=self.lateness_ms,
                exact_limit=self.exact_limit,
                precision=self.precision,
            )
        day = 86_400_000
        season = day // spec.window_ms if spec.window_ms <= day and day % spec.window_ms == 0 else 1
        return SeasonalBaseline(spec.window_ms, season=season, alpha=self.alpha)

    def memory_bytes(self) -> dict[str, tuple[int, int]]:
        """Feature name → (keys, approximate bytes), to watch memory per key."""
        return {s.name: (len(f), f.memory_bytes()) for s, f in self._features.items()}

    def snapshot(self) -> bytes:
        """Plain bytes of the whole state: a header line, then zlib-compressed JSON."""
        doc = {
            "config": {
                "buckets": self.buckets,
                "exact_limit": self.exact_limit,
                "precision": self.precision,
                "alpha": self.alpha,
                "lateness_ms": self.lateness_ms,
            },
            "features": [
                [s.kind, list(s.events), s.by, s.window_ms, s.field, f.to_state()] for s, f in self._features.items()
            ],
        }
        return _SNAPSHOT_MAGIC + zlib.compress(json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode(), 6)

    @classmethod
    def restore(cls, data: bytes) -> FeatureStore:
        """Rebuild a store from :meth:`snapshot` bytes.

        Raises:
            ValueError: if the bytes are not a snapshot of this format.
        """
        if not data.startswith(_SNAPSHOT_MAGIC):
            raise ValueError(
                "not a feature snapshot (missing 'anxin-features/1' header); was it written by snapshot()?"
            )
        doc = json.loads(zlib.decompress(data[len(_SNAPSHOT_MAGIC) :]))
        self = cls(**doc["config"])
        for kind, events, by, window_ms, field, state in doc["features"]:
            spec = FeatureSpec(kind, tuple(events), by, window_ms, field)
            impl = {"count": SlidingSum, "sum": SlidingSum, "distinct": SlidingDistinct, "spike": SeasonalBaseline}
            self._features[spec] = impl[kind].from_state(state)
        return self
