"""A consumer's report and the files that back it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from anxin.store.base import Base, UtcDateTime, utcnow


class Report(Base):
    """``status``: ``received`` → ``triaged`` → ``upheld`` | ``rejected``; ``answer_due`` is the promise.

    The reporter is kept only for abuse checks (account or client address);
    the reported party never sees it.
    """

    __tablename__ = "integrity_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(24), unique=True)
    follow_code_hash: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(24), index=True)
    target: Mapped[str] = mapped_column(String(256), index=True)
    description: Mapped[str] = mapped_column(Text)
    tracking: Mapped[str | None] = mapped_column(String(64))
    files: Mapped[list] = mapped_column(JSON, default=list)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reporter_address: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="received", index=True)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    answer_due: Mapped[datetime] = mapped_column(UtcDateTime())
    case_id: Mapped[int | None] = mapped_column(ForeignKey("integrity_cases.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
