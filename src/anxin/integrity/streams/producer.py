"""Put events on the partitioned log: one entry per key group the event touches, stamped with the ruleset.

Each entry carries the event (fields :data:`~.log.ENTRY_FIELDS`), its group, how many partials the event expects,
the ruleset version it was routed under and the time it was enqueued. The
version travels with the event, so a ruleset change takes effect at one
point of the stream for every partition, as it does in the single-process
runtime; workers load that version from the database.

An event is acknowledged to its sender once its entries are appended (Redis
with ``appendonly yes`` and ``appendfsync always`` has them on disk then).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import NamedTuple

from anxin.integrity.events.schema import Event
from anxin.integrity.journal.codec import event_json
from anxin.integrity.streams.log import PartitionedLog
from anxin.integrity.streams.plan import StreamPlan

DEDUPE_MS = 7 * 86_400_000
"""How long an event id is remembered: a platform resending within it gets ``duplicate``, not a second count."""


class Enqueued(NamedTuple):
    event_id: str
    entries: int
    duplicate: bool


class StreamProducer:
    """Routes events with a :class:`StreamPlan` and appends their entries in one round trip per call."""

    def __init__(self, log: PartitionedLog, plan: StreamPlan):
        if plan.partitions != log.partitions:
            raise ValueError(f"the plan routes over {plan.partitions} partitions, the log has {log.partitions}")
        self.log = log
        self.plan = plan

    def send(self, events: Iterable[Event]) -> list[Enqueued]:
        version = self.plan.ruleset.version
        enqueued_ms = str(int(time.time() * 1000))
        batch = []
        ids = []
        for event in events:
            ids.append(event.id)
            body = event_json(event)
            entries = [(p, (body, group, str(n), version, enqueued_ms)) for group, p, n in self.plan.routes(event)]
            batch.append((f"{event.tenant}|{event.id}", entries))
        if not batch:
            return []
        appended = self.log.append_once(batch, DEDUPE_MS)
        return [
            Enqueued(event_id, len(entries), not new)
            for event_id, (_, entries), new in zip(ids, batch, appended, strict=True)
        ]
