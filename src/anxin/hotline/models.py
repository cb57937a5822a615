"""Registered brand hotlines with their evidence and review history, and public reports of fake numbers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from anxin.store.base import Base, UtcDateTime, utcnow


class Hotline(Base):
    """One number a brand claims as its after-sales line; only ``verified`` ones answer "official"."""

    __tablename__ = "hotlines"
    __table_args__ = (UniqueConstraint("brand_id", "number_key", name="uq_hotlines_brand_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"), index=True)
    number_key: Mapped[str] = mapped_column(String(32), index=True)  # E.164, or national digits for 95xxx
    display: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class HotlineEvidence(Base):
    """Why the brand says the number is its own: a page of its official site, a manual, a licence, a contract."""

    __tablename__ = "hotline_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    hotline_id: Mapped[int] = mapped_column(ForeignKey("hotlines.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    url: Mapped[str | None] = mapped_column(String(2048))
    description: Mapped[str] = mapped_column(Text)
    file_sha256: Mapped[str | None] = mapped_column(String(64))  # the cleaned upload, under <data_dir>/uploads
    file_type: Mapped[str | None] = mapped_column(String(32))
    added_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class HotlineEvent(Base):
    """Every state change of a registration, with who, when and why: the history shown to reviewers."""

    __tablename__ = "hotline_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    hotline_id: Mapped[int] = mapped_column(ForeignKey("hotlines.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class FakeHotlineReport(Base):
    """Someone says a number posed as a brand's official line (from a page, a call, an SMS)."""

    __tablename__ = "fake_hotline_reports"
    __table_args__ = (Index("ix_fake_hotline_reports_number_at", "number_key", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number_key: Mapped[str] = mapped_column(String(32))
    claimed_brand: Mapped[str] = mapped_column(String(128), default="")
    source_url: Mapped[str | None] = mapped_column(String(2048))
    note: Mapped[str] = mapped_column(Text, default="")
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ScannedPage(Base):
    """One page the scanner judged, kept for review: an analyst confirms (→ fake-number reports) or dismisses."""

    __tablename__ = "scanned_pages"
    __table_args__ = (Index("ix_scanned_pages_review_verdict", "review", "verdict"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(2048))
    verdict: Mapped[str] = mapped_column(String(16))
    score: Mapped[float] = mapped_column(Float)
    result: Mapped[dict] = mapped_column(JSON)  # the scanner's JSON: reasons with evidence, numbers, brands
    claims: Mapped[list] = mapped_column(JSON)  # [[number, brand], ...] the page offered, for reports
    review: Mapped[str] = mapped_column(String(16), default="new")  # new / confirmed / dismissed
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    scanned_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
