"""The compiled ruleset against the reference interpreter, on random typed expressions and random events."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anxin.integrity.engine import EngineState, decide, decide_interpreted
from anxin.integrity.events.schema import Event
from anxin.integrity.rules.language import RuleError, RuleSource, RuleSyntaxError, compile_ruleset

T0 = 1_767_225_600_000
FEATURES = [
    "count(order_placed, by=device, window=1m)",
    "count(any, by=actor, window=10m)",
    "sum(order_placed, amount, by=shop, window=1h)",
    "distinct([login, order_placed], actor, by=device, window=1h)",
    "spike(order_placed, by=shop, bucket=1h)",
    "distinct(any, type, by=actor, window=10m)",
    "sum(any, hour, by=type, window=1m)",
    "count([login, review], by=subject, window=1m)",
]
NUM_FIELDS = ["amount", "quantity", "rating", "hour", "dwell_ms"]
STR_FIELDS = ["actor", "device", "shop", "text", "subject"]
STR_VALUES = ['"a1"', '"d1"', '"s1"', '"好"', '"order_placed"', '""']


@st.composite
def num_expr(draw, depth: int = 1) -> str:
    kind = draw(st.integers(0, 8 if depth > 0 else 4))
    if kind == 0:
        return str(draw(st.integers(-3, 40)))
    if kind == 1:
        return draw(st.sampled_from(["0.5", "2.25", "0"]))
    if kind == 2:
        return draw(st.sampled_from(NUM_FIELDS))
    if kind == 3:
        return draw(st.sampled_from(FEATURES))
    if kind == 4:
        return draw(st.sampled_from(["len(text)", "len(photos)"]))
    a = draw(num_expr(depth - 1))
    if kind == 5:
        return f"(-{a})"
    if kind == 6:
        return f"abs({a})"
    b = draw(num_expr(depth - 1))
    if kind == 7:
        return f"{draw(st.sampled_from(['min', 'max']))}({a}, {b})"
    return f"({a} {draw(st.sampled_from(['+', '-', '*', '/', '%']))} {b})"


@st.composite
def str_expr(draw) -> str:
    if draw(st.booleans()):
        return draw(st.sampled_from(STR_VALUES))
    f = draw(st.sampled_from(STR_FIELDS))
    return f"lower({f})" if draw(st.booleans()) else f


@st.composite
def bool_expr(draw, depth: int = 2) -> str:
    kind = draw(st.integers(0, 6 if depth > 0 else 3))
    if kind == 0:
        op = draw(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]))
        return f"{draw(num_expr(1))} {op} {draw(num_expr(1))}"
    if kind == 1:
        return f"{draw(str_expr())} {draw(st.sampled_from(['==', '!=']))} {draw(str_expr())}"
    if kind == 2:
        rhs = draw(st.sampled_from(['["a1", "d1"]', 'list("L")', 'list("missing")', '["s1"]']))
        return f"{draw(str_expr())} {draw(st.sampled_from(['in', 'not in']))} {rhs}"
    if kind == 3:
        return draw(
            st.sampled_from(
                [
                    "success",
                    "true",
                    "false",
                    'label(actor, "ring")',
                    'label(device, "ring")',
                    'contains(text, "好")',
                    "subject == null",
                    "rating != null",
                    'type == "order_placed"',
                    'type in ["login", "review"]',
                    'type != "login"',
                ]
            )
        )
    a = draw(bool_expr(depth - 1))
    if kind == 4:
        return f"not ({a})"
    return f"({a} {draw(st.sampled_from(['and', 'or']))} {draw(bool_expr(depth - 1))})"


def event_strategy():
    opt = lambda s: st.one_of(st.none(), s)  # noqa: E731
    return st.builds(
        lambda i, dt, etype, actor, subject, attrs: (
            dt,
            etype,
            actor,
            subject,
            {k: v for k, v in attrs.items() if v is not None},
        ),
        st.integers(),
        st.integers(0, 90_000),
        st.sampled_from(["order_placed", "login", "review"]),
        st.sampled_from(["a1", "a2", "A1"]),
        opt(st.sampled_from(["o1", "a1"])),
        st.fixed_dictionaries(
            {
                "device": opt(st.sampled_from(["d1", "d2"])),
                "shop": opt(st.sampled_from(["s1", "s2"])),
                "amount": opt(st.integers(0, 50)),
                "quantity": opt(st.integers(0, 3)),
                "rating": opt(st.integers(1, 5)),
                "text": opt(st.sampled_from(["好", "BAD 好", "x"])),
                "success": opt(st.booleans()),
                "photos": opt(st.sampled_from([("p",), ()])),
            }
        ),
    )


def _events(raw):
    t = T0
    out = []
    for n, (dt, etype, actor, subject, attrs) in enumerate(raw):
        t += dt
        allowed = {
            "order_placed": {"device", "shop", "amount", "quantity"},
            "login": {"device", "success"},
            "review": {"device", "shop", "rating", "text", "photos"},
        }[etype]
        # an occasional late arrival, to exercise out-of-order features
        when = t - 70_000 if n % 7 == 3 else t
        out.append(Event(f"e{n}", when, "t", etype, actor, subject, {k: v for k, v in attrs.items() if k in allowed}))
    return out


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(bool_expr(), min_size=1, max_size=4), st.lists(event_strategy(), min_size=1, max_size=25))
def test_compiled_equals_reference_on_random_expressions(conditions, raw_events):
    text = "\n".join(f"rule r{i} when {c} then review score 10" for i, c in enumerate(conditions))
    rs = compile_ruleset(text)
    lists = {"L": {"a1", "s2"}}
    labels = {"ring": {"a2", "d2"}}
    fast = EngineState(lists=lists, labels=labels)
    slow = EngineState(lists=lists, labels=labels)
    for ev in _events(raw_events):
        assert decide(ev, fast, rs) == decide_interpreted(ev, slow, rs), (text, ev)


def test_generated_code_runs_without_builtins():
    rs = compile_ruleset('rule r when len(text) > 2 and lower(text) == "abc" then block')
    assert "__builtins__" not in rs.source and "import" not in rs.source
    run = rs.bind(EngineState().features)
    assert run(Event("e", T0, "t", "review", "a", attrs={"text": "ABC"}), {}, {}) == [0]
    assert run.__globals__["__builtins__"] == {}


@pytest.mark.parametrize(
    "condition",
    [
        "actor.__class__ == 1",
        "__import__('os')",
        "[x for x in actor]",
        "actor[0] == 'a'",
        "lambda: 1",
        "amount > 1; import os",
        "while true",
    ],
)
def test_python_escapes_are_not_in_the_grammar(condition):
    with pytest.raises(RuleError):
        compile_ruleset([RuleSource("r", condition)])


def test_rule_sources_from_the_ui_compile_and_duplicates_are_refused():
    rs = compile_ruleset([RuleSource("a", "amount > 5", "block", 50, "big"), RuleSource("b", "true", "allow")])
    assert [r.name for r in rs.rules] == ["a", "b"] and rs.rules[0].condition == "(amount > 5)"
    assert (
        rs.version
        == compile_ruleset(
            [RuleSource("a", "amount > 5", "block", 50, "big"), RuleSource("b", "true", "allow")]
        ).version
    )
    with pytest.raises(RuleSyntaxError, match="already exists"):
        compile_ruleset([RuleSource("a", "true"), RuleSource("a", "false")])
    for bad in ("规则", "rule", "a-b", ""):
        with pytest.raises(RuleSyntaxError, match="rule name"):
            compile_ruleset([RuleSource(bad, "true")])
    with pytest.raises(RuleSyntaxError, match="action"):
        compile_ruleset([RuleSource("a", "true", "ban")])


def test_find_errors_reports_every_broken_rule():
    from anxin.integrity.rules.language import Catalog, find_errors

    errors = find_errors(
        [
            RuleSource("ok", "amount > 5"),
            RuleSource("typo", "ammount > 5"),
            RuleSource("syntax", "amount >"),
            RuleSource("ok", "true"),
            RuleSource("list", 'ip in list("nope")'),
        ],
        catalog=Catalog(lists=frozenset({"vpn"})),
    )
    assert [(e.rule, e.code, e.column) for e in errors] == [
        ("typo", "rule_type", 1),
        ("syntax", "rule_syntax", 9),
        ("ok", "rule_syntax", 1),
        ("list", "rule_type", 12),
    ]


def test_large_rulesets_compile():
    from anxin.demo.marketplace import synthetic_rules

    rs = compile_ruleset(synthetic_rules(2_000, seed=1))
    assert len(rs) == 2_000 and len(rs.features) == 40
