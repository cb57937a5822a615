"""Rules as data: versioned rulesets with an owner and a reason per rule, and the block/allow lists they read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from anxin.store.base import Base, UtcDateTime, utcnow


class RulesetVersion(Base):
    """One saved version of the whole ruleset, as the analyst wrote it (checked before it is stored).

    ``status``: ``draft`` (saved, never live), ``active`` (the one live version),
    ``shadow`` (decides beside the live one, differences reported) or
    ``retired`` (was active once). Activation swaps the live version atomically.
    """

    __tablename__ = "integrity_ruleset_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    source: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(32))  # the compiled ruleset's version, as decisions record it
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    reason: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    activated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    activated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class RuleProvenance(Base):
    """Each rule of a version with its owner and reason: who last changed that rule's text, and why."""

    __tablename__ = "integrity_rule_provenance"
    __table_args__ = (UniqueConstraint("version_id", "name", name="uq_rule_provenance_version_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("integrity_ruleset_versions.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)  # the rule as compiled: condition, action, score, reason
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    change_reason: Mapped[str] = mapped_column(Text)
    changed_in: Mapped[int] = mapped_column(Integer)  # version number where this text first appeared


class ListEntry(Base):
    """A value on a named list (``ip in list("vpn_exits")``), with who added it and why."""

    __tablename__ = "integrity_list_entries"
    __table_args__ = (UniqueConstraint("list_name", "value", name="uq_list_entries_name_value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_name: Mapped[str] = mapped_column(String(64), index=True)
    value: Mapped[str] = mapped_column(String(256))
    reason: Mapped[str] = mapped_column(Text)
    added_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
