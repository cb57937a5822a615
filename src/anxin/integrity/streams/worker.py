"""``anxin worker``: one decision worker — it owns partitions of the log, keeps their windows, writes decisions.

Per batch of log entries: each entry's group features are updated and read
(:func:`~.plan.group_values`); an event whose entries all live in one group
is decided at once, the others leave their values in a partial-result set in
Redis and whichever worker completes the set decides the event. Decisions
go to the database in one transaction (``ON CONFLICT DO NOTHING`` on the
event's tenant and id), then the entries are acknowledged. Every effect is
idempotent and deterministic, so processing an entry twice after a crash
writes nothing new: exactly-once effects over at-least-once delivery.

Ownership: every worker heartbeats, takes free partitions up to its fair
share (partitions ÷ live workers) and gives back extras (after a snapshot),
so partitions spread over the workers and move when one joins or dies. A
dead worker's leases lapse after ``lease_ms``. The new owner restores the
partition's newest snapshot and replays the log after it up to what the
group had delivered, re-doing the effects of the entries still pending.
Windows depend only on the stream, so the replayed state is the state the
dead worker had.

Snapshots: every ``snapshot_every`` entries of a partition, its windows go
to the database (never replacing a newer one) and the log is trimmed before
them.
"""

from __future__ import annotations

import logging
import math
import os
import random
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.engine import Engine

from anxin.integrity.engine import Decision, EngineState
from anxin.integrity.events.schema import Event
from anxin.integrity.features import FeatureStore
from anxin.integrity.journal.codec import event_from_json, fired_json
from anxin.integrity.rules.language import CompiledRuleset, compile_ruleset
from anxin.integrity.streams.log import START, Entry, RedisStreams, entry_order
from anxin.integrity.streams.models import StreamDecision, StreamSnapshot
from anxin.integrity.streams.plan import (
    NO_FEATURES,
    StreamPlan,
    ValueBoard,
    decide_from_values,
    group_values,
    merge_partials,
)

log = logging.getLogger(__name__)

ALLOW_ALL = compile_ruleset("")


def default_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


@dataclass
class WorkerConfig:
    name: str = field(default_factory=default_name)
    lease_ms: int = 3_000
    batch: int = 2_000  # log entries per round, spread over the owned partitions (a round must fit in a lease)
    snapshot_every: int = 20_000
    partial_ttl_ms: int = 7 * 86_400_000  # longer than any lag between an event's partitions
    refresh_ms: int = 5_000
    idle_sleep_ms: float = 2.0


@dataclass
class _Partition:
    number: int
    store: FeatureStore
    last_id: str = START
    since_snapshot: int = 0
    snapshot_id: str = START  # the newest stored snapshot; the log is kept from the one before it


class Records:
    """The worker's view of the system of record: rulesets, lists and labels, decisions, snapshots."""

    def __init__(self, engine: Engine, namespace: str):
        from anxin.store.db import make_sessionmaker

        self.engine = engine
        self.namespace = namespace
        self.sessions = make_sessionmaker(engine)
        dialect = engine.dialect.name
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        self._insert = insert

    def ruleset(self, digest: str) -> CompiledRuleset:
        from anxin.integrity.rules import service as rules
        from anxin.integrity.rules.models import RulesetVersion

        if digest == ALLOW_ALL.version:
            return ALLOW_ALL
        with self.sessions() as session:
            version = session.scalars(select(RulesetVersion).where(RulesetVersion.digest == digest).limit(1)).first()
            if version is None:
                raise LookupError(
                    f"ruleset {digest} is not in this database: start workers on the database the producer uses"
                )
            return rules.compiled(session, version)

    def context(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """Lists and labels (with scorer scores), as the single-process runtime loads them."""
        from anxin.integrity.findings import service as findings
        from anxin.integrity.rules import service as rules
        from anxin.integrity.rules.language.checker import score_key
        from anxin.integrity.scorer import service as scorer

        with self.sessions() as session:
            lists = rules.all_lists(session)
            scores = {score_key(n): s for n, s in scorer.active_scores(session).items()}
            return dict(lists), {**findings.labels(session), **scores}

    def write_decisions(self, rows: Sequence[dict[str, Any]]) -> None:
        """Insert decisions, skipping events already decided; one transaction.

        On PostgreSQL the rows are streamed with ``COPY`` into a temporary table
        and moved with one ``INSERT … SELECT … ON CONFLICT DO NOTHING``: about a
        third of the worker's time per event went to row-by-row ``executemany``.
        """
        if not rows:
            return
        with self.engine.begin() as connection:
            if self.engine.dialect.name != "postgresql":
                connection.execute(self._insert(StreamDecision.__table__).on_conflict_do_nothing(), list(rows))
                return
            columns = [c.name for c in StreamDecision.__table__.columns]
            names = ", ".join(columns)
            with connection.connection.driver_connection.cursor() as cursor:
                cursor.execute(
                    "CREATE TEMP TABLE IF NOT EXISTS decisions_in (LIKE integrity_stream_decisions) "
                    "ON COMMIT DELETE ROWS"
                )
                with cursor.copy(f"COPY decisions_in ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row([row[c] for c in columns])
                cursor.execute(
                    f"INSERT INTO integrity_stream_decisions ({names}) SELECT {names} FROM decisions_in "
                    "ON CONFLICT DO NOTHING"
                )

    def snapshot(self, partition: int) -> tuple[str, bytes] | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(StreamSnapshot.entry_ms, StreamSnapshot.entry_seq, StreamSnapshot.features).where(
                    StreamSnapshot.namespace == self.namespace, StreamSnapshot.partition == partition
                )
            ).first()
        return None if row is None else (f"{row.entry_ms}-{row.entry_seq}", bytes(row.features))

    def save_snapshot(self, partition: int, entry_id: str, features: bytes) -> None:
        """Store the partition's windows after ``entry_id``, unless a newer snapshot is already stored."""
        ms, seq = entry_order(entry_id)
        table = StreamSnapshot.__table__
        statement = self._insert(table).values(
            namespace=self.namespace,
            partition=partition,
            entry_ms=ms,
            entry_seq=seq,
            features=features,
            created_ms=int(time.time() * 1000),
        )
        newer = (statement.excluded.entry_ms > table.c.entry_ms) | (
            (statement.excluded.entry_ms == table.c.entry_ms) & (statement.excluded.entry_seq > table.c.entry_seq)
        )
        statement = statement.on_conflict_do_update(
            index_elements=["namespace", "partition"],
            set_={c: statement.excluded[c] for c in ("entry_ms", "entry_seq", "features", "created_ms")},
            where=newer,
        )
        with self.engine.begin() as connection:
            connection.execute(statement)


class DecisionWorker:
    """The loop of one ``anxin worker`` process; :meth:`run` until :meth:`stop` (or a signal) ends it."""

    def __init__(self, stream: RedisStreams, records: Records, config: WorkerConfig | None = None):
        self.log = stream
        self.records = records
        self.config = config or WorkerConfig()
        self.name = self.config.name
        self.owned: dict[int, _Partition] = {}
        self._plans: dict[str, StreamPlan] = {}
        self._boards: dict[str, ValueBoard] = {}
        self._state = EngineState()
        self._stopping = False
        self._next_rebalance = 0.0
        self._next_refresh = 0.0
        self.decided = 0
        self.processed = 0

    # -- lifecycle ------------------------------------------------------------------------------------------------
    def stop(self) -> None:
        self._stopping = True

    def run(self, *, until: Callable[[], bool] | None = None) -> None:
        """Process until stopped (or ``until()`` is true); on a clean stop, snapshot and give back every partition."""
        self.log.create_groups()
        idle = self.config.idle_sleep_ms / 1000
        try:
            while not self._stopping and not (until and until()):
                now = time.monotonic()
                if now >= self._next_refresh:
                    self._refresh()
                    self._next_refresh = now + self.config.refresh_ms / 1000
                if now >= self._next_rebalance:
                    self._rebalance()
                    self._next_rebalance = time.monotonic() + self.config.lease_ms / 3000
                per_partition = max(10, self.config.batch // max(1, len(self.owned)))
                batch = self.log.read_owned(self.name, sorted(self.owned), per_partition)
                if any(entries for _, entries in batch):
                    self._process(batch)
                else:
                    time.sleep(idle)
        finally:
            if self._stopping or until is not None:
                self._leave()

    def _leave(self) -> None:
        for number in list(self.owned):
            self._give_back(number)
        self.log.leave(self.name)

    # -- partitions -------------------------------------------------------------------------------------------------
    def _rebalance(self) -> None:
        """Heartbeat, renew leases (dropping lapsed ones), then move toward the fair share."""
        live = self.log.heartbeat(self.name, self.config.lease_ms)
        kept = set(self.log.renew(sorted(self.owned), self.name, self.config.lease_ms))
        for number in set(self.owned) - kept:
            log.warning("worker %s lost partition %d (lease lapsed)", self.name, number)
            del self.owned[number]
        fair = math.ceil(self.log.partitions / max(live, 1))
        for number in sorted(self.owned, reverse=True)[: max(0, len(self.owned) - fair)]:
            self._give_back(number)
        if len(self.owned) < fair:
            free = [p for p, owner in self.log.owners().items() if owner is None]
            random.shuffle(free)
            for number in free[: fair - len(self.owned)]:
                if self.log.acquire(number, self.name, self.config.lease_ms):
                    self._take_over(number)

    def _give_back(self, number: int) -> None:
        part = self.owned.pop(number)
        if part.since_snapshot:
            self._snapshot(part)
        self.log.release(number, self.name)

    def _take_over(self, number: int) -> None:
        """Restore the newest snapshot, then replay the log after it up to what the group has delivered."""
        stored = self.records.snapshot(number)
        part = _Partition(number, FeatureStore() if stored is None else FeatureStore.restore(stored[1]))
        part.last_id = part.snapshot_id = START if stored is None else stored[0]
        until = self.log.delivered(number)
        if entry_order(until) > entry_order(part.last_id):
            pending = self.log.pending_ids(number, part.last_id, until)
            while True:
                entries = self.log.read_after(number, part.last_id, until, self.config.batch)
                if not entries:
                    break
                self._process([(number, entries)], part=part, effects=pending)
                self.log.renew([number], self.name, self.config.lease_ms)
        part.last_id = until if entry_order(until) > entry_order(part.last_id) else part.last_id
        self.owned[number] = part
        log.info("worker %s took partition %d after %s", self.name, number, part.last_id)

    def _snapshot(self, part: _Partition) -> None:
        """Store the windows, then trim the log before the *previous* snapshot.

        Keeping one snapshot interval of log covers a worker that lost its
        lease mid-batch: it can still snapshot once (it can read no more), and
        the partition's new owner may have loaded the snapshot before that.
        """
        self.records.save_snapshot(part.number, part.last_id, part.store.snapshot())
        if part.snapshot_id != START:
            self.log.trim_before(part.number, part.snapshot_id)
        part.snapshot_id = part.last_id
        part.since_snapshot = 0

    # -- deciding ---------------------------------------------------------------------------------------------------
    def _refresh(self) -> None:
        lists, labels = self.records.context()
        self._state.lists = {k: frozenset(v) for k, v in lists.items()}
        self._state.labels = labels

    def _plan(self, version: str) -> StreamPlan:
        plan = self._plans.get(version)
        if plan is None:
            plan = self._plans[version] = StreamPlan(self.records.ruleset(version), self.log.partitions)
        return plan

    def _process(
        self, batch: list[tuple[int, list[Entry]]], *, part: _Partition | None = None, effects: set[str] | None = None
    ) -> None:
        """Apply entries to their partitions' windows; write the effects (all, or those in ``effects``); ack."""
        rows: list[dict[str, Any]] = []
        waiting: list[tuple[str, str, str, int]] = []
        waiting_events: list[tuple[Event, StreamPlan, int]] = []
        acks: dict[int, list[str]] = {}
        for number, entries in batch:
            target = part or self.owned[number]
            for entry in entries:
                fields = entry.fields
                event = event_from_json(fields["e"])
                group = fields["g"]
                plan = self._plan(fields["v"])
                values = {} if group == NO_FEATURES else group_values(plan, target.store, event, group)
                target.last_id = entry.id
                target.since_snapshot += 1
                self.processed += 1
                if effects is not None and entry.id not in effects:
                    continue
                acks.setdefault(number, []).append(entry.id)
                expected = int(fields["n"])
                enqueued = int(fields["q"])
                if expected == 1:
                    rows.append(self._row(event, self._decide(event, values, plan), enqueued))
                else:
                    payload = orjson.dumps(values, option=orjson.OPT_NON_STR_KEYS).decode()
                    waiting.append((f"{event.tenant}|{event.id}", group, payload, expected))
                    waiting_events.append((event, plan, enqueued))
        completed = []
        if waiting:
            replies = self.log.put_partials(waiting, self.config.partial_ttl_ms)
            for (key, *_), (event, plan, enqueued), payloads in zip(waiting, waiting_events, replies, strict=True):
                if payloads is not None:
                    values = merge_partials({int(k): v for k, v in orjson.loads(p).items()} for p in payloads)
                    rows.append(self._row(event, self._decide(event, values, plan), enqueued))
                    completed.append(key)
        decided_ms = int(time.time() * 1000)
        for row in rows:
            row["decided_ms"] = decided_ms
        self.records.write_decisions(rows)
        self.decided += len(rows)
        self.log.drop_partials(completed)
        self.log.ack(acks)
        if part is None:
            for number, _ in batch:
                owned = self.owned[number]
                if owned.since_snapshot >= self.config.snapshot_every:
                    self._snapshot(owned)

    def _decide(self, event: Event, values: dict[int, Any], plan: StreamPlan) -> Decision:
        ruleset = plan.ruleset
        board = self._boards.get(ruleset.version)
        if board is None:
            board = self._boards[ruleset.version] = ValueBoard(ruleset)
        self._state.features = board
        return decide_from_values(event, values, self._state, ruleset)

    def _row(self, event: Event, decision: Decision, enqueued_ms: int) -> dict[str, Any]:
        return {
            "tenant": event.tenant,
            "event_id": event.id,
            "event_type": event.type,
            "actor": event.actor,
            "time_ms": event.time_ms,
            "action": decision.action,
            "score": decision.score,
            "fired": fired_json(decision),
            "ruleset": decision.ruleset_version,
            "enqueued_ms": enqueued_ms,
            "worker": self.name,
        }
