"""A case: what is investigated (findings, decisions), who works on it, and its notes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from anxin.store.base import Base, UtcDateTime, utcnow


class Case(Base):
    """``status``: ``open`` → ``investigating`` → ``closed`` (reopenable).

    ``due_at``: when the review queue expects the next step (triage of an open
    case, a decision on one under investigation); None once closed.
    """

    __tablename__ = "integrity_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(256))
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)


class CaseItem(Base):
    """A piece of the case: a stored finding (``ref`` = its id) or a decision (``ref`` = ``tenant/event id``)."""

    __tablename__ = "integrity_case_items"
    __table_args__ = (UniqueConstraint("case_id", "kind", "ref", name="uq_case_items_case_kind_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("integrity_cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # finding / decision
    ref: Mapped[str] = mapped_column(String(300))
    added_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class CaseNote(Base):
    """What an analyst recorded: steps taken, calls made, conclusions."""

    __tablename__ = "integrity_case_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("integrity_cases.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
