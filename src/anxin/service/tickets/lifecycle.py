"""The ticket state machine: which moves are legal, and the reason when one is not.

received → dispatched → accepted → en_route → on_site → completed → closed;
cancelled from any open state before the technician is on site; a completed or
closed ticket reopens under warranty (free re-repair) and is dispatched again.
Pure: the service records each move with who and when.

>>> check_transition("received", "dispatched")
>>> check_transition("closed", "dispatched")
Traceback (most recent call last):
...
anxin.errors.Conflict: a closed ticket cannot become dispatched; allowed: reopened
"""

from __future__ import annotations

from enum import StrEnum

from anxin.errors import Conflict
from anxin.text import N_


class Status(StrEnum):
    received = "received"
    dispatched = "dispatched"
    accepted = "accepted"
    en_route = "en_route"
    on_site = "on_site"
    completed = "completed"
    closed = "closed"
    cancelled = "cancelled"
    reopened = "reopened"


TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.received: frozenset({Status.dispatched, Status.cancelled}),
    Status.dispatched: frozenset({Status.accepted, Status.received, Status.cancelled}),
    Status.accepted: frozenset({Status.en_route, Status.received, Status.cancelled}),
    Status.en_route: frozenset({Status.on_site, Status.cancelled}),
    Status.on_site: frozenset({Status.completed}),
    Status.completed: frozenset({Status.closed, Status.reopened}),
    Status.closed: frozenset({Status.reopened}),
    Status.cancelled: frozenset(),
    Status.reopened: frozenset({Status.dispatched, Status.cancelled}),
}

OPEN = frozenset(s for s in Status if s not in (Status.completed, Status.closed, Status.cancelled))

LABELS = {
    Status.received: N_("received"),
    Status.dispatched: N_("dispatched"),
    Status.accepted: N_("accepted by technician"),
    Status.en_route: N_("technician on the way"),
    Status.on_site: N_("technician on site"),
    Status.completed: N_("completed"),
    Status.closed: N_("closed"),
    Status.cancelled: N_("cancelled"),
    Status.reopened: N_("reopened under warranty"),
}


def check_transition(current: str, target: str) -> None:
    """Raise Conflict naming the allowed moves when ``current → target`` is not one of them."""
    allowed = TRANSITIONS[Status(current)]
    if Status(target) not in allowed:
        raise Conflict(
            f"a {current} ticket cannot become {target}; allowed: {', '.join(sorted(allowed)) or 'none'}",
            message_zh=f"工单当前状态不能改为该状态（可选：{'、'.join(sorted(allowed)) or '无'}）",
            detail={"from": current, "to": target, "allowed": sorted(allowed)},
        )
