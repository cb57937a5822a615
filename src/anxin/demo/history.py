"""Demo service history: some of 安途's demo requests answered, visited and finished, dated on their own timeline.

The demo requests are taken over two days in the past, so their later moves
are dated on the same timeline: each move goes through the ticket service
(legal moves only, recorded with who), then gets the moment it would have
happened at — minutes after the previous move, seeded. Most are answered
within their own promise (a member's is shorter), some late; all of these
are finished, and the rest still wait where intake left them. The analytics
page then shows real time in each state and promise rates by station and tier.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from anxin.auth import service as auth
from anxin.auth import tenancy
from anxin.service.stations import service as stations
from anxin.service.technicians.models import Technician
from anxin.service.tickets import service as tickets
from anxin.service.tickets.lifecycle import Status
from anxin.service.tickets.models import Ticket, TicketEvent
from anxin.service.tickets.service import WARRANTY

FULL_VISIT = (Status.dispatched, Status.accepted, Status.en_route, Status.on_site, Status.completed)
MINUTES_BEFORE = {  # (fewest, most) minutes from the previous move to this one
    Status.accepted: (3, 15),
    Status.en_route: (5, 25),
    Status.on_site: (15, 50),
    Status.completed: (25, 90),
}
HANDLED = 24
"""Requests the demo carries forward; later ones (and those outside any station's coverage) wait."""


def _technician_for(session: Session, ticket: Ticket, crew: dict[int, list[Technician]]) -> Technician | None:
    """Someone from the first station that fully serves the customer's district."""
    for station, kind in stations.covering_stations(session, region_code=ticket.region_code, brand_id=ticket.brand_id):
        if kind == "full" and crew.get(station.id):
            return crew[station.id][ticket.id % len(crew[station.id])]
    return None


def create_demo_history(session: Session, *, seed: int = 11) -> int:
    """Carry the first waiting 安途 requests forward; returns how many moved. Needs the demo network and tickets."""
    brand = tenancy.get_brand_by_slug(session, slug="antu")
    dispatch_user = auth.get_user_by_username(session, username="antu-dispatch")
    assert brand is not None and dispatch_user is not None, "demo accounts come first"
    dispatcher = auth.principal_of(dispatch_user, via="cli")
    crew: dict[int, list[Technician]] = {}
    for technician in session.scalars(select(Technician).where(Technician.brand_id == brand.id)):
        crew.setdefault(technician.home_station_id, []).append(technician)
    waiting = session.scalars(
        select(Ticket)
        .where(Ticket.brand_id == brand.id, Ticket.status == Status.received.value, Ticket.queue_reason.is_(None))
        .order_by(Ticket.created_at, Ticket.id)
        .limit(HANDLED)
    )
    rng = random.Random(seed)
    moved = 0
    for ticket in list(waiting):
        technician = _technician_for(session, ticket, crew)
        if technician is None:
            continue
        answer_in = rng.uniform(0.4, 1.0) * ticket.response_minutes if rng.random() < 0.75 else rng.uniform(31, 95)
        ticket.technician_id = technician.id
        ticket.dispatch_note = f"演示：指派给{technician.name}"
        for step in FULL_VISIT:
            tickets.move(session, ticket_id=ticket.id, to=step, version=ticket.version, note="", actor=dispatcher)
        date_moves(session, ticket, answer_in, rng)
        moved += 1
    return moved


def date_moves(session: Session, ticket: Ticket, answer_in: float, rng: random.Random) -> dict[str, datetime]:
    """Put the ticket's moves after intake: answered ``answer_in`` minutes in, then each step some minutes later.

    Returns when the ticket reached each status, for records kept beside the moves (a visit's check-in).
    """
    events = session.scalars(
        select(TicketEvent)
        .where(TicketEvent.ticket_id == ticket.id, TicketEvent.from_status.is_not(None))
        .order_by(TicketEvent.id)
    )
    at = ticket.created_at + timedelta(minutes=answer_in)
    reached = {}
    for event in events:
        if event.to_status != Status.dispatched.value:
            at += timedelta(minutes=rng.uniform(*MINUTES_BEFORE[Status(event.to_status)]))
        event.at = reached[event.to_status] = at
    ticket.updated_at = at
    if ticket.status == Status.completed.value:
        ticket.completed_at, ticket.warranty_until = at, at + WARRANTY
    session.flush()
    return reached
