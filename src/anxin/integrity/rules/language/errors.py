"""Errors of the rule language, each carrying the rule, line and column so the editor can point at them."""

from __future__ import annotations

from anxin.errors import InvalidInput


class RuleError(InvalidInput):
    """A rule could not be accepted; ``detail`` has ``rule``, ``line`` and ``column`` (1-based)."""

    code = "invalid_rule"
    kind = "error"

    def __init__(self, problem: str, line: int, column: int, rule: str | None = None):
        where = f"{rule + ' ' if rule else ''}line {line}, column {column}"
        super().__init__(
            f"{where}: {problem}",
            message_zh=f"规则{' ' + rule if rule else ''} 第 {line} 行第 {column} 列: {problem}",
            detail={"rule": rule, "line": line, "column": column, "problem": problem, "kind": self.kind},
        )
        self.problem = problem
        self.line = line
        self.column = column
        self.rule = rule


class RuleSyntaxError(RuleError):
    """The text is not in the rule grammar (a bad token, a missing ``then``, an unclosed bracket)."""

    code = "rule_syntax"
    kind = "syntax"


class RuleTypeError(RuleError):
    """The text parses but means nothing: an unknown field, list or label, or mismatched types."""

    code = "rule_type"
    kind = "type"
