"""Case library articles. Written up from completed tickets, without any of the customer's personal data.

The full-text index lives beside the table and is not described by the ORM:
on SQLite an FTS5 virtual table (``library_search``, with its shadow tables),
on PostgreSQL a GIN expression index over a weighted ``tsvector``. Both are
made by migration 0019 and fed from the service; :func:`_keep_search_index`
tells Alembic's model/migration comparison that they belong there.
"""

from __future__ import annotations

from datetime import datetime

from alembic.autogenerate import comparators
from alembic.operations import ops
from alembic.util import DispatchPriority
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from anxin.store.base import Base, UtcDateTime, utcnow

SEARCH_TABLE = "library_search"
"""SQLite FTS5 table: rowid = article id, columns title and body hold the articles' search words."""
FTS5_SHADOWS = ("data", "idx", "content", "docsize", "config")
SEARCH_INDEX = "ix_library_articles_search"
"""PostgreSQL GIN index over :data:`SEARCH_VECTOR`."""
SEARCH_VECTOR = (
    "(setweight(to_tsvector('simple'::regconfig, search_title), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, search_body), 'B'))"
)
"""The indexed expression; queries repeat it word for word so PostgreSQL uses the index."""


class Article(Base):
    """One solved repair: what the customer saw, why it happened, what fixed it, and the parts used."""

    __tablename__ = "library_articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"), index=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)  # one write-up per repair
    ticket_number: Mapped[str] = mapped_column(String(24))
    lock_model: Mapped[str] = mapped_column(String(64), index=True)
    fault: Mapped[str] = mapped_column(String(32), index=True)
    region: Mapped[str] = mapped_column(String(64))  # the district's name (杭州市上城区), never an address
    title: Mapped[str] = mapped_column(String(120))
    symptom: Mapped[str] = mapped_column(Text)
    cause: Mapped[str] = mapped_column(Text)
    fix: Mapped[str] = mapped_column(Text)
    parts: Mapped[str] = mapped_column(String(512), default="")
    search_title: Mapped[str] = mapped_column(Text)  # search words of the title, joined by spaces
    search_body: Mapped[str] = mapped_column(Text)  # search words of model, symptom, cause, fix and parts
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    author_label: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


def _search_index_names() -> frozenset[str]:
    return frozenset({SEARCH_TABLE, *(f"{SEARCH_TABLE}_{s}" for s in FTS5_SHADOWS)})


@comparators.dispatch_for("schema", priority=DispatchPriority.LAST)
def _keep_search_index(autogen_context, upgrade_ops: ops.UpgradeOps, schemas) -> None:  # type: ignore[no-untyped-def]
    """Drop Alembic's proposals to remove the search index, which the ORM cannot describe but migration 0019 made.

    Runs after the built-in table comparison (priority LAST) and touches only
    the FTS5 table, its shadow tables and the GIN index, by exact name.
    """
    tables = _search_index_names()
    kept: list[ops.MigrateOperation] = []
    for op in upgrade_ops.ops:
        if isinstance(op, ops.DropTableOp) and op.table_name in tables:
            continue
        if isinstance(op, ops.ModifyTableOps) and op.table_name == Article.__tablename__:
            op.ops = [o for o in op.ops if not (isinstance(o, ops.DropIndexOp) and o.index_name == SEARCH_INDEX)]
            if not op.ops:
                continue
        kept.append(op)
    upgrade_ops.ops[:] = kept
