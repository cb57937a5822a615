"""Stations and the districts or towns each one covers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from anxin.store.base import Base, UtcDateTime, utcnow


class Station(Base):
    __tablename__ = "stations"

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    region_code: Mapped[str] = mapped_column(String(12), index=True)  # where the station itself is
    address: Mapped[str] = mapped_column(String(256))  # a business address, public on purpose
    phone: Mapped[str] = mapped_column(String(32))  # display form of a verified-format number
    opening_hours: Mapped[dict] = mapped_column(JSON)  # {"mon": ["08:30", "18:00"], ...}; missing day = closed
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class StationCoverage(Base):
    """One district (6-digit code) or town (9-digit) a station serves."""

    __tablename__ = "station_coverage"
    __table_args__ = (UniqueConstraint("station_id", "region_code", name="uq_station_coverage_station_region"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"), index=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
