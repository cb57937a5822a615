"""How a ruleset splits over partitions: which key groups an event visits, their feature values, the decision.

Problem: one process holds every feature window; many workers must each own
a share of the keys. A ruleset's features are grouped by the field they are
keyed by (``by=actor``, ``by=device`` …). For one event, each group's
features depend only on the events with the same key value in that group,
and every window structure keeps its state per key. So an event is routed,
once per group it touches, to the partition that owns its key in that group
(``crc32(tenant|value) mod partitions``); the owner updates and reads that
group's features exactly as the compiled ruleset would and emits their
values (a *partial*). When an event's partials are all in, the decision is
the engine's own :func:`~anxin.integrity.engine.decide` run over a
:class:`ValueBoard`, a feature store whose structures answer with those
values — the same compiled code, the same explanation values.

Which features an event touches is what the compiled branch of its type
touches: every feature that counts the type (updated), plus every feature
read by a rule that can apply to the type. An event with no key in any
touched group (or a ruleset without features) goes to one partition by its
id, and is decided there without features.

>>> from anxin.integrity.engine import EngineState, decide
>>> from anxin.integrity.events.schema import Event
>>> from anxin.integrity.rules.language import compile_ruleset
>>> rs = compile_ruleset('''
... rule busy_device when type == "order_placed" and count(order_placed, by=device, window=10m) > 1
...   then review score 40 reason "two orders from one device"
... rule busy_actor when count(order_placed, by=actor, window=1h) > 2 then block score 70
... ''')
>>> plan = StreamPlan(rs, partitions=4)
>>> ev = Event("e1", 1767225600000, "t", "order_placed", "a1", attrs={"device": "d1"})
>>> [(g, p) for g, p, _ in plan.routes(ev)]
[('actor', 3), ('device', 2)]
>>> stores = [FeatureStore() for _ in range(4)]  # one per partition
>>> for e in [ev, Event("e2", 1767225601000, "t", "order_placed", "a1", attrs={"device": "d1"})]:
...     values = merge_partials(group_values(plan, stores[p], e, g) for g, p, _ in plan.routes(e))
>>> d = decide_from_values(e, values, EngineState(), rs)
>>> d.action, [f.name for f in d.fired], d.fired[0].values
('review', ['busy_device'], (('count(order_placed, by=device, window=10m)', 2),))
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from typing import Any

from anxin.integrity.engine import Decision, EngineState, decide
from anxin.integrity.events.schema import Event
from anxin.integrity.features import FeatureSpec, FeatureStore
from anxin.integrity.rules.language import CompiledRuleset
from anxin.integrity.rules.language.reference import feature_key, field_value

NO_FEATURES = ""
"""The group of an event decided without features: routed by its id, one partial, no values."""


def partition_of(key: str, partitions: int) -> int:
    """Stable across processes and machines (unlike ``hash``): the same key always lands on the same partition."""
    return zlib.crc32(key.encode()) % partitions


class StreamPlan:
    """The ruleset's feature groups and, per event type, which features of each group the event touches."""

    def __init__(self, ruleset: CompiledRuleset, partitions: int):
        if partitions < 1:
            raise ValueError(f"partitions must be ≥ 1, got {partitions}")
        self.ruleset = ruleset
        self.partitions = partitions
        self.groups: tuple[str, ...] = tuple(sorted({spec.by for spec in ruleset.features}))
        self._touched: dict[str, tuple[tuple[str, tuple[int, ...]], ...]] = {}

    def touched(self, event_type: str) -> tuple[tuple[str, tuple[int, ...]], ...]:
        """``(group, feature indexes)`` the compiled branch for ``event_type`` updates or reads, by group."""
        found = self._touched.get(event_type)
        if found is None:
            ids = {i for i, spec in enumerate(self.ruleset.features) if _counts(spec, event_type)}
            for rule in self.ruleset.rules:
                if rule.event_types is None or event_type in rule.event_types:
                    ids.update(rule.feature_ids)
            by_group: dict[str, list[int]] = {}
            for i in sorted(ids):
                by_group.setdefault(self.ruleset.features[i].by, []).append(i)
            found = self._touched[event_type] = tuple((g, tuple(v)) for g, v in sorted(by_group.items()))
        return found

    def routes(self, event: Event) -> list[tuple[str, int, int]]:
        """``(group, partition, partials expected)`` for every stream entry ``event`` becomes."""
        keyed = []
        for group, _ in self.touched(event.type):
            key = feature_key(event, group)
            if key is not None:
                keyed.append((group, partition_of(key, self.partitions)))
        if not keyed:
            return [(NO_FEATURES, partition_of(f"{event.tenant}|{event.id}", self.partitions), 1)]
        return [(group, partition, len(keyed)) for group, partition in keyed]


def _counts(spec: FeatureSpec, event_type: str) -> bool:
    return not spec.events or event_type in spec.events


def group_values(plan: StreamPlan, store: FeatureStore, event: Event, group: str) -> dict[int, Any]:
    """Update ``group``'s features in ``store`` with ``event``; the value of each of them the event touches.

    This is what the compiled branch of the event's type does to those
    features (add when the feature counts the type and the event has its
    value, else read), so the values equal the single-process engine's: each
    structure's answer for a key depends only on that key's events, which all
    reach the key's partition in stream order.
    """
    out: dict[int, Any] = {}
    for touched_group, ids in plan.touched(event.type):
        if touched_group != group:
            continue
        key = feature_key(event, group)
        t = event.time_ms
        for i in ids:
            spec = plan.ruleset.features[i]
            if key is None:
                out[i] = 0
                continue
            structure = store.feature(spec)
            if not _counts(spec, event.type):
                out[i] = structure.get(key, t)
            elif spec.kind in ("count", "spike"):
                out[i] = structure.add(key, t, 1)
            else:
                value = field_value(event, spec.field)  # type: ignore[arg-type]
                out[i] = structure.get(key, t) if value is None else structure.add(key, t, value)
    return out


class _Answer:
    """A stand-in window structure: ``add`` and ``get`` answer the value a partition computed for this event."""

    __slots__ = ("board", "index")

    def __init__(self, board: ValueBoard, index: int):
        self.board, self.index = board, index

    def add(self, key: Any, time_ms: int, value: Any = 1) -> Any:
        return self.board.current.get(self.index, 0)

    def get(self, key: Any, time_ms: int) -> Any:
        return self.board.current.get(self.index, 0)


class ValueBoard(FeatureStore):
    """A feature store holding no windows: each feature answers the value set in :attr:`current`.

    Features absent from ``current`` answer 0, which is what the engine
    answers for an event without the feature's key.
    """

    def __init__(self, ruleset: CompiledRuleset):
        super().__init__()
        self.ruleset = ruleset
        self.current: Mapping[int, Any] = {}
        self._answers = {spec: _Answer(self, i) for i, spec in enumerate(ruleset.features)}

    def feature(self, spec: FeatureSpec) -> Any:
        return self._answers[spec]


def decide_from_values(
    event: Event, values: Mapping[int, Any], state: EngineState, ruleset: CompiledRuleset
) -> Decision:
    """The engine's decision for ``event`` given its feature values (by feature index) from the partitions.

    ``state.features`` must be a :class:`ValueBoard` of ``ruleset`` (one is
    made when it is not); lists and labels come from ``state``.
    """
    board = state.features
    if not isinstance(board, ValueBoard) or board.ruleset is not ruleset:
        board = state.features = ValueBoard(ruleset)
    board.current = values
    return decide(event, state, ruleset)


def merge_partials(partials: Iterable[Mapping[int, Any]]) -> dict[int, Any]:
    """One event's values from its groups' partials (groups never share a feature, so nothing collides)."""
    merged: dict[int, Any] = {}
    for partial in partials:
        merged.update(partial)
    return merged
