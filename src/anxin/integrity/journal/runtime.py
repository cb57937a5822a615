"""The decision runtime: one writer thread that decides events and journals them in group commits.

Problem: HTTP requests, bulk imports and the service half's own events arrive
concurrently, but the engine's feature state must see one ordered stream, and
an event may be acknowledged only after it is durable. So every caller hands
its events to :meth:`DecisionRuntime.submit` and gets a future; one thread
drains the queue, decides everything that is waiting (live ruleset, and the
shadow ruleset beside it), appends it to the :class:`~.store.Journal` in one
transaction, commits once (one fsync for the whole group), and only then
resolves the futures. Under load, batches grow by themselves.

Exactly once: an event whose (tenant, id) is already journaled — or appears
twice in one group — is not decided again; the caller gets the first decision
with ``duplicate=True``.

Restart: the newest feature snapshot is loaded and the journal after it is
replayed through the engine (decisions are not rewritten: the journal's are
the ones that were acknowledged), so windows continue where they were.
If a commit fails, the batch's futures fail and the state is rebuilt the same
way, so memory never holds features of events the journal does not have.

Rule changes, lists and labels go through the same queue as control messages,
so a batch is decided wholly under one ruleset (atomic activation).

>>> import tempfile, pathlib
>>> from anxin.integrity.events.schema import Event
>>> from anxin.integrity.rules.language import compile_ruleset
>>> rs = compile_ruleset('rule big when amount > 100000 then review score 30 reason "large order"')
>>> rt = DecisionRuntime(pathlib.Path(tempfile.mkdtemp()) / "j.sqlite3", rs)
>>> rt.start()
>>> ev = Event("e1", 1767225600000, "shop-t", "order_placed", "a1", attrs={"amount": 250000})
>>> [(o.action, o.duplicate) for o in rt.decide([ev, ev])]
[('review', False), ('review', True)]
>>> rt.close()
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any, NamedTuple

import orjson

from anxin.errors import Conflict
from anxin.integrity.engine import EngineState, decide
from anxin.integrity.events.schema import Event
from anxin.integrity.features import FeatureStore
from anxin.integrity.journal.codec import event_from_json, event_json, fired_json
from anxin.integrity.journal.store import Journal, JournalRow, ShadowRow
from anxin.integrity.rules.language import CompiledRuleset
from anxin.integrity.rules.language.checker import score_key

log = logging.getLogger(__name__)

DEFAULT_MAX_BATCH = 20_000
DEFAULT_SNAPSHOT_EVERY = 250_000


class Outcome(NamedTuple):
    """What a caller gets back for one event: its journal seq and the (first) decision."""

    seq: int
    tenant: str
    event_id: str
    action: str
    score: int
    fired: str  # JSON list, as journaled
    ruleset: str
    duplicate: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "event_id": self.event_id,
            "action": self.action,
            "score": self.score,
            "fired": orjson.loads(self.fired),
            "ruleset": self.ruleset,
            "duplicate": self.duplicate,
        }


@dataclass
class _Submission:
    """Events waiting for the writer, and who waits for their outcomes.

    A thread waits on ``future``; a coroutine on ``waiter``, an asyncio future
    of ``loop``, so the writer can settle a whole batch's coroutines with one
    wake-up of their loop (``_Replies``) instead of one per request.
    """

    events: Sequence[Event]
    source: str
    future: Future | None = None
    loop: asyncio.AbstractEventLoop | None = None
    waiter: asyncio.Future | None = None


class _Replies:
    """A batch's answers: thread futures settled at once, coroutines in one hop per event loop."""

    def __init__(self) -> None:
        self._by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future, Any, BaseException | None]]] = {}

    def answer(self, sub: _Submission, value: Any = None, error: BaseException | None = None) -> None:
        if sub.future is not None:
            if error is None:
                sub.future.set_result(value)
            else:
                sub.future.set_exception(error)
        elif sub.loop is not None and sub.waiter is not None:
            self._by_loop.setdefault(sub.loop, []).append((sub.waiter, value, error))

    def send(self) -> None:
        for loop, answers in self._by_loop.items():
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting any more
                loop.call_soon_threadsafe(_settle, answers)


def _settle(answers: list[tuple[asyncio.Future, Any, BaseException | None]]) -> None:
    for waiter, value, error in answers:
        if waiter.done():  # the request was cancelled (client gone); its event is journaled all the same
            continue
        if error is None:
            waiter.set_result(value)
        else:
            waiter.set_exception(error)


@dataclass
class _Control:
    apply: Callable[[], Any]
    future: Future = field(default_factory=Future)


_STOP = object()


class JournalInUse(Conflict):
    """Another process (a running server, another import) owns this journal."""

    code = "journal_in_use"


def hold_lock(journal: Path) -> IO:
    """An exclusive lock beside the journal for as long as the returned file stays open.

    Two runtimes on one journal would each keep their own feature state and
    decide against half the stream, so the second one is refused.
    """
    journal.parent.mkdir(parents=True, exist_ok=True)
    handle = open(journal.with_name(journal.name + ".lock"), "a")  # noqa: SIM115 - held open on purpose
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise JournalInUse(
            f"the journal {journal} is in use by another process (a running `anxin serve`?); stop it, or send "
            "the events to its API with `anxin events import --url`",
            message_zh="事件日志正被另一个进程使用（服务是否在运行？）",
        ) from None
    return handle


@dataclass
class RuntimeStats:
    """Counters for the console and the benchmarks."""

    accepted: int = 0
    duplicates: int = 0
    commits: int = 0
    failed_commits: int = 0
    replayed_at_start: int = 0
    last_batch: int = 0


class DecisionRuntime:
    """The journal-backed runner every ingestion path uses.

    Args:
        path: the journal file (created if missing).
        ruleset: the live ruleset.
        lists / labels: initial list and label contents (see :class:`EngineState`).
        shadow: an optional candidate ruleset decided beside the live one.
        max_batch: most events per group commit.
        snapshot_every: write a feature snapshot after this many new events.
        clock: wall clock in seconds (receipt times only; decisions use event time).
    """

    def __init__(
        self,
        path: Path,
        ruleset: CompiledRuleset,
        *,
        lists: dict[str, Iterable[Any]] | None = None,
        labels: dict[str, Iterable[Any]] | None = None,
        shadow: CompiledRuleset | None = None,
        max_batch: int = DEFAULT_MAX_BATCH,
        snapshot_every: int = DEFAULT_SNAPSHOT_EVERY,
        clock: Callable[[], float] = time.time,
    ):
        self.path = Path(path)
        self.ruleset = ruleset
        self.shadow = shadow
        self.state = EngineState(lists=lists, labels=labels)
        self.shadow_state: EngineState | None = None
        self.max_batch = max_batch
        self.snapshot_every = snapshot_every
        self.clock = clock
        self.stats = RuntimeStats()
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._journal: Journal | None = None
        self._thread: threading.Thread | None = None
        self._since_snapshot = 0
        self._lock: IO | None = None

    # -- life cycle -------------------------------------------------------------------------------

    def start(self) -> None:
        """Open the journal, restore features (snapshot + replay), start the writer thread."""
        if self._thread is not None:
            raise RuntimeError("the decision runtime is already running")
        self._lock = hold_lock(self.path)
        self._journal = Journal(self.path)
        self._restore()
        if self.shadow is not None:
            self._warm_shadow(self.shadow)
        self._thread = threading.Thread(target=self._run, name="anxin-decisions", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Finish what is queued, write a snapshot so the next start replays little, close the journal."""
        if self._thread is None:
            return
        self._queue.put(_STOP)
        self._thread.join()
        self._thread = None
        assert self._journal is not None
        if self._since_snapshot:
            self._snapshot()
            self._journal.commit()
        self._journal.close()
        self._journal = None
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def _restore(self) -> None:
        journal = self._journal
        assert journal is not None
        snap = journal.latest_snapshot()
        after = 0
        if snap is not None:
            after, _version, blob = snap
            self.state.features = FeatureStore.restore(blob)
        replayed = 0
        for _seq, text in journal.events_after(after):
            decide(event_from_json(text), self.state, self.ruleset)
            replayed += 1
        self.stats.replayed_at_start = replayed
        self._since_snapshot = replayed
        if replayed:
            log.info("decision runtime: replayed %d journaled events after snapshot seq %d", replayed, after)

    def _warm_shadow(self, candidate: CompiledRuleset) -> None:
        """A fresh state for the candidate, warmed over the journal's last longest-window of events."""
        assert self._journal is not None
        state = EngineState(lists=self.state.lists, labels=self.state.labels)
        longest = max((spec.window_ms * (24 if spec.kind == "spike" else 1) for spec in candidate.features), default=0)
        if longest:
            newest = self._journal.newest_event_time()
            if newest is not None:
                for text in self._journal.events_since_time(newest - longest):
                    decide(event_from_json(text), state, candidate)
        self.shadow_state = state

    # -- the API callers use ----------------------------------------------------------------------

    def submit(self, events: Sequence[Event], source: str) -> Future:
        """Queue ``events``; the future resolves to one :class:`Outcome` per event, in order, once durable."""
        if self._thread is None:
            raise RuntimeError("the decision runtime is not running; call start() first")
        future: Future = Future()
        if events:
            self._queue.put(_Submission(events, source, future=future))
        else:
            future.set_result([])
        return future

    def decide(self, events: Sequence[Event], source: str = "api") -> list[Outcome]:
        """Blocking :meth:`submit` for threads and the CLI."""
        return self.submit(events, source).result()

    async def decide_async(self, events: Sequence[Event], source: str = "api") -> list[Outcome]:
        """:meth:`decide` for coroutines: the loop is woken once per batch, not once per request."""
        if self._thread is None:
            raise RuntimeError("the decision runtime is not running; call start() first")
        if not events:
            return []
        loop = asyncio.get_running_loop()
        sub = _Submission(events, source, loop=loop, waiter=loop.create_future())
        self._queue.put(sub)
        return await sub.waiter

    def _control(self, apply: Callable[[], Any]) -> Future:
        if self._thread is None:
            fut: Future = Future()
            fut.set_result(apply())
            return fut
        ctl = _Control(apply)
        self._queue.put(ctl)
        return ctl.future

    def activate(self, ruleset: CompiledRuleset) -> Future:
        """Swap the live ruleset between two batches. Features it shares with the old one keep their state."""

        def apply() -> None:
            if ruleset.version != self.ruleset.version:
                self.ruleset = ruleset

        return self._control(apply)

    def set_shadow(self, candidate: CompiledRuleset | None) -> Future:
        """Start (warmed over recent history) or stop deciding a candidate ruleset beside the live one."""

        def apply() -> None:
            if candidate is not None and self.shadow is not None and candidate.version == self.shadow.version:
                return
            self.shadow = candidate
            self.shadow_state = None
            if candidate is not None:
                self._warm_shadow(candidate)

        return self._control(apply)

    def set_list(self, name: str, values: Iterable[Any]) -> Future:
        """Replace a list's values (live and shadow) between two batches."""
        return self._replace("lists", name, frozenset(values))

    def set_labels(self, name: str, keys: Iterable[Any]) -> Future:
        """Replace the entities carrying a detector label (live and shadow) between two batches."""
        return self._replace("labels", name, frozenset(keys))

    def set_scores(self, name: str, scores: Mapping[Any, float]) -> Future:
        """Replace a scorer model's scores by entity (live and shadow) between two batches."""
        return self._replace("labels", score_key(name), MappingProxyType(dict(scores)))

    def _replace(self, table: str, name: str, values: frozenset | MappingProxyType) -> Future:
        def apply() -> None:
            for state in (self.state, self.shadow_state):
                if state is not None:
                    getattr(state, table)[name] = values

        return self._control(apply)

    # -- the writer thread ------------------------------------------------------------------------

    def _run(self) -> None:
        pending: list[_Submission] = []
        size = 0
        while True:
            item = self._queue.get() if not pending else self._get_nowait()
            if item is None or item is _STOP or isinstance(item, _Control) or size >= self.max_batch:
                if pending:
                    self._process(pending)
                    pending, size = [], 0
                if item is _STOP:
                    return
                if isinstance(item, _Control):
                    self._apply(item)
                    continue
                if item is None:
                    continue
            pending.append(item)
            size += len(item.events)

    def _get_nowait(self) -> Any:
        try:
            return self._queue.get_nowait()
        except queue.Empty:
            return None

    @staticmethod
    def _apply(ctl: _Control) -> None:
        try:
            ctl.future.set_result(ctl.apply())
        except Exception as exc:
            ctl.future.set_exception(exc)

    def _process(self, subs: list[_Submission]) -> None:
        journal = self._journal
        assert journal is not None
        received = int(self.clock() * 1000)
        existing = journal.lookup((e.tenant, e.id) for s in subs for e in s.events)
        rows: list[JournalRow] = []
        shadow_rows: list[tuple[int, ShadowRow]] = []
        first_in_batch: dict[tuple[str, str], int] = {}
        plans: list[list[tuple[str, Any]]] = []
        state, ruleset = self.state, self.ruleset
        shadow, shadow_state = self.shadow, self.shadow_state
        try:
            for sub in subs:
                plan: list[tuple[str, Any]] = []
                for ev in sub.events:
                    key = (ev.tenant, ev.id)
                    if key in existing:
                        plan.append(("journaled", key))
                        continue
                    index = first_in_batch.get(key)
                    if index is not None:
                        plan.append(("repeat", index))
                        continue
                    d = decide(ev, state, ruleset)
                    index = first_in_batch[key] = len(rows)
                    rows.append(
                        JournalRow(
                            ev.tenant, ev.id, ev.time_ms, ev.type, ev.actor, event_json(ev), d.action, d.score,
                            fired_json(d), d.ruleset_version, received, sub.source,
                        )
                    )  # fmt: skip
                    if shadow is not None and shadow_state is not None:
                        sd = decide(ev, shadow_state, shadow)
                        shadow_rows.append(
                            (index, ShadowRow(0, sd.ruleset_version, sd.action, sd.score, fired_json(sd)))
                        )
                    plan.append(("new", index))
                plans.append(plan)
            seqs = journal.append(rows, shadow_rows)
            self._since_snapshot += len(rows)
            if self._since_snapshot >= self.snapshot_every:
                self._snapshot()
            journal.commit()
        except Exception as exc:
            log.exception("decision runtime: a batch of %d events failed; rebuilding state from the journal", len(rows))
            journal.rollback()
            self.stats.failed_commits += 1
            replies = _Replies()
            for sub in subs:
                replies.answer(sub, error=exc)
            replies.send()
            self.state = EngineState(lists=self.state.lists, labels=self.state.labels)
            self._restore()
            if self.shadow is not None:
                self._warm_shadow(self.shadow)
            return
        self.stats.commits += 1
        self.stats.accepted += len(rows)
        self.stats.last_batch = len(rows)
        replies = _Replies()
        for sub, plan in zip(subs, plans, strict=True):
            outcomes = []
            for kind, ref in plan:
                if kind == "journaled":
                    seq, action, score, fired, version = existing[ref]
                    outcomes.append(Outcome(seq, ref[0], ref[1], action, score, fired, version, True))
                else:
                    r = rows[ref]
                    outcomes.append(
                        Outcome(
                            seqs[ref], r.tenant, r.event_id, r.action, r.score, r.fired, r.ruleset, kind == "repeat"
                        )
                    )
                    if kind == "repeat":
                        self.stats.duplicates += 1
            self.stats.duplicates += sum(1 for kind, _ in plan if kind == "journaled")
            replies.answer(sub, outcomes)
        replies.send()

    def _snapshot(self) -> None:
        assert self._journal is not None
        self._journal.save_snapshot(
            self._journal.last_seq(), self.ruleset.version, self.state.features.snapshot(), int(self.clock() * 1000)
        )
        self._since_snapshot = 0
