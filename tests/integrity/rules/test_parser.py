"""Parser: grammar, positions in errors, and unparse round trips."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from tests.integrity.rules.test_compiler import bool_expr

from anxin.errors import InvalidInput
from anxin.integrity.rules.language import RuleSyntaxError, parse_expression, parse_ruleset, unparse


@pytest.mark.parametrize(
    ("text", "line", "column", "problem"),
    [
        ("amount >", 1, 9, "expected a value"),
        ("amount > 5 5", 1, 12, "unexpected '5'"),
        ("(amount > 5", 1, 12, "')'"),
        ("amount\n  > $", 2, 5, "unexpected character '$'"),
        ("count(order_placed, by=actor, window=1h, by=device)", 1, 42, "given twice"),
        ("count(by=actor, order_placed)", 1, 17, "positional arguments go before"),
        ("", 1, 1, "empty"),
        ('text == "unterminated', 1, 9, "unexpected character"),
    ],
)
def test_syntax_errors_name_line_and_column(text, line, column, problem):
    with pytest.raises(RuleSyntaxError) as info:
        parse_expression(text)
    err = info.value
    assert isinstance(err, InvalidInput) and err.status == 422
    assert (err.line, err.column) == (line, column), err.message
    assert problem in err.problem
    assert err.detail["line"] == line and err.detail["kind"] == "syntax"


def test_ruleset_grammar_and_errors_in_later_rules():
    rules = parse_ruleset(
        """
        # comment
        rule a: when amount > 1 then block score 90 reason "大额"
        rule b when not success
          or ip in ["1.2.3.4"] then allow
        """
    )
    assert [(r.name, r.action, r.score, r.reason, r.line) for r in rules] == [
        ("a", "block", 90, "大额", 3),
        ("b", "allow", 0, "", 4),
    ]
    with pytest.raises(RuleSyntaxError) as info:
        parse_ruleset("rule a when true then block\nrule b when true then ban")
    assert (info.value.rule, info.value.line, info.value.column) == ("b", 2, 23)
    with pytest.raises(RuleSyntaxError, match="score must be"):
        parse_ruleset("rule a when true then block score 101")
    with pytest.raises(RuleSyntaxError, match="already exists"):
        parse_ruleset("rule a when true then block rule a when false then allow")


def test_precedence_and_durations():
    assert unparse(parse_expression("1 + 2 * 3 > 4 and not a or b")) == "((((1 + (2 * 3)) > 4) and (not a)) or b)"
    assert unparse(parse_expression("x not in [1, 2]")) == "(x not in [1, 2])"
    assert parse_expression("90s").value == 90_000
    assert unparse(parse_expression("count(any, by=ip, window=90m)")) == "count(any, by=ip, window=90m)"


def test_nesting_is_bounded():
    with pytest.raises(RuleSyntaxError, match="nested deeper"):
        parse_expression("(" * 200 + "1" + ")" * 200)
    with pytest.raises(RuleSyntaxError, match="nested deeper"):
        parse_expression("not " * 200 + "true")


@settings(max_examples=200, deadline=None)
@given(bool_expr())
def test_unparse_reparses_to_the_same_tree(text):
    tree = parse_expression(text)
    assert parse_expression(unparse(tree)) == tree
