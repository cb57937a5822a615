"""The service half's own events for the integrity engine: every repair request is an order, every rating a review.

Why: fake bookings and padded technician ratings are the service half's own
刷单炒信 — many requests from one client address, a technician's 5-star
reviews from a handful of customers. Streaming tickets and ratings through the
same engine lets the same rules (``count(order_placed, by=ip, window=1h)``)
and detectors watch them. The tenant is the brand's slug; the "shop" of a
rating is the technician who did the work.

Events are handed to the decision runtime only after the request's
transaction commits, and without waiting: a slow journal never delays intake.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future

from fastapi import Request
from sqlalchemy.orm import Session

from anxin.auth.models import Brand
from anxin.integrity.events.schema import Event
from anxin.integrity.server.live import runtime_of
from anxin.service.tickets.models import Ticket, TicketRating
from anxin.store.db import after_commit

log = logging.getLogger(__name__)


def _ms(ticket_time) -> int:
    return int(ticket_time.timestamp() * 1000)


def ticket_event(ticket: Ticket, tenant: str, client_ip: str | None) -> Event:
    attrs: dict[str, object] = {"order": ticket.number, "item": ticket.lock_model[:128], "quantity": 1}
    if client_ip and ticket.channel == "online":
        attrs["ip"] = client_ip
    return Event(
        f"ticket-{ticket.number}", _ms(ticket.created_at), tenant, "order_placed", f"customer-{ticket.customer_id}",
        ticket.number, attrs,
    )  # fmt: skip


def rating_event(ticket: Ticket, rating: TicketRating, tenant: str) -> Event:
    attrs: dict[str, object] = {"order": ticket.number, "rating": rating.stars}
    if ticket.technician_id is not None:
        attrs["shop"] = f"technician-{ticket.technician_id}"
    if rating.comment:
        attrs["text"] = rating.comment
    return Event(
        f"rating-{ticket.number}", _ms(rating.created_at), tenant, "review", f"customer-{ticket.customer_id}",
        ticket.number, attrs,
    )  # fmt: skip


def _log_failure(future: Future) -> None:
    if future.exception() is not None:
        log.error("integrity feed: an event was not journaled: %s", future.exception())


def _publish(request: Request, session: Session, event: Event) -> None:
    runtime = runtime_of(request)
    after_commit(session, lambda: runtime.submit([event], "service").add_done_callback(_log_failure))


def feed_ticket(request: Request, session: Session, ticket: Ticket) -> None:
    brand = session.get(Brand, ticket.brand_id)
    client_ip = request.client.host if request.client else None
    _publish(request, session, ticket_event(ticket, brand.slug if brand else "", client_ip))


def feed_rating(request: Request, session: Session, rating: TicketRating) -> None:
    ticket = session.get(Ticket, rating.ticket_id)
    assert ticket is not None
    brand = session.get(Brand, ticket.brand_id)
    _publish(request, session, rating_event(ticket, rating, brand.slug if brand else ""))
