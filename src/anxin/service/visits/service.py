"""A technician's own jobs: see them, move them along, and see the customer's contact during the visit only.

Steps: accept → on the way → on site → done. The full address and phone show
only while the visit is under way, each time recorded in the reveal log.

Technicians see only what a job needs (信息加密): other tickets, and their own
ones before acceptance or after completion, stay masked.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from anxin.auth import service as auth
from anxin.errors import Forbidden, NotFound
from anxin.privacy.crypto import KeyRing
from anxin.privacy.reveals import record_reveal
from anxin.service.customers import service as customers
from anxin.service.customers.models import Customer
from anxin.service.technicians.models import Technician
from anxin.service.tickets import service as tickets
from anxin.service.tickets.lifecycle import Status
from anxin.service.tickets.models import Ticket

TECHNICIAN_MOVES = frozenset({Status.accepted, Status.en_route, Status.on_site, Status.completed})
REVEAL_WHILE = frozenset({Status.accepted.value, Status.en_route.value, Status.on_site.value})
ACTIVE = ("dispatched", "accepted", "en_route", "on_site")


@dataclass(frozen=True)
class Contact:
    """What the technician needs at the door, shown only during the visit."""

    name: str
    phone: str
    address: str


def linked_technician(session: Session, actor: auth.Principal) -> Technician | None:
    """The technician profile this account is linked to (a brand admin links it), if any."""
    return session.scalar(select(Technician).where(Technician.user_id == actor.user_id))


def my_jobs(session: Session, *, actor: auth.Principal) -> list[Ticket]:
    """Active jobs assigned to the account's technician; none for an account not linked to one."""
    me = linked_technician(session, actor)
    if me is None:
        return []
    query = (
        select(Ticket)
        .where(Ticket.technician_id == me.id, Ticket.status.in_(ACTIVE))
        .order_by(Ticket.planned_arrival, Ticket.id)
    )
    return list(session.scalars(query))


def _mine(session: Session, ticket_id: int, actor: auth.Principal) -> Ticket:
    """The job if it is assigned to this account's technician; anything else does not exist for them."""
    me = linked_technician(session, actor)
    ticket = session.get(Ticket, ticket_id)
    if ticket is None or me is None or ticket.technician_id != me.id:
        raise NotFound(f"job {ticket_id} is not yours", message_zh="这不是您的工单")
    return ticket


def work_on(session: Session, *, ticket_id: int, to: Status, version: int, actor: auth.Principal) -> Ticket:
    """Move one of the technician's own jobs; only visit steps, never cancelling or reassigning."""
    if to not in TECHNICIAN_MOVES:
        raise Forbidden(
            f"technicians may only move jobs to {sorted(TECHNICIAN_MOVES)}", message_zh="师傅只能更新上门进度"
        )
    ticket = _mine(session, ticket_id, actor)
    return tickets.move(session, ticket_id=ticket.id, to=to, version=version, note="", actor=actor)


def contact_for_visit(session: Session, keys: KeyRing, *, ticket_id: int, actor: auth.Principal) -> Contact:
    """The full name, phone and address of the customer, during an accepted visit only; recorded first."""
    ticket = _mine(session, ticket_id, actor)
    if ticket.status not in REVEAL_WHILE:
        raise Forbidden(
            "the address is shown from acceptance until the visit ends", message_zh="接单后才能查看完整地址"
        )
    record_reveal(
        session,
        actor_id=actor.user_id,
        subject=f"ticket:{ticket.id}",
        fields=["name", "phone", "address"],
        reason=f"on-site visit ({ticket.status})",
    )
    customer = session.get(Customer, ticket.customer_id)
    assert customer is not None
    return Contact(
        name=keys.open(customer.name_sealed, context=customers.NAME),
        phone=keys.open(customer.phone_sealed, context=customers.PHONE),
        address=keys.open(ticket.address_sealed, context=tickets.ADDRESS),
    )
