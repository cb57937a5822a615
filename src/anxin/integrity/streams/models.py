"""What scaled-out workers keep in the system of record: decisions (one per event) and partition snapshots."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from anxin.store.base import Base


class StreamDecision(Base):
    """An event's decision, written by whichever worker completed it; the key makes a second write a no-op.

    ``enqueued_ms`` is when the producer put the event on the log, ``decided_ms``
    when the decision was committed: their difference is the decision latency.
    """

    __tablename__ = "integrity_stream_decisions"

    tenant: Mapped[str] = mapped_column(String(128), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(128))
    time_ms: Mapped[int] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(16), index=True)
    score: Mapped[int] = mapped_column(Integer)
    fired: Mapped[str] = mapped_column(Text)  # JSON list, as the journal stores it
    ruleset: Mapped[str] = mapped_column(String(32))
    enqueued_ms: Mapped[int] = mapped_column(BigInteger)
    decided_ms: Mapped[int] = mapped_column(BigInteger, index=True)
    worker: Mapped[str] = mapped_column(String(64))


class StreamSnapshot(Base):
    """A partition's feature windows after the log entry ``(entry_ms, entry_seq)``; replay starts after it."""

    __tablename__ = "integrity_stream_snapshots"

    namespace: Mapped[str] = mapped_column(String(64), primary_key=True)
    partition: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    entry_ms: Mapped[int] = mapped_column(BigInteger)
    entry_seq: Mapped[int] = mapped_column(BigInteger)
    features: Mapped[bytes] = mapped_column(LargeBinary)
    created_ms: Mapped[int] = mapped_column(BigInteger)
