"""Penalties (信用惩戒) on shops and technicians, with their appeal."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from anxin.store.base import Base, UtcDateTime, utcnow


class Penalty(Base):
    """``status``: ``active`` → ``appealed`` → ``upheld`` | ``overturned`` (overturned: counts for nothing)."""

    __tablename__ = "integrity_penalties"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_kind: Mapped[str] = mapped_column(String(16), index=True)  # shop / technician
    subject_id: Mapped[str] = mapped_column(String(128), index=True)
    level: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str] = mapped_column(Text)
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("integrity_findings.id"))
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    appeal_deadline: Mapped[datetime] = mapped_column(UtcDateTime())
    appeal_text: Mapped[str | None] = mapped_column(Text)
    appealed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decision_note: Mapped[str | None] = mapped_column(Text)


class CreditRecord(Base):
    """Anything else that moves a credit score: an inspection (抽检), a complaint, a warranty re-repair.

    Written by the inspector's form and by the service half (a low rating, a
    repair reopened under warranty), so the credit module never reads service tables.
    """

    __tablename__ = "integrity_credit_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_kind: Mapped[str] = mapped_column(String(16), index=True)
    subject_id: Mapped[str] = mapped_column(String(128), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    points: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str | None] = mapped_column(Text)  # sample, result, file digest…
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
