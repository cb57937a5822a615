"""Penalties (信用惩戒) on shops and technicians, with their appeal."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
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
