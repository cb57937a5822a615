"""The web app's side of a worker deployment: events go on the log, decisions are read from the database.

With ``ANXIN_DECISIONS=workers`` the app opens no journal, so any number of
Uvicorn processes on any machines can serve it: ``POST /api/events`` answers
``202 queued`` once the event is on the log (or ``duplicate``), the workers
decide, and ``GET /api/decisions/...`` reads their decisions from the
database. The gateway stands where the single-process
:class:`~anxin.integrity.journal.DecisionRuntime` stands, with the same
method names, so the routes need no second code path for ingestion.

Rule changes: the process that activates a version routes by it at once;
the other processes look up the live version every ``refresh_s`` seconds.
Lists, labels and model scores live in the database, where the workers
reload them, so publishing them here has nothing to do.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from anxin.integrity.events.schema import Event
from anxin.integrity.journal import Journal
from anxin.integrity.rules.language import CompiledRuleset
from anxin.integrity.streams.log import RedisStreams
from anxin.integrity.streams.models import StreamDecision
from anxin.integrity.streams.plan import StreamPlan
from anxin.integrity.streams.producer import StreamProducer


class Queued(NamedTuple):
    """What a caller gets for an event handed to the workers."""

    event_id: str
    duplicate: bool
    action: str = "queued"

    def to_dict(self) -> dict[str, Any]:
        return {"event_id": self.event_id, "status": "queued", "duplicate": self.duplicate}


class StreamGateway:
    """Routes events onto the workers' log under the live ruleset, which it keeps current."""

    accepts_immediately = True  # answers "queued", not a decision: HTTP 202

    def __init__(
        self, log: RedisStreams, live: Callable[[], CompiledRuleset], journal_path: Path, *, refresh_s: float = 2.0
    ):
        log.create_groups()
        self.log = log
        self.path = journal_path
        Journal(journal_path).close()  # the pages that read a journal find an empty one
        self._live = live
        self._refresh_s = refresh_s
        self._lock = threading.Lock()
        self._producer = StreamProducer(log, StreamPlan(live(), log.partitions))
        self._checked = time.monotonic()

    def _current(self) -> StreamProducer:
        if time.monotonic() - self._checked > self._refresh_s:
            ruleset = self._live()
            with self._lock:
                if ruleset.version != self._producer.plan.ruleset.version:
                    self._producer = StreamProducer(self.log, StreamPlan(ruleset, self.log.partitions))
                self._checked = time.monotonic()
        return self._producer

    def decide(self, events: Sequence[Event], source: str = "http") -> list[Queued]:
        if not events:
            return []
        return [Queued(e.event_id, e.duplicate) for e in self._current().send(events)]

    async def decide_async(self, events: Sequence[Event], source: str = "http") -> list[Queued]:
        return await asyncio.to_thread(self.decide, events, source)

    def activate(self, ruleset: CompiledRuleset) -> None:
        with self._lock:
            self._producer = StreamProducer(self.log, StreamPlan(ruleset, self.log.partitions))

    def set_shadow(self, ruleset: CompiledRuleset | None) -> None:
        """Shadow decisions are the single-process runtime's; workers decide with the live version only."""

    def set_labels(self, name: str, accounts: Any) -> None:
        """Workers reload labels from the database."""

    def set_scores(self, name: str, scores: Any) -> None:
        """Workers reload model scores from the database."""

    def set_list(self, name: str, values: Any) -> None:
        """Workers reload lists from the database."""

    def close(self) -> None:
        self.log.redis.close()


def decision_dict(row: StreamDecision) -> dict[str, Any]:
    return {
        "event_id": row.event_id,
        "tenant": row.tenant,
        "type": row.event_type,
        "actor": row.actor,
        "time_ms": row.time_ms,
        "action": row.action,
        "score": row.score,
        "fired": orjson.loads(row.fired),
        "ruleset": row.ruleset,
        "enqueued_ms": row.enqueued_ms,
        "decided_ms": row.decided_ms,
        "worker": row.worker,
    }


def stored_decision(session: Session, tenant: str, event_id: str) -> dict[str, Any] | None:
    row = session.get(StreamDecision, (tenant, event_id))
    return None if row is None else decision_dict(row)


def stored_decisions(
    session: Session, *, before_ms: int | None, action: str | None, tenant: str | None, limit: int
) -> list[dict[str, Any]]:
    """Newest first by decision time; page back with ``before_ms`` = the last row's ``decided_ms``."""
    query = select(StreamDecision).order_by(StreamDecision.decided_ms.desc()).limit(limit)
    if before_ms is not None:
        query = query.where(StreamDecision.decided_ms < before_ms)
    if action is not None:
        query = query.where(StreamDecision.action == action)
    if tenant is not None:
        query = query.where(StreamDecision.tenant == tenant)
    return [decision_dict(r) for r in session.scalars(query)]
