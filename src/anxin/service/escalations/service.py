"""Escalation steps of the promises, and the breach records: found by a check that any scheduler may call with ``now``.

Two steps per clock (response, arrival): when a running clock has used up the
brand's ``warn_percent`` (80 % by default) of its promise, the dispatcher is
warned; when the promise is broken, the breach is recorded for the supervisor
(the brand admin). A step is stored once per ticket, clock and step — the
table's unique key, written with ``INSERT … ON CONFLICT DO NOTHING`` — so the
check is idempotent: run it twice, or from two page loads at the same moment,
and nothing is duplicated. A breach is recorded even when the clock has since
stopped late (the check ran after the late dispatch), as long as the ticket is
open; clocks stop at dispatch and on site, both of which leave the ticket open.

The check has no timer of its own: pages where the notified people look (the
dispatch board, the escalation list) run it for their brand on load, and a
scheduler (cron, a CLI command) calls :func:`check` with the time it stands for.
Services never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from anxin.auth import service as auth
from anxin.auth.permissions import Role
from anxin.clocks.calendar import BusinessCalendar
from anxin.service.escalations.models import Escalation
from anxin.service.sla import service as sla
from anxin.service.tickets import service as tickets
from anxin.service.tickets.lifecycle import OPEN
from anxin.service.tickets.models import Ticket
from anxin.text import N_

RESPONSE, ARRIVAL = "response", "arrival"
WARNING, BREACH = "warning", "breach"
NOTIFY = {WARNING: Role.dispatcher, BREACH: Role.brand_admin}
"""Whom each step escalates to: the dispatcher can still act on a warning; a breach goes up to the supervisor."""
CLOCK_LABELS = {RESPONSE: N_("response"), ARRIVAL: N_("arrival on site")}
STEP_LABELS = {WARNING: N_("nearing the promise"), BREACH: N_("promise broken")}


@dataclass(frozen=True)
class Notice:
    """An escalation as the notified person reads it."""

    escalation: Escalation
    ticket_number: str
    ticket_status: str


def _reached(view: sla.SlaView, warn_percent: int) -> list[str]:
    if view.breached:
        return [BREACH]
    if view.running and view.elapsed_minutes >= view.promised_minutes * warn_percent / 100:
        return [WARNING]
    return []


def _insert_once(session: Session, row: dict) -> bool:
    """Store the step unless an earlier or a concurrent check stored it; True when this call stored it."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(Escalation)
        .values(**row)
        .on_conflict_do_nothing(index_elements=["ticket_id", "clock", "step"])
        .returning(Escalation.id)
    )
    return session.execute(statement).first() is not None


def check(session: Session, *, now: datetime, brand_id: int | None = None) -> int:
    """Record every step that open tickets' clocks have reached by ``now``; returns how many were new."""
    query = select(Ticket).where(Ticket.status.in_([s.value for s in OPEN]))
    if brand_id is not None:
        query = query.where(Ticket.brand_id == brand_id)
    rows = list(session.scalars(query))
    if not rows:
        return 0
    moments = tickets.clock_moments(session, rows)
    stored = select(Escalation.ticket_id, Escalation.clock, Escalation.step)
    recorded = {tuple(row) for row in session.execute(stored.where(Escalation.ticket_id.in_([t.id for t in rows])))}
    terms: dict[int, sla.Terms] = {}
    calendars: dict[int | None, BusinessCalendar] = {}
    added = 0
    for ticket in rows:
        brand_terms = terms.setdefault(ticket.brand_id, sla.policy_for(session, ticket.brand_id))
        if ticket.technician_id not in calendars:
            calendars[ticket.technician_id] = sla.arrival_calendar(session, ticket.technician_id)
        found = moments[ticket.id]
        clocks = {
            RESPONSE: sla.response_sla(found.received, found.dispatched, now, ticket.response_minutes, found.pauses),
            ARRIVAL: sla.arrival_sla(found, now, ticket.arrival_minutes, calendars[ticket.technician_id]),
        }
        for clock, view in clocks.items():
            for step in _reached(view, brand_terms.warn_percent) if view is not None else []:
                if (ticket.id, clock, step) in recorded:
                    continue
                added += _insert_once(
                    session,
                    {
                        "ticket_id": ticket.id, "brand_id": ticket.brand_id, "clock": clock, "step": step,
                        "notify_role": NOTIFY[step].value, "promised_minutes": int(view.promised_minutes),
                        "elapsed_minutes": round(view.elapsed_minutes, 1), "due_at": view.deadline, "detected_at": now,
                    },
                )  # fmt: skip
    return added


def notices_for(session: Session, *, viewer: auth.Principal, limit: int = 100) -> list[Notice]:
    """The escalations the viewer is notified of, newest first: a dispatcher every step, a supervisor the breaches."""
    query = (
        select(Escalation, Ticket.number, Ticket.status)
        .join(Ticket, Ticket.id == Escalation.ticket_id)
        .order_by(Escalation.detected_at.desc(), Escalation.id.desc())
        .limit(limit)
    )
    if viewer.brand_id is not None:
        query = query.where(Escalation.brand_id == viewer.brand_id)
    if viewer.role != Role.dispatcher:
        query = query.where(Escalation.step == BREACH)
    return [Notice(row, number or "", status) for row, number, status in session.execute(query)]
