"""Reference interpreter for checked rules: walks the tree, one rule at a time.

Why it exists: it is the independent oracle the compiler is tested against
(random expressions must give the same result both ways) and the in-run
baseline of ``benchmarks/bench_engine.py`` (an interpreted rule-by-rule
evaluator, as most rule engines run). It shares no code with the compiler
beyond the checked tree, so a codegen bug cannot hide in both.

Cost: O(nodes) per rule per event, with a Python call per node.

>>> from anxin.integrity.events.schema import Event
>>> from anxin.integrity.rules.language.parser import parse_ruleset
>>> from anxin.integrity.rules.language.checker import check_rule
>>> text = 'rule r when amount / quantity > 100 and not (device in list("ok")) then review'
>>> rule = check_rule(parse_ruleset(text)[0])
>>> ev = Event("e1", 1767225600000, "t", "order_placed", "a1", attrs={"amount": 1000, "quantity": 2, "device": "d"})
>>> evaluate(rule, ev, lambda spec, key: 0, {"ok": frozenset()}, {})
True
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

from anxin.integrity.events.schema import Event
from anxin.integrity.rules.language.checker import FIELDS, CheckedRule, score_key
from anxin.integrity.rules.language.nodes import Binary, Call, ListLit, Literal, Name, Node, Unary

_EMPTY: frozenset = frozenset()
_CORE = ("id", "tenant", "type", "actor", "subject")
_ORDER = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
_ARITH = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "%": operator.mod}


def field_value(event: Event, name: str) -> Any:
    """The value a rule sees for ``name`` on ``event`` (missing yes/no → false, missing list → empty)."""
    if name in _CORE:
        return getattr(event, name)
    if name == "time":
        return event.time_ms
    if name == "hour":
        return (event.time_ms // 3_600_000 + 8) % 24
    base = FIELDS[name][0]
    value = event.attrs.get(name)
    if base == "bool":
        return value is True
    if base == "list":
        return tuple(value) if value else ()
    return value


def feature_key(event: Event, by: str) -> str | None:
    """The key a feature uses for ``event``: tenant-scoped entity value, or None when the event lacks it."""
    value = field_value(event, by)
    return None if value is None else f"{event.tenant}|{value}"


FeatureLookup = Callable[[Any, str], Any]


def evaluate(
    checked: CheckedRule,
    event: Event,
    feature: FeatureLookup,
    lists: Mapping[str, Any],
    labels: Mapping[str, Any],
) -> bool:
    """Whether the rule's condition holds; ``feature(spec, key)`` returns the current value of a feature."""
    return bool(_Eval(checked, event, feature, lists, labels).ev(checked.rule.condition))


class _Eval:
    def __init__(self, checked, event, feature, lists, labels):
        self.c = checked
        self.event = event
        self.feature = feature
        self.lists = lists
        self.labels = labels

    def ev(self, node: Node) -> Any:
        if isinstance(node, Literal):
            return node.value
        if isinstance(node, Name):
            return field_value(self.event, node.id)
        if isinstance(node, ListLit):
            return frozenset(i.value for i in node.items)  # type: ignore[attr-defined]
        if isinstance(node, Unary):
            v = self.ev(node.operand)
            if node.op == "not":
                return not v
            return None if v is None else -v
        if isinstance(node, Binary):
            return self.binary(node)
        if isinstance(node, Call):
            return self.call(node)
        raise TypeError(f"cannot evaluate {node!r}")

    def binary(self, node: Binary) -> Any:
        op = node.op
        if op == "and":
            return bool(self.ev(node.left)) and bool(self.ev(node.right))
        if op == "or":
            return bool(self.ev(node.left)) or bool(self.ev(node.right))
        a = self.ev(node.left)
        b = self.ev(node.right)
        if op in _ARITH:
            if a is None or b is None:
                return None
            if op in ("/", "%") and b == 0:
                return None
            return _ARITH[op](a, b)
        if op in _ORDER:
            return a is not None and b is not None and _ORDER[op](a, b)
        if op == "==":
            return a == b
        if op == "!=":
            return a != b
        if op == "in":
            return a in b
        return a not in b

    def call(self, node: Call) -> Any:
        fn = node.func
        spec = self.c.features.get(id(node))
        if spec is not None:
            key = feature_key(self.event, spec.by)
            return 0 if key is None else self.feature(spec, key)
        if fn == "list":
            return self.lists.get(node.args[0].value, _EMPTY)  # type: ignore[attr-defined]
        if fn == "label":
            key = self.ev(node.args[0])
            return key in self.labels.get(node.args[1].value, _EMPTY)  # type: ignore[attr-defined]
        if fn == "model_score":
            table = self.labels.get(score_key(node.args[1].value), {})  # type: ignore[attr-defined]
            return table.get(self.ev(node.args[0]), 0.0)
        args = [self.ev(a) for a in node.args]
        if fn == "len":
            return 0 if args[0] is None else len(args[0])
        if fn == "contains":
            return args[0] is not None and args[1] is not None and args[1] in args[0]
        if any(a is None for a in args):
            return None
        if fn == "lower":
            return args[0].lower()
        return {"abs": abs, "min": min, "max": max}[fn](*args)
