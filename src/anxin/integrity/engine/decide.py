"""``decide(event, state, ruleset)``: the one pure decision function every runner calls.

Problem: HTTP, bulk import, backtest, shadow mode and stream consumers must
give identical decisions for the same stream (DESIGN, Architecture). So the
decision is a pure function of the event, the state it finds (features, lists,
labels) and the ruleset: event time only, no clock, no I/O, no randomness.

Per event: update the features the ruleset counts for this event type, run
the compiled ruleset (one function), and build a :class:`Decision`. Cost: O(1)
in history, O(rules in the event type's branch) in the ruleset; a decision
that fires nothing allocates one small tuple.

Combining: the action is the most severe of the fired rules (block > review >
allow; allow when nothing fires); the score is the sum of fired scores, capped
at 100. Each fired rule carries the current values of the features it reads,
so the UI can say *why* ("count(order_placed, by=device, window=1h) = 31").

>>> from anxin.integrity.events.schema import Event
>>> from anxin.integrity.rules.language import compile_ruleset
>>> rs = compile_ruleset('''
... rule burst when type == "order_placed" and count(order_placed, by=device, window=10m) > 2
...   then block score 70 reason "more than 2 orders from one device in 10 minutes"
... rule flagged when label(actor, "ring_member") then review score 20
... ''')
>>> state = EngineState(labels={"ring_member": {"a2"}})
>>> t0 = 1767225600000
>>> evs = [Event(f"e{i}", t0 + i * 1000, "shop-t", "order_placed", f"a{i}", attrs={"device": "d1"}) for i in range(4)]
>>> ds = [decide(e, state, rs) for e in evs]
>>> [d.action for d in ds]
['allow', 'allow', 'block', 'block']
>>> d = decide(Event("e9", t0 + 9000, "shop-t", "login", "a2"), state, rs)
>>> d.action, d.score, [f.name for f in d.fired]
('review', 20, ['flagged'])
>>> ds[3].fired[0].values
(('count(order_placed, by=device, window=10m)', 4),)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from anxin.integrity.events.schema import Event
from anxin.integrity.features import FeatureStore
from anxin.integrity.rules.language.checker import score_key
from anxin.integrity.rules.language.compiler import CompiledRuleset
from anxin.integrity.rules.language.reference import evaluate, feature_key, field_value

SEVERITY = {"allow": 0, "review": 1, "block": 2}
ACTIONS = ("allow", "review", "block")


class FiredRule(NamedTuple):
    """A rule that fired, with the values of the features it read at the event's time."""

    name: str
    action: str
    score: int
    reason: str
    values: tuple[tuple[str, Any], ...] = ()


class Decision(NamedTuple):
    """The engine's answer for one event. A tuple: cheap, immutable, JSON-friendly via ``_asdict``."""

    event_id: str
    action: str
    score: int
    fired: tuple[FiredRule, ...]
    ruleset_version: str

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict, for decision rows, API responses and the explanation page."""
        return {
            "event_id": self.event_id,
            "action": self.action,
            "score": self.score,
            "fired": [
                {"name": f.name, "action": f.action, "score": f.score, "reason": f.reason, "values": dict(f.values)}
                for f in self.fired
            ],
            "ruleset_version": self.ruleset_version,
        }


class EngineState:
    """What a decision reads besides the event: features (updated in place), lists, labels and model scores.

    ``lists`` maps a list name to a set of values (``device in list("blocklist")``);
    ``labels`` maps a label name to the set of entity values detectors gave it
    (``label(actor, "ring_member")``) and, under :func:`score_key`, a scorer
    model's name to its scores by entity (``model_score(actor, "fraud_model")``).
    Replace a whole list, label or score table with :meth:`set_list` /
    :meth:`set_labels` / :meth:`set_scores` so a decision never sees half an update.

    Feature keys are tenant-scoped inside the store; list and label values are
    the raw entity ids, so a runner serving tenants with separate lists keeps
    one state per tenant.
    """

    __slots__ = ("features", "labels", "lists")

    def __init__(
        self,
        features: FeatureStore | None = None,
        *,
        lists: Mapping[str, Iterable[Any]] | None = None,
        labels: Mapping[str, Iterable[Any]] | None = None,
    ):
        self.features = features if features is not None else FeatureStore()
        self.lists: dict[str, frozenset] = {k: frozenset(v) for k, v in (lists or {}).items()}
        self.labels: dict[str, Any] = {k: _frozen(v) for k, v in (labels or {}).items()}

    def set_list(self, name: str, values: Iterable[Any]) -> None:
        self.lists[name] = frozenset(values)

    def set_labels(self, name: str, keys: Iterable[Any]) -> None:
        self.labels[name] = frozenset(keys)

    def set_scores(self, name: str, scores: Mapping[Any, float]) -> None:
        self.labels[score_key(name)] = MappingProxyType(dict(scores))


def _frozen(values: Iterable[Any] | Mapping[Any, float]) -> frozenset | MappingProxyType:
    """A label's entities as a frozenset; a score table (a mapping) as a read-only mapping."""
    return MappingProxyType(dict(values)) if isinstance(values, Mapping) else frozenset(values)


def _allow(event_id: str, version: str) -> Decision:
    return Decision(event_id, "allow", 0, (), version)


def decide(event: Event, state: EngineState, ruleset: CompiledRuleset) -> Decision:
    """Update features with ``event`` and decide it with ``ruleset``; deterministic and I/O-free.

    ``event`` must carry schema-typed attributes (build it with
    ``parse_event``); the engine does not re-validate on the hot path.
    Deduplication by event id belongs to the runner (the journal answers a
    duplicate with its first decision): deciding an event twice counts it twice.
    """
    fired = ruleset.bind(state.features)(event, state.lists, state.labels)
    if not fired:
        return Decision(event.id, "allow", 0, (), ruleset.version)
    return _decision(event, state, ruleset, fired)


def decider(state: EngineState, ruleset: CompiledRuleset) -> Callable[[Event], Decision]:
    """``decide`` with the ruleset bound to ``state`` once: for loops over many events (backtest, replay)."""
    run = ruleset.bind(state.features)
    version = ruleset.version
    lists, labels = state.lists, state.labels

    def decide_one(event: Event) -> Decision:
        fired = run(event, lists, labels)
        return _decision(event, state, ruleset, fired) if fired else Decision(event.id, "allow", 0, (), version)

    return decide_one


def decide_all(events: Iterable[Event], state: EngineState, ruleset: CompiledRuleset) -> Iterator[Decision]:
    """``decide`` over a stream in arrival order (backtest, replay); binds the ruleset once."""
    return map(decider(state, ruleset), events)


def _decision(event: Event, state: EngineState, ruleset: CompiledRuleset, fired: list[int]) -> Decision:
    out = []
    severity = 0
    score = 0
    structures = ruleset.structures(state.features)
    specs = ruleset.features
    names = ruleset.feature_names
    seen: dict[int, Any] = {}  # feature index -> value, shared by the rules that fired
    for i in fired:
        r = ruleset.rules[i]
        values = []
        for fi in r.feature_ids:
            v = seen.get(fi)
            if v is None:
                key = feature_key(event, specs[fi].by)
                v = seen[fi] = 0 if key is None else structures[fi].get(key, event.time_ms)
            values.append((names[fi], v))
        out.append(FiredRule(r.name, r.action, r.score, r.reason, tuple(values)))
        severity = max(severity, SEVERITY[r.action])
        score += r.score
    return Decision(event.id, ACTIONS[severity], min(score, 100), tuple(out), ruleset.version)


def update_features(event: Event, store: FeatureStore, ruleset: CompiledRuleset) -> None:
    """Generic, uncompiled feature update: the baseline and oracle for the compiled one."""
    for spec in ruleset.features:
        if spec.events and event.type not in spec.events:
            continue
        key = feature_key(event, spec.by)
        if key is None:
            continue
        f = store.feature(spec)
        if spec.kind in ("count", "spike"):
            f.add(key, event.time_ms, 1)
        else:
            value = field_value(event, spec.field)  # type: ignore[arg-type]
            if value is not None:
                f.add(key, event.time_ms, value)


def decide_interpreted(event: Event, state: EngineState, ruleset: CompiledRuleset) -> Decision:
    """The same decision, computed the slow way: generic feature updates, then a tree walk per rule.

    The in-run baseline of ``benchmarks/bench_engine.py`` and the oracle of the
    parity tests; it never calls the generated code.
    """
    update_features(event, state.features, ruleset)
    store = state.features
    t = event.time_ms

    def feature(spec, key):
        return store.feature(spec).get(key, t)

    fired = [i for i, c in enumerate(ruleset.checked) if evaluate(c, event, feature, state.lists, state.labels)]
    if not fired:
        return _allow(event.id, ruleset.version)
    return _decision(event, state, ruleset, fired)
