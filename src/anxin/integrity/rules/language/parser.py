"""Tokenizer and recursive-descent parser for the rule language, with line/column errors.

A purpose-built grammar instead of Python's own ``ast`` because analysts
write durations (``window=1h``), because nothing outside the grammar can
ever reach Python (no attributes, subscripts, lambdas, comprehensions,
imports or loops exist in it), and because every error can name its line
and column. Cost: O(length of the text).

Grammar (newlines are plain whitespace; ``#`` starts a comment)::

    ruleset := rule*
    rule    := "rule" NAME [":"] "when" expr "then" ("allow"|"review"|"block")
               ["score" NUMBER] ["reason" STRING]
    expr    := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | cmp
    cmp     := sum [("=="|"!="|"<"|"<="|">"|">="|"in"|"not" "in") sum]
    sum     := term (("+"|"-") term)*
    term    := unary (("*"|"/"|"%") unary)*
    unary   := "-" unary | atom
    atom    := NUMBER | DURATION | STRING | "true" | "false" | "null" | NAME
             | NAME "(" [arg ("," arg)*] ")" | "(" expr ")" | "[" [expr ("," expr)*] "]"
    arg     := NAME "=" expr | expr

>>> rules = parse_ruleset('''
... rule many_orders: when type == "order_placed" and count(order_placed, by=actor, window=1h) > 20
...   then block score 90 reason "more than 20 orders in an hour"
... ''')
>>> rules[0].name, rules[0].action, rules[0].score
('many_orders', 'block', 90)
>>> parse_expression("amount >")
Traceback (most recent call last):
...
anxin.integrity.rules.language.errors.RuleSyntaxError: line 1, column 9: expected a value, found end of text
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from anxin.integrity.rules.language.errors import RuleSyntaxError
from anxin.integrity.rules.language.nodes import Binary, Call, ListLit, Literal, Name, Node, Unary

ACTIONS = ("allow", "review", "block")
KEYWORDS = {"and", "or", "not", "in", "true", "false", "null", "rule", "when", "then", "score", "reason"}
MAX_RULE_TEXT = 100_000  # one condition
MAX_RULESET_TEXT = 5_000_000  # a whole ruleset file
MAX_DEPTH = 60
_DURATION_MS = {"ms": 1, "s": 1_000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}

_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\r\n]+|\#[^\n]*)
  | (?P<duration>\d+(?:ms|s|m|h|d)(?![A-Za-z0-9_]))
  | (?P<number>\d+\.\d+|\d+)(?![A-Za-z_])
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>==|!=|<=|>=|[<>+\-*/%(),\[\]=:])
    """,
    re.VERBOSE,
)
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'"}


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # duration, number, string, name, op, end
    text: str
    value: object
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class RuleDef:
    """One parsed rule: its name, condition tree, action, score (0..100) and reason for analysts."""

    name: str
    condition: Node
    action: str
    score: int = 0
    reason: str = ""
    line: int = 1


def tokenize(text: str, rule: str | None = None, limit: int = MAX_RULE_TEXT) -> list[Token]:
    if len(text) > limit:
        raise RuleSyntaxError(f"rule text is longer than {limit} characters; split it", 1, 1, rule)
    tokens: list[Token] = []
    pos, line, line_start = 0, 1, 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        col = pos - line_start + 1
        if m is None:
            raise RuleSyntaxError(f"unexpected character {text[pos]!r}", line, col, rule)
        kind = m.lastgroup or ""
        raw = m.group()
        if kind == "duration":
            digits = raw.rstrip("mshd")
            unit = raw[len(digits) :]
            tokens.append(Token(kind, raw, int(digits) * _DURATION_MS[unit], line, col))
        elif kind == "number":
            tokens.append(Token(kind, raw, float(raw) if "." in raw else int(raw), line, col))
        elif kind == "string":
            body = re.sub(r"\\(.)", lambda e: _ESCAPES.get(e.group(1), e.group(1)), raw[1:-1])
            tokens.append(Token(kind, raw, body, line, col))
        elif kind != "ws":
            tokens.append(Token(kind, raw, raw, line, col))
        newlines = raw.count("\n")
        if newlines:
            line += newlines
            line_start = pos + raw.rindex("\n") + 1
        pos = m.end()
    tokens.append(Token("end", "", None, line, len(text) - line_start + 1))
    return tokens


class _Parser:
    def __init__(self, text: str, rule: str | None = None, line_offset: int = 0, limit: int = MAX_RULE_TEXT):
        self.rule = rule
        self.toks = tokenize(text, rule, limit)
        if line_offset:
            self.toks = [Token(t.kind, t.text, t.value, t.line + line_offset, t.column) for t in self.toks]
        self.i = 0
        self.depth = 0

    # -- helpers ---------------------------------------------------------------------------------
    @property
    def tok(self) -> Token:
        return self.toks[self.i]

    def error(self, problem: str, tok: Token | None = None) -> RuleSyntaxError:
        tok = tok or self.tok
        return RuleSyntaxError(problem, tok.line, tok.column, self.rule)

    def describe(self, tok: Token) -> str:
        return "end of text" if tok.kind == "end" else repr(tok.text)

    def at(self, text: str) -> bool:
        t = self.tok
        return t.text == text and t.kind in ("op", "name")

    def accept(self, text: str) -> Token | None:
        if self.at(text):
            t = self.tok
            self.i += 1
            return t
        return None

    def expect(self, text: str, what: str | None = None) -> Token:
        t = self.accept(text)
        if t is None:
            raise self.error(f"expected {what or repr(text)}, found {self.describe(self.tok)}")
        return t

    def name(self, what: str) -> Token:
        t = self.tok
        if t.kind != "name" or t.text in KEYWORDS:
            raise self.error(f"expected {what}, found {self.describe(t)}")
        self.i += 1
        return t

    # -- grammar ---------------------------------------------------------------------------------
    def ruleset(self) -> list[RuleDef]:
        rules: list[RuleDef] = []
        seen: set[str] = set()
        while self.tok.kind != "end":
            start = self.expect("rule", "'rule' to start a rule")
            name = self.name("a rule name")
            if name.text in seen:
                raise self.error(f"a rule named {name.text!r} already exists; names must be unique", name)
            seen.add(name.text)
            self.rule = name.text
            self.accept(":")
            self.expect("when")
            cond = self.expr()
            self.expect("then", "'then' after the condition")
            act = self.tok
            if act.text not in ACTIONS or act.kind != "name":
                raise self.error(f"expected an action ({' / '.join(ACTIONS)}), found {self.describe(act)}")
            self.i += 1
            score = 0
            if self.accept("score"):
                t = self.tok
                if t.kind != "number" or not isinstance(t.value, int) or not 0 <= t.value <= 100:
                    raise self.error("score must be a whole number from 0 to 100", t)
                score = t.value
                self.i += 1
            reason = ""
            if self.accept("reason"):
                t = self.tok
                if t.kind != "string":
                    raise self.error("reason must be a quoted string", t)
                reason = str(t.value)
                self.i += 1
            rules.append(RuleDef(name.text, cond, act.text, score, reason, start.line))
            self.rule = None
        return rules

    def expr(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"expression nested deeper than {MAX_DEPTH} levels; simplify it")
        node = self.and_()
        while t := self.accept("or"):
            node = Binary("or", node, self.and_(), line=t.line, column=t.column)
        self.depth -= 1
        return node

    def and_(self) -> Node:
        node = self.not_()
        while t := self.accept("and"):
            node = Binary("and", node, self.not_(), line=t.line, column=t.column)
        return node

    def not_(self) -> Node:
        if t := self.accept("not"):
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise self.error(f"expression nested deeper than {MAX_DEPTH} levels; simplify it")
            node = Unary("not", self.not_(), line=t.line, column=t.column)
            self.depth -= 1
            return node
        return self.cmp()

    def cmp(self) -> Node:
        left = self.sum_()
        t = self.tok
        if t.kind == "op" and t.text in ("==", "!=", "<", "<=", ">", ">="):
            self.i += 1
            return Binary(t.text, left, self.sum_(), line=t.line, column=t.column)
        if self.accept("in"):
            return Binary("in", left, self.sum_(), line=t.line, column=t.column)
        if self.at("not") and self.toks[self.i + 1].text == "in":
            self.i += 2
            return Binary("not in", left, self.sum_(), line=t.line, column=t.column)
        return left

    def sum_(self) -> Node:
        node = self.term()
        while self.tok.kind == "op" and self.tok.text in "+-":
            t = self.tok
            self.i += 1
            node = Binary(t.text, node, self.term(), line=t.line, column=t.column)
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.tok.kind == "op" and self.tok.text in ("*", "/", "%"):
            t = self.tok
            self.i += 1
            node = Binary(t.text, node, self.unary(), line=t.line, column=t.column)
        return node

    def unary(self) -> Node:
        if t := self.accept("-"):
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise self.error(f"expression nested deeper than {MAX_DEPTH} levels; simplify it")
            node = Unary("-", self.unary(), line=t.line, column=t.column)
            self.depth -= 1
            return node
        return self.atom()

    def atom(self) -> Node:
        t = self.tok
        pos = {"line": t.line, "column": t.column}
        if t.kind in ("number", "string"):
            self.i += 1
            return Literal(t.value, **pos)
        if t.kind == "duration":
            self.i += 1
            return Literal(t.value, True, **pos)
        if t.kind == "name":
            if t.text in ("true", "false", "null"):
                self.i += 1
                return Literal({"true": True, "false": False, "null": None}[t.text], **pos)
            if t.text in KEYWORDS:
                raise self.error(f"expected a value, found the keyword {t.text!r}")
            self.i += 1
            if self.accept("("):
                return self.call(t)
            return Name(t.text, **pos)
        if self.accept("("):
            node = self.expr()
            self.expect(")", "')' to close '('")
            return node
        if self.accept("["):
            items: list[Node] = []
            if not self.at("]"):
                items.append(self.expr())
                while self.accept(","):
                    items.append(self.expr())
            self.expect("]", "']' to close the list")
            return ListLit(tuple(items), **pos)
        raise self.error(f"expected a value, found {self.describe(t)}")

    def call(self, fn: Token) -> Node:
        args: list[Node] = []
        kwargs: list[tuple[str, Node]] = []
        if not self.at(")"):
            while True:
                t = self.tok
                if t.kind == "name" and self.toks[self.i + 1].text == "=" and self.toks[self.i + 1].kind == "op":
                    if any(k == t.text for k, _ in kwargs):
                        raise self.error(f"argument {t.text!r} given twice", t)
                    self.i += 2
                    kwargs.append((t.text, self.expr()))
                else:
                    if kwargs:
                        raise self.error("positional arguments go before named ones (by=…, window=…)")
                    args.append(self.expr())
                if not self.accept(","):
                    break
        self.expect(")", f"')' to close {fn.text}(")
        return Call(fn.text, tuple(args), tuple(kwargs), line=fn.line, column=fn.column)


def parse_expression(text: str, *, rule: str | None = None, line_offset: int = 0) -> Node:
    """Parse one condition; ``line_offset`` shifts reported lines when the text sits inside a larger file."""
    p = _Parser(text, rule, line_offset)
    if p.tok.kind == "end":
        raise p.error("the condition is empty; write e.g. amount > 100000")
    node = p.expr()
    if p.tok.kind != "end":
        raise p.error(f"unexpected {p.describe(p.tok)} after the end of the condition")
    return node


def parse_ruleset(text: str) -> list[RuleDef]:
    """Parse a ruleset file: any number of ``rule … when … then …`` blocks."""
    return _Parser(text, limit=MAX_RULESET_TEXT).ruleset()
