"""Type checker: every mistake an analyst can save is refused with its rule, line and column."""

from __future__ import annotations

import pytest

from anxin.integrity.features import FeatureSpec
from anxin.integrity.rules.language import Catalog, RuleTypeError, check_rule, parse_ruleset


def check(text: str, catalog: Catalog | None = None):
    return check_rule(parse_ruleset(f"rule r when {text} then review")[0], catalog)


@pytest.mark.parametrize(
    ("condition", "column", "problem"),
    [
        ("ammount > 5", 1, "unknown field 'ammount'; did you mean 'amount'?"),
        ("amount", 1, "a rule condition must be true/false"),
        ('amount > "5"', 8, "'>' compares numbers"),
        ("actor == 5", 7, "cannot compare text with a number"),
        ('type == "ordr_placed"', 9, "unknown event type 'ordr_placed'"),
        ("order_placed", 1, "is an event type"),
        ("count(order_placed, by=actor) > 1", 1, "needs window="),
        ("count(order_placed, by=actor, window=5) > 1", 38, "takes a duration"),
        ("count(order_placed, by=actor, window=31d) > 1", 38, "between 1m and 30d"),
        ("count(order_placed, by=amount, window=1h) > 1", 24, "by= takes a text field"),
        ("count(ordr, by=actor, window=1h) > 1", 7, "unknown event type 'ordr'"),
        ("sum(order_paid, text, by=shop, window=1h) > 1", 17, "adds up a number field"),
        ("sum(order_paid, by=shop, window=1h) > 1", 1, "takes 2 positional arguments"),
        ("spike(order_placed, by=shop, window=1h) > 1", 1, "no argument 'window'"),
        ("frobnicate(actor)", 1, "unknown function"),
        ('actor in list("blocklist")', 15, "no list named 'blocklist'"),
        ('label(actor, "ring")', 14, "no label named 'ring'"),
        ('label(amount, "ring_member")', 7, "the first argument of label()"),
        ("not amount", 5, "the operand of 'not'"),
        ('[1, "a"] == [1]', 1, "only strings or only numbers"),
        ('type == "login" and type == "review"', 17, "can never fire"),
    ],
)
def test_type_errors_point_at_the_mistake(condition, column, problem):
    catalog = Catalog(lists=frozenset({"vpn"}), labels=frozenset({"ring_member"}))
    with pytest.raises(RuleTypeError) as info:
        check(condition, catalog)
    err = info.value
    assert problem in err.problem, err.problem
    assert (err.rule, err.line, err.column - len("rule r when ")) == ("r", 1, column), err.message


def test_features_and_type_guards_are_inferred():
    c = check(
        'type in ["order_placed", "order_paid"] and count([order_paid, order_placed], by=device, window=1h) > 3 '
        "and distinct(login, actor, by=device, window=1d) > 2 and spike(order_placed, by=shop) > 4"
    )
    assert c.event_types == ("order_placed", "order_paid")
    assert sorted(s.name for s in c.features.values()) == [
        "count([order_paid, order_placed], by=device, window=1h)",
        "distinct(login, actor, by=device, window=1d)",
        "spike(order_placed, by=shop, bucket=1h)",
    ]
    assert FeatureSpec("spike", ("order_placed",), "shop", 3_600_000) in c.features.values()
    assert check('type == "login" or amount > 5').event_types is None
    # any name passes when no catalog is given (backtests of old rules)
    assert check('actor in list("whatever") and label(actor, "x")').event_types is None
