"""Arrange completed repairs the way the product makes them: assigned, then moved step by step to completed."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from anxin.auth import service as auth
from anxin.service.knowledge.schemas import ArticleWrite
from anxin.service.technicians.models import Technician
from anxin.service.tickets import service as tickets
from anxin.service.tickets.lifecycle import Status
from anxin.service.tickets.models import Ticket

STEPS = (Status.dispatched, Status.accepted, Status.en_route, Status.on_site, Status.completed)


def technician_named(session: Session, name: str) -> Technician:
    found = session.scalar(select(Technician).where(Technician.name == name))
    assert found is not None, name
    return found


def finish(session: Session, ticket: Ticket, technician: Technician, actor: auth.Principal, *, upto=Status.completed):
    """Assign ``ticket`` to ``technician`` and move it through the lifecycle up to ``upto``."""
    ticket.technician_id = technician.id
    for step in STEPS[: STEPS.index(upto) + 1]:
        tickets.move(session, ticket_id=ticket.id, to=step, version=ticket.version, note="", actor=actor)
    return ticket


def received(session: Session, brand_id: int) -> list[Ticket]:
    query = select(Ticket).where(Ticket.brand_id == brand_id, Ticket.status == "received").order_by(Ticket.id)
    return list(session.scalars(query))


def body(ticket: Ticket, **text: str) -> ArticleWrite:
    fields = {
        "title": "指纹识别模块失灵",
        "symptom": "指纹识别经常失灵，按压无反应",
        "cause": "指纹模块排线松动",
        "fix": "重新插紧排线并固定，清洁指纹头",
        "parts": "",
    }
    return ArticleWrite(ticket_number=ticket.number or "", **(fields | text))
