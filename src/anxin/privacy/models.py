"""The reveal log: every time someone saw a customer's full personal data, who, what and why."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from anxin.store.base import Base, UtcDateTime, utcnow


class Reveal(Base):
    __tablename__ = "privacy_reveals"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    subject: Mapped[str] = mapped_column(String(64))  # e.g. "ticket:12"
    fields: Mapped[str] = mapped_column(String(128))  # e.g. "address,phone"
    reason: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
