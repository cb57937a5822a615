"""Trained scorer versions and the scores each gave, so the engine's ``model_score()`` reads a known version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from anxin.store.base import Base, UtcDateTime, utcnow


class ScorerVersion(Base):
    """One training of a named scorer model on a platform's tables.

    ``status``: ``trained`` (kept for comparison), ``active`` (its scores are
    what rules read as ``model_score(x, name)``; one per name) or ``retired``.
    ``metrics`` holds a held-out check made at training time.
    """

    __tablename__ = "integrity_scorer_versions"
    __table_args__ = (UniqueConstraint("name", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="trained", index=True)
    rows: Mapped[int] = mapped_column(Integer)
    positives: Mapped[int] = mapped_column(Integer)
    scored: Mapped[int] = mapped_column(Integer)
    feature_names: Mapped[list] = mapped_column(JSON)
    metrics: Mapped[dict] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(String(500))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    activated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    activated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ScorerScore(Base):
    """The calibrated fraud probability a version gave one entity (an id of the training tables)."""

    __tablename__ = "integrity_scorer_scores"
    __table_args__ = (UniqueConstraint("version_id", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("integrity_scorer_versions.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(128))
    score: Mapped[float] = mapped_column(Float)
