"""Escalations of a ticket's promise: a warning to the dispatcher when it nears, a breach record to the supervisor."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from anxin.store.base import Base, UtcDateTime


class Escalation(Base):
    """One step of one clock of one ticket; unique, so a check that runs twice (or twice at once) records it once."""

    __tablename__ = "sla_escalations"
    __table_args__ = (UniqueConstraint("ticket_id", "clock", "step", name="uq_sla_escalations_ticket_clock_step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"), index=True)
    clock: Mapped[str] = mapped_column(String(16))  # response / arrival
    step: Mapped[str] = mapped_column(String(16))  # warning / breach
    notify_role: Mapped[str] = mapped_column(String(16))  # dispatcher / brand_admin (the supervisor)
    promised_minutes: Mapped[int] = mapped_column(Integer)
    elapsed_minutes: Mapped[float] = mapped_column(Float)  # as counted when the check found it
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # the promise's deadline as then known
    detected_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
