"""Technicians with skills, a home station, shifts and optional extra territory."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from anxin.store.base import Base, UtcDateTime, utcnow


class Technician(Base):
    __tablename__ = "technicians"

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)  # the login, if any
    name: Mapped[str] = mapped_column(String(64))
    skills: Mapped[list] = mapped_column(JSON)  # lock models / categories this technician may repair
    home_station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"), index=True)
    shifts: Mapped[dict] = mapped_column(JSON)  # {"mon": ["08:00", "18:00"], ...}
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class TechnicianTerritory(Base):
    """Districts or towns a technician also serves beyond the home station's coverage."""

    __tablename__ = "technician_territory"
    __table_args__ = (UniqueConstraint("technician_id", "region_code", name="uq_technician_territory_tech_region"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    technician_id: Mapped[int] = mapped_column(ForeignKey("technicians.id", ondelete="CASCADE"), index=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
