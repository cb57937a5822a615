"""Tickets and their recorded moves. Address and description are sealed; the region code is not (dispatch needs it)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from anxin.store.base import Base, UtcDateTime, utcnow


class Ticket(Base):
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(24), unique=True)  # AX20261124000123; set after insert
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))  # phone / online
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    address_sealed: Mapped[str] = mapped_column(Text)
    lock_model: Mapped[str] = mapped_column(String(64))
    fault: Mapped[str] = mapped_column(String(32))
    description_sealed: Mapped[str] = mapped_column(Text)
    photos: Mapped[list] = mapped_column(JSON, default=list)  # the customer's photos: [{sha256, type, size}]
    status: Mapped[str] = mapped_column(String(16), index=True, default="received")
    queue_reason: Mapped[str | None] = mapped_column(String(256))  # why it waits outside the normal flow
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("technicians.id"), index=True)
    planned_arrival: Mapped[datetime | None] = mapped_column(UtcDateTime())
    dispatch_note: Mapped[str | None] = mapped_column(String(512))  # why this technician, or why nobody yet
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    warranty_until: Mapped[datetime | None] = mapped_column(UtcDateTime())  # 安心保障: free re-repair until then
    # The promise taken at intake from the customer's tier; later tier or policy changes do not rewrite it.
    member_tier_id: Mapped[int | None] = mapped_column(ForeignKey("member_tiers.id"), index=True)
    response_minutes: Mapped[int] = mapped_column(Integer, server_default="30")
    arrival_minutes: Mapped[int] = mapped_column(Integer, server_default="120")  # working minutes, dispatch → on site
    discount_percent: Mapped[int] = mapped_column(Integer, server_default="0")
    queue_priority: Mapped[int] = mapped_column(Integer, server_default="0")  # higher is offered to dispatch first
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - optimistic locking: concurrent edits conflict


class TicketEvent(Base):
    """One move of a ticket: from, to, who (an account, or the customer online), when, why.

    ``kind`` "pause" / "resume" stops or restarts the ticket's promise clock without a move: from and to are the
    status it stays in, and ``note`` is the reason code.
    """

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(8), default="move", server_default="move")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class TicketRating(Base):
    """The customer's rating after completion (one per ticket); later streamed to the integrity engine as a review."""

    __tablename__ = "ticket_ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), unique=True)
    stars: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
