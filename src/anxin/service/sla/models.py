"""A brand's service promises: how fast it answers and how fast a technician is at the door."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from anxin.store.base import Base, UtcDateTime, utcnow


class SlaPolicy(Base):
    """One per brand; a brand without a row has the standard terms. Tickets copy the minutes at intake."""

    __tablename__ = "sla_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"), unique=True)
    response_minutes: Mapped[int] = mapped_column(Integer)  # 24×7, intake → first dispatch
    arrival_minutes: Mapped[int] = mapped_column(Integer)  # station working hours, dispatch → on site
    warn_percent: Mapped[int] = mapped_column(Integer)  # share of a promise used up when the dispatcher is warned
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
