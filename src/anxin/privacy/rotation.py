"""Re-seal stored values under the key ring's active key, in batches, so an old key can be retired.

Rotation order (``anxin keys rotate``): write a ring with a new active key *and*
the old ones to the key file first, then re-seal every value still under an old
key, committing batch by batch. A crash half-way loses nothing: every value
opens with some key in the file, and running it again continues where it stopped.
The sealed columns are named by their owners (``anxin.models.SEALED_COLUMNS``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from anxin.privacy.crypto import KeyRing


@dataclass(frozen=True)
class SealedColumn:
    """A column holding sealed values, and the context (associated data) they were sealed with."""

    model: type
    attribute: str
    context: str

    @property
    def label(self) -> str:
        return f"{self.model.__tablename__}.{self.attribute}"


def key_usage(session: Session, columns: Iterable[SealedColumn]) -> Counter[str]:
    """How many stored values each key id seals (what ``retire`` must see at zero)."""
    usage: Counter[str] = Counter()
    for column in columns:
        for token in session.scalars(select(getattr(column.model, column.attribute))):
            usage[token.split(".", 2)[1]] += 1
    return usage


def reseal(
    factory: sessionmaker[Session],
    ring: KeyRing,
    columns: Iterable[SealedColumn],
    *,
    batch: int = 500,
    progress: Callable[[str, int], None] | None = None,
) -> int:
    """Re-seal every value not under ``ring.active``; one transaction per batch. Returns the count re-sealed."""
    done = 0
    for column in columns:
        last_id = 0
        while True:
            with factory() as session, session.begin():
                rows = list(
                    session.scalars(
                        select(column.model).where(column.model.id > last_id).order_by(column.model.id).limit(batch)
                    )
                )
                if not rows:
                    break
                changed = 0
                for row in rows:
                    token = getattr(row, column.attribute)
                    if ring.needs_reseal(token):
                        setattr(
                            row,
                            column.attribute,
                            ring.seal(ring.open(token, context=column.context), context=column.context),
                        )
                        changed += 1
                last_id = rows[-1].id
            done += changed
            if progress is not None:
                progress(column.label, len(rows))
    return done
