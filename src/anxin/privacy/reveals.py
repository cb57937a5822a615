"""Record a full reveal of personal data; callers decrypt only after recording (the row commits with the request)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from anxin.privacy.models import Reveal


def record_reveal(session: Session, *, actor_id: int, subject: str, fields: list[str], reason: str) -> Reveal:
    reveal = Reveal(actor_id=actor_id, subject=subject, fields=",".join(sorted(fields)), reason=reason)
    session.add(reveal)
    session.flush()
    return reveal
