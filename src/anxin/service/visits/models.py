"""The visit record of a ticket: check-in, photos, parts, signature, summary, and the steps already applied."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from anxin.store.base import Base, UtcDateTime, utcnow


class VisitRecord(Base):
    """One per visited ticket. The position is sealed: it is where the customer lives (信息加密)."""

    __tablename__ = "visit_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), unique=True)
    checked_in_at: Mapped[datetime] = mapped_column(UtcDateTime())
    located: Mapped[bool] = mapped_column(Boolean, default=False)  # the browser gave a position, not only a note
    accuracy_m: Mapped[int | None] = mapped_column(Integer)
    position_sealed: Mapped[str] = mapped_column(Text)  # JSON {latitude, longitude, note}, sealed
    summary: Mapped[str | None] = mapped_column(Text)


class VisitFile(Base):
    """A photo of the fault or of the finished work, or the customer's signature; bytes live in the upload store."""

    __tablename__ = "visit_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # fault / done / signature
    sha256: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class VisitPart(Base):
    """A part used on the job; ``part_key`` is chosen by the phone, so a part added offline can be edited offline."""

    __tablename__ = "visit_parts"
    __table_args__ = (UniqueConstraint("ticket_id", "part_key"),)  # also the index by ticket

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    part_key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(32), default="")
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_fen: Mapped[int] = mapped_column(Integer)
    added_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class VisitStep(Base):
    """A step the technician's phone sent, by its idempotency key: a retried step returns ``result`` again."""

    __tablename__ = "visit_steps"
    __table_args__ = (UniqueConstraint("ticket_id", "key"),)  # the idempotency guarantee, and the index by ticket

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    result: Mapped[dict] = mapped_column(JSON)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
