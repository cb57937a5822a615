"""Type checker for rules: fields, features, lists and labels are resolved at save time, not at decide time.

Problem: a rule saved with a typo (``ammount``, ``ordr_placed``, a list that
does not exist) must be refused in the editor with its line and column, not
silently never fire in production. The checker walks the tree once, gives
every node a type (``bool``, ``num``, ``str``, ``list``, ``dur``, ``null``) and
a nullability, turns every feature call into a :class:`FeatureSpec`, and
infers which event types a rule can fire on (from ``type == "…"`` conjuncts)
so the compiler can dispatch on the type. Cost: O(nodes).

Missing attributes: a text or number attribute an event lacks reads as
``null``; any ordering comparison with ``null`` is false, arithmetic with it is
``null``; a yes/no attribute reads as false and a list attribute as empty.
Dividing by zero gives ``null``. A feature whose key is missing reads as 0.

>>> from anxin.integrity.rules.language.parser import parse_ruleset
>>> r = parse_ruleset('rule r when type == "order_placed" and amount > 5 then review')[0]
>>> check_rule(r).event_types
('order_placed',)
>>> check_rule(parse_ruleset('rule r when ammount > 5 then review')[0])
Traceback (most recent call last):
...
anxin.integrity.rules.language.errors.RuleTypeError: r line 1, column 13: unknown field 'ammount'; did you mean ...
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from anxin.integrity.events.schema import ATTRIBUTE_TYPES, EVENT_TYPES
from anxin.integrity.features import MAX_WINDOW_MS, MIN_WINDOW_MS, FeatureSpec
from anxin.integrity.rules.language.errors import RuleTypeError
from anxin.integrity.rules.language.nodes import Binary, Call, ListLit, Literal, Name, Node, Unary
from anxin.integrity.rules.language.parser import RuleDef

Type = tuple[str, bool]  # (base type, may be null)

CORE_FIELDS: dict[str, Type] = {
    "id": ("str", False),
    "tenant": ("str", False),
    "type": ("str", False),
    "actor": ("str", False),
    "subject": ("str", True),
    "time": ("num", False),
    "hour": ("num", False),  # hour of day in China (UTC+8), 0..23
}
_ATTR_BASE = {"str": "str", "int": "num", "float": "num", "bool": "bool", "list[str]": "list"}
FIELDS: dict[str, Type] = dict(CORE_FIELDS)
for _name, _spec in ATTRIBUTE_TYPES.items():
    _base = _ATTR_BASE[_spec.type]
    FIELDS[_name] = (_base, _base in ("str", "num"))

FUNCTIONS = (
    "count", "sum", "distinct", "spike", "label", "model_score", "list", "len", "lower", "contains", "abs", "min",
    "max",
)  # fmt: skip
FEATURE_FUNCTIONS = ("count", "sum", "distinct", "spike")
DEFAULT_SPIKE_BUCKET_MS = 3_600_000


def score_key(name: str) -> str:
    """Where a scorer model's scores live among the engine's labels: ``score:<name>`` (labels have no colon)."""
    return f"score:{name}"


@dataclass(frozen=True)
class Catalog:
    """Names a rule may use beyond the event schema: block/allow lists, detector labels, scorer models.

    ``None`` accepts any name (useful in tests and backtests of old rules);
    the rule editor passes the names that exist so typos are caught.
    """

    lists: frozenset[str] | None = None
    labels: frozenset[str] | None = None
    scores: frozenset[str] | None = None


@dataclass
class CheckedRule:
    """A rule with its types resolved: what the compiler and the reference interpreter consume."""

    rule: RuleDef
    types: dict[int, Type] = field(default_factory=dict)  # id(node) -> type
    features: dict[int, FeatureSpec] = field(default_factory=dict)  # id(call node) -> spec
    event_types: tuple[str, ...] | None = None  # None: may fire on any type
    fields: set[str] = field(default_factory=set)


class _Checker:
    def __init__(self, rule: RuleDef, catalog: Catalog):
        self.rule = rule
        self.catalog = catalog
        self.out = CheckedRule(rule)

    def fail(self, node: Node, problem: str) -> RuleTypeError:
        return RuleTypeError(problem, node.line, node.column, self.rule.name)

    def check(self, node: Node) -> Type:
        t = self._check(node)
        self.out.types[id(node)] = t
        return t

    def expect(self, node: Node, base: str, what: str) -> Type:
        t = self.check(node)
        if t[0] != base:
            raise self.fail(node, f"{what} must be {_NAMES[base]}, got {_NAMES[t[0]]}")
        return t

    def _check(self, node: Node) -> Type:
        if isinstance(node, Literal):
            v = node.value
            if node.is_duration:
                return ("dur", False)
            if v is None:
                return ("null", True)
            if isinstance(v, bool):
                return ("bool", False)
            if isinstance(v, str):
                return ("str", False)
            return ("num", False)
        if isinstance(node, Name):
            t = FIELDS.get(node.id)
            if t is None:
                if node.id in EVENT_TYPES:
                    raise self.fail(node, f'{node.id!r} is an event type; compare it as type == "{node.id}"')
                raise self.fail(node, f"unknown field {node.id!r}{_suggest(node.id, FIELDS)}")
            self.out.fields.add(node.id)
            return t
        if isinstance(node, ListLit):
            bases = set()
            for item in node.items:
                if not isinstance(item, Literal) or item.is_duration or item.value is None:
                    raise self.fail(item, "list items must be plain strings or numbers")
                bases.add(self.check(item)[0])
            if len(bases) > 1 or bases == {"bool"}:
                raise self.fail(node, "a list holds only strings or only numbers")
            return ("list", False)
        if isinstance(node, Unary):
            if node.op == "not":
                self.expect(node.operand, "bool", "the operand of 'not'")
                return ("bool", False)
            t = self.expect(node.operand, "num", "the operand of '-'")
            return ("num", t[1])
        if isinstance(node, Binary):
            return self._binary(node)
        if isinstance(node, Call):
            return self._call(node)
        raise self.fail(node, f"unsupported expression {type(node).__name__}")

    def _binary(self, node: Binary) -> Type:
        op = node.op
        if op in ("and", "or"):
            self.expect(node.left, "bool", f"the left side of '{op}'")
            self.expect(node.right, "bool", f"the right side of '{op}'")
            return ("bool", False)
        if op in ("+", "-", "*", "/", "%"):
            lt = self.expect(node.left, "num", f"the left side of '{op}'")
            rt = self.expect(node.right, "num", f"the right side of '{op}'")
            return ("num", lt[1] or rt[1] or op in ("/", "%"))
        if op in ("in", "not in"):
            lt = self.check(node.left)
            if lt[0] not in ("str", "num"):
                raise self.fail(node.left, f"only a string or number can be looked up with '{op}'")
            self.expect(node.right, "list", f"the right side of '{op}'")
            self._check_type_literals(node.left, node.right)
            return ("bool", False)
        lt = self.check(node.left)
        rt = self.check(node.right)
        if op in ("==", "!="):
            if "null" not in (lt[0], rt[0]) and lt[0] != rt[0]:
                raise self.fail(node, f"cannot compare {_NAMES[lt[0]]} with {_NAMES[rt[0]]} using '{op}'")
            if lt[0] in ("list", "dur"):
                raise self.fail(node, f"cannot compare {_NAMES[lt[0]]} with '{op}'")
            self._check_type_literals(node.left, node.right)
            self._check_type_literals(node.right, node.left)
            return ("bool", False)
        if lt[0] != "num" or rt[0] != "num":
            raise self.fail(node, f"'{op}' compares numbers, got {_NAMES[lt[0]]} and {_NAMES[rt[0]]}")
        return ("bool", False)

    def _check_type_literals(self, left: Node, right: Node) -> None:
        """``type == "ordr_placed"`` is a typo that would silently never match: refuse it."""
        if not (isinstance(left, Name) and left.id == "type"):
            return
        items = right.items if isinstance(right, ListLit) else (right,)
        for item in items:
            if isinstance(item, Literal) and isinstance(item.value, str) and item.value not in EVENT_TYPES:
                raise self.fail(item, f"unknown event type {item.value!r}{_suggest(item.value, EVENT_TYPES)}")

    def _call(self, node: Call) -> Type:
        fn = node.func
        if fn not in FUNCTIONS:
            raise self.fail(node, f"unknown function {fn!r}{_suggest(fn, FUNCTIONS)}")
        if fn in FEATURE_FUNCTIONS:
            return self._feature(node)
        if node.kwargs:
            raise self.fail(node, f"{fn}() takes no named arguments")
        arity = {"label": 2, "model_score": 2, "list": 1, "len": 1, "lower": 1, "contains": 2, "abs": 1, "min": 2,
                 "max": 2}[fn]  # fmt: skip
        if len(node.args) != arity:
            raise self.fail(node, f"{fn}() takes {arity} argument{'s' if arity > 1 else ''}, got {len(node.args)}")
        a = node.args
        if fn == "list":
            name = self._name_literal(a[0], "list")
            if self.catalog.lists is not None and name not in self.catalog.lists:
                raise self.fail(a[0], f"no list named {name!r}{_suggest(name, self.catalog.lists)}")
            return ("list", False)
        if fn == "label":
            self.expect(a[0], "str", "the first argument of label() (an entity such as actor or device)")
            name = self._name_literal(a[1], "label")
            if self.catalog.labels is not None and name not in self.catalog.labels:
                raise self.fail(a[1], f"no label named {name!r}{_suggest(name, self.catalog.labels)}")
            return ("bool", False)
        if fn == "model_score":
            self.expect(a[0], "str", "the first argument of model_score() (an entity such as actor or shop)")
            name = self._name_literal(a[1], "scorer model")
            if self.catalog.scores is not None and name not in self.catalog.scores:
                raise self.fail(a[1], f"no active scorer model named {name!r}{_suggest(name, self.catalog.scores)}")
            return ("num", False)
        if fn == "len":
            t = self.check(a[0])
            if t[0] not in ("str", "list"):
                raise self.fail(a[0], f"len() takes text or a list, got {_NAMES[t[0]]}")
            return ("num", False)
        if fn == "lower":
            return ("str", self.expect(a[0], "str", "the argument of lower()")[1])
        if fn == "contains":
            self.expect(a[0], "str", "the first argument of contains()")
            self.expect(a[1], "str", "the second argument of contains()")
            return ("bool", False)
        types = [self.expect(x, "num", f"the arguments of {fn}()") for x in a]  # check every argument
        return ("num", any(t[1] for t in types))

    def _name_literal(self, node: Node, what: str) -> str:
        if not isinstance(node, Literal) or not isinstance(node.value, str) or not node.value:
            raise self.fail(node, f'the {what} name must be a quoted string, e.g. {what}("blocklist")')
        self.check(node)
        return node.value

    def _feature(self, node: Call) -> Type:
        fn = node.func
        need_field = fn in ("sum", "distinct")
        want = 2 if need_field else 1
        if len(node.args) != want:
            usage = {
                "count": "count(order_placed, by=actor, window=1h)",
                "sum": "sum(order_paid, amount, by=shop, window=1d)",
                "distinct": "distinct(login, actor, by=device, window=1d)",
                "spike": "spike(order_placed, by=shop, bucket=1h)",
            }[fn]
            raise self.fail(node, f"{fn}() takes {want} positional argument{'s' if want > 1 else ''}: {usage}")
        events = self._events(node.args[0])
        value_field = None
        if need_field:
            f = node.args[1]
            if not isinstance(f, Name) or f.id not in FIELDS:
                raise self.fail(f, f"{fn}() needs a field name as its second argument (e.g. amount)")
            base = FIELDS[f.id][0]
            if fn == "sum" and base != "num":
                raise self.fail(f, f"sum() adds up a number field, {f.id!r} is {_NAMES[base]}")
            if fn == "distinct" and base not in ("str", "num"):
                raise self.fail(f, f"distinct() counts text or number values, {f.id!r} is {_NAMES[base]}")
            value_field = f.id
            self.out.fields.add(f.id)
        kw = dict(node.kwargs)
        window_arg = "bucket" if fn == "spike" else "window"
        unknown = set(kw) - {"by", window_arg}
        if unknown:
            raise self.fail(node, f"{fn}() has no argument {sorted(unknown)[0]!r}; use by= and {window_arg}=")
        by = kw.get("by")
        if by is None:
            raise self.fail(node, f"{fn}() needs by=<field>, the entity to count per (actor, device, ip, shop…)")
        if not isinstance(by, Name) or by.id not in FIELDS or FIELDS[by.id][0] != "str":
            raise self.fail(
                by, "by= takes a text field naming an entity (actor, device, ip, address, payment, shop, item)"
            )
        self.out.fields.add(by.id)
        win = kw.get(window_arg)
        if win is None:
            if fn != "spike":
                raise self.fail(node, f"{fn}() needs window=<duration> such as 10m, 1h or 7d")
            window_ms = DEFAULT_SPIKE_BUCKET_MS
        else:
            if not isinstance(win, Literal) or not win.is_duration:
                raise self.fail(win, f"{window_arg}= takes a duration such as 10m, 1h or 7d")
            window_ms = win.value
            if not MIN_WINDOW_MS <= window_ms <= MAX_WINDOW_MS:
                raise self.fail(win, f"{window_arg}= must be between 1m and 30d")
        spec = FeatureSpec(fn, events, by.id, window_ms, value_field)
        self.out.features[id(node)] = spec
        return ("num", False)

    def _events(self, node: Node) -> tuple[str, ...]:
        items = node.items if isinstance(node, ListLit) else (node,)
        out: list[str] = []
        for item in items:
            if not isinstance(item, Name):
                raise self.fail(item, "name the event types counted, e.g. order_placed or [order_placed, order_paid]")
            if item.id == "any" and len(items) == 1:
                return ()
            if item.id not in EVENT_TYPES:
                raise self.fail(item, f"unknown event type {item.id!r}{_suggest(item.id, EVENT_TYPES)}")
            out.append(item.id)
        if not out:
            raise self.fail(node, "name at least one event type")
        return tuple(sorted(set(out)))


def _type_guard(node: Node) -> set[str] | None:
    """Event types a condition can be true for, read from its top-level ``and`` chain; None: any."""
    if isinstance(node, Binary) and node.op == "and":
        left, right = _type_guard(node.left), _type_guard(node.right)
        if left is None:
            return right
        return left if right is None else left & right
    if isinstance(node, Binary) and node.op in ("==", "in"):
        a, b = node.left, node.right
        if isinstance(b, Name) and b.id == "type" and node.op == "==":
            a, b = b, a
        if isinstance(a, Name) and a.id == "type":
            items = b.items if isinstance(b, ListLit) and node.op == "in" else (b,)
            if all(isinstance(i, Literal) and isinstance(i.value, str) for i in items):
                return {i.value for i in items}  # type: ignore[union-attr]
    return None


def check_rule(rule: RuleDef, catalog: Catalog | None = None) -> CheckedRule:
    """Type-check one parsed rule.

    Raises:
        RuleTypeError: with the rule name, line and column of the first problem.
    """
    c = _Checker(rule, catalog or Catalog())
    c.expect(rule.condition, "bool", "a rule condition")
    guard = _type_guard(rule.condition)
    if guard is not None:
        if not guard:
            raise c.fail(rule.condition, "the type conditions exclude each other, so this rule can never fire")
        c.out.event_types = tuple(t for t in EVENT_TYPES if t in guard)
    return c.out


_NAMES = {
    "bool": "true/false",
    "num": "a number",
    "str": "text",
    "list": "a list",
    "dur": "a duration",
    "null": "null",
}


def _suggest(name: str, options) -> str:
    close = difflib.get_close_matches(name, list(options), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""
