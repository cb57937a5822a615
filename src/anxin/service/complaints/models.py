"""Complaints about completed repairs, the promise the ticket carried when filed, and every step with who and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from anxin.store.base import Base, UtcDateTime, utcnow


class Complaint(Base):
    """``status``: open → investigating → resolved (upheld) | rejected; ``reply`` is what the customer reads.

    The promise is copied when the complaint is filed, so the record keeps
    saying what the customer was promised even if the ticket is re-repaired
    and its warranty moves later.
    """

    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(24), unique=True)  # TS20261203000001; set after insert
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"), index=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("technicians.id"))
    category: Mapped[str] = mapped_column(String(16), index=True)
    text_sealed: Mapped[str] = mapped_column(Text)  # sealed: customers write names, numbers, addresses here
    files: Mapped[list] = mapped_column(JSON, default=list)  # [{sha256, type, size}] photos, re-encoded
    channel: Mapped[str] = mapped_column(String(16))  # online (the customer) / agent
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    reply: Mapped[str | None] = mapped_column(Text)
    promised_warranty_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    promised_response_minutes: Mapped[int] = mapped_column(Integer)
    responded_minutes: Mapped[int | None] = mapped_column(Integer)  # intake to first dispatch
    parts_charged_fen: Mapped[int] = mapped_column(Integer)
    refund_fen: Mapped[int | None] = mapped_column(Integer)
    refund_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - optimistic locking: two admins cannot both decide


class ComplaintEvent(Base):
    """One step of a complaint: filed, moved, replied, refunded; by whom (an account, or the customer) and when."""

    __tablename__ = "complaint_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(16))  # filed / investigating / resolved / rejected / refund
    note: Mapped[str] = mapped_column(Text, default="")
    amount_fen: Mapped[int | None] = mapped_column(Integer)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
