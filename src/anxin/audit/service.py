"""Append to the audit log and verify it. Services never commit: an entry lands with the change it records.

Writers extend the chain one at a time: on PostgreSQL a transaction-scoped
advisory lock serialises appenders; SQLite serialises writers anyway; the
unique ``seq`` is the last line of defence (a racing writer fails, nothing forks).
"""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from anxin.audit.chain import GENESIS, entry_hash, problems
from anxin.audit.models import AuditEntry
from anxin.store.base import utcnow

_LOCK_KEY = 0x616E78696E  # "anxin": the advisory lock id of the audit chain


def record(
    session: Session, *, actor_id: int | None, action: str, subject: str, detail: dict | None = None
) -> AuditEntry:
    """Append one entry (``action`` like ``case.open``, ``subject`` like ``case:12``) to the chain."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    head = session.scalar(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1))
    prev_hash, seq = (head.hash, head.seq + 1) if head is not None else (GENESIS, 1)
    at = utcnow().replace(microsecond=0)
    detail = detail or {}
    entry = AuditEntry(
        seq=seq,
        at=at,
        actor_id=actor_id,
        action=action,
        subject=subject[:300],
        detail=detail,
        prev_hash=prev_hash,
        hash=entry_hash(prev_hash, seq, at.isoformat(), actor_id, action, subject[:300], detail),
    )
    session.add(entry)
    session.flush()
    return entry


def verify(session: Session) -> tuple[list[str], int, str]:
    """(problems, entries checked, head hash) over the whole log, in seq order."""
    rows = session.execute(
        select(
            AuditEntry.seq,
            AuditEntry.at,
            AuditEntry.actor_id,
            AuditEntry.action,
            AuditEntry.subject,
            AuditEntry.detail,
            AuditEntry.prev_hash,
            AuditEntry.hash,
        ).order_by(AuditEntry.seq)
    ).all()
    found = problems((r[0], r[1].replace(microsecond=0).isoformat(), *r[2:]) for r in rows)
    return found, len(rows), rows[-1][-1] if rows else GENESIS


def recent(session: Session, *, limit: int = 100) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)))
