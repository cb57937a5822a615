"""The checked rule AST: small frozen nodes with source positions, and an unparser back to rule text.

Nodes are plain data so the compiler, the reference interpreter and the UI
(which shows a rule back to the analyst) all read the same tree.

>>> from anxin.integrity.rules.language.parser import parse_expression
>>> unparse(parse_expression('count(order_placed, by=actor, window=1h) > 20 and not (ip in list("vpn"))'))
'((count(order_placed, by=actor, window=1h) > 20) and (not (ip in list("vpn"))))'
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Node:
    line: int = field(default=1, kw_only=True, compare=False)
    column: int = field(default=1, kw_only=True, compare=False)


@dataclass(frozen=True, slots=True)
class Literal(Node):
    """A number, string, true/false, null, or a duration (stored in ms with ``is_duration``)."""

    value: Any
    is_duration: bool = False


@dataclass(frozen=True, slots=True)
class Name(Node):
    id: str


@dataclass(frozen=True, slots=True)
class ListLit(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Call(Node):
    func: str
    args: tuple[Node, ...]
    kwargs: tuple[tuple[str, Node], ...] = ()


@dataclass(frozen=True, slots=True)
class Unary(Node):
    op: str  # "-" or "not"
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary(Node):
    """Arithmetic (``+ - * / %``), comparison (``== != < <= > >= in not in``) or logic (``and or``)."""

    op: str
    left: Node
    right: Node


def format_ms(ms: int) -> str:
    for unit, size in (("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000)):
        if ms % size == 0:
            return f"{ms // size}{unit}"
    return f"{ms}ms"


def unparse(node: Node) -> str:
    """Rule text for ``node``, fully parenthesised so it re-parses to the same tree."""
    if isinstance(node, Literal):
        if node.is_duration:
            return format_ms(node.value)
        if node.value is None:
            return "null"
        if isinstance(node.value, bool):
            return "true" if node.value else "false"
        if isinstance(node.value, str):
            return json.dumps(node.value, ensure_ascii=False)
        return repr(node.value)
    if isinstance(node, Name):
        return node.id
    if isinstance(node, ListLit):
        return "[" + ", ".join(unparse(i) for i in node.items) + "]"
    if isinstance(node, Call):
        parts = [unparse(a) for a in node.args] + [f"{k}={unparse(v)}" for k, v in node.kwargs]
        return f"{node.func}({', '.join(parts)})"
    if isinstance(node, Unary):
        return f"(not {unparse(node.operand)})" if node.op == "not" else f"(-{unparse(node.operand)})"
    if isinstance(node, Binary):
        return f"({unparse(node.left)} {node.op} {unparse(node.right)})"
    raise TypeError(f"not a rule node: {node!r}")
