"""Record a full reveal of personal data; callers decrypt only after recording (the row commits with the request).

Each reveal is also an entry of the hash-chained audit log, so deleting a reveal row is visible.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from anxin.audit import service as audit
from anxin.privacy.models import Reveal


def record_reveal(session: Session, *, actor_id: int, subject: str, fields: list[str], reason: str) -> Reveal:
    reveal = Reveal(actor_id=actor_id, subject=subject, fields=",".join(sorted(fields)), reason=reason)
    session.add(reveal)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="privacy.reveal",
        subject=subject,
        detail={"fields": sorted(fields), "reason": reason},
    )
    return reveal
