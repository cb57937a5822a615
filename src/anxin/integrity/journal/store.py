"""The durable journal: every accepted event with its first decision, appended in group commits.

Problem: an event may be acknowledged only once it is on disk (a platform
retries on timeout, and a crash must not lose or double-count what was
acknowledged), yet one fsync per event caps a disk at a few hundred events/s.
So events are appended in batches — everything that arrived while the previous
commit was syncing goes into the next one (group commit) — and a batch is
acknowledged after its single commit.

Storage is one SQLite file in WAL mode with ``synchronous=FULL`` (the WAL is
fsynced at every commit), separate from the application database: the journal
is append-only and written by one thread, and a torn write after ``kill -9``
is rolled back by SQLite itself, so a record is either whole or absent.
``UNIQUE(tenant, event_id)`` makes "decided exactly once" a property of the
file, not of memory. Checkpoints are taken by the writer between batches
(automatic checkpointing is off), so they never stall a commit in progress.

The standard library's ``sqlite3`` is used directly, not SQLAlchemy: this is
the hot path (≥ 30k events/s), and the schema is three fixed tables.

Tables: ``journal`` (seq, tenant, event id, time, type, actor, event JSON, the
live decision, received time, source), ``shadow`` (a candidate ruleset's
decision for the same seq) and ``snapshots`` (feature state after a seq).

>>> import tempfile, pathlib
>>> j = Journal(pathlib.Path(tempfile.mkdtemp()) / "j.sqlite3")
>>> row = JournalRow("t", "e1", 1767225600000, "login", "a1", '{"id":"e1"}', "allow", 0, "[]", "v1", 0, "http")
>>> j.append([row], [])
[1]
>>> j.commit()
>>> j.lookup([("t", "e1"), ("t", "e2")])
{('t', 'e1'): (1, 'allow', 0, '[]', 'v1')}
>>> j.close()
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from anxin.integrity.journal.codec import event_from_json

_SCHEMA = """
CREATE TABLE IF NOT EXISTS journal (
    seq INTEGER PRIMARY KEY,
    tenant TEXT NOT NULL,
    event_id TEXT NOT NULL,
    time_ms INTEGER NOT NULL,
    type TEXT NOT NULL,
    actor TEXT NOT NULL,
    event TEXT NOT NULL,
    action TEXT NOT NULL,
    score INTEGER NOT NULL,
    fired TEXT NOT NULL,
    ruleset TEXT NOT NULL,
    received_ms INTEGER NOT NULL,
    source TEXT NOT NULL,
    UNIQUE (tenant, event_id)
);
CREATE INDEX IF NOT EXISTS journal_flagged ON journal (action, seq) WHERE action != 'allow';
CREATE INDEX IF NOT EXISTS journal_event_time ON journal (time_ms, seq);
CREATE TABLE IF NOT EXISTS shadow (
    seq INTEGER PRIMARY KEY,
    ruleset TEXT NOT NULL,
    action TEXT NOT NULL,
    score INTEGER NOT NULL,
    fired TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS snapshots (
    seq INTEGER PRIMARY KEY,
    ruleset TEXT NOT NULL,
    features BLOB NOT NULL,
    created_ms INTEGER NOT NULL
);
"""

_LOOKUP_CHUNK = 400  # stays under SQLite's default limit of bound parameters per statement
CHECKPOINT_PAGES = 8_192  # ~32 MB of WAL before the writer checkpoints between batches


class JournalRow(NamedTuple):
    """One event and its live decision, as appended (``seq`` is assigned by the journal)."""

    tenant: str
    event_id: str
    time_ms: int
    type: str
    actor: str
    event: str  # Event.to_dict() as JSON
    action: str
    score: int
    fired: str  # JSON list of fired rules
    ruleset: str
    received_ms: int
    source: str


class StoredDecision(NamedTuple):
    """A journal row read back for the console, the API and replay."""

    seq: int
    tenant: str
    event_id: str
    time_ms: int
    type: str
    actor: str
    event: str
    action: str
    score: int
    fired: str
    ruleset: str
    received_ms: int
    source: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, with the event and the fired rules parsed."""
        out = self._asdict()
        out["event"] = event_from_json(self.event).to_dict()
        out["fired"] = json.loads(self.fired)
        return out


class ShadowRow(NamedTuple):
    """A candidate ruleset's decision for a journal row; ``seq`` is the journal row's."""

    seq: int
    ruleset: str
    action: str
    score: int
    fired: str


class Journal:
    """One journal file. Not thread-safe: the decision runtime's writer thread owns it.

    Readers (console pages, backtests) open their own :class:`Journal` on the
    same file; WAL lets them read while the writer appends.
    """

    def __init__(self, path: Path, *, readonly: bool = False):
        self.path = Path(path)
        if readonly:
            self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA wal_autocheckpoint=0")
            self._db.executescript(_SCHEMA)
        self._in_tx = False
        self._pages_since_checkpoint = 0

    def close(self) -> None:
        if self._in_tx:
            self._db.execute("ROLLBACK")
            self._in_tx = False
        self._db.close()

    # -- writing (writer thread only) -------------------------------------------------------------

    def _begin(self) -> None:
        if not self._in_tx:
            self._db.execute("BEGIN IMMEDIATE")
            self._in_tx = True

    def append(self, rows: Sequence[JournalRow], shadow: Sequence[tuple[int, ShadowRow]]) -> list[int]:
        """Insert ``rows`` (and shadow decisions keyed by the index of their row); returns their seqs.

        Nothing is durable until :meth:`commit`.
        """
        if not rows:
            return []
        self._begin()
        first = (self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM journal").fetchone()[0]) + 1
        self._db.executemany(
            "INSERT INTO journal (seq, tenant, event_id, time_ms, type, actor, event, action, score, fired, "
            "ruleset, received_ms, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(first + i, *row) for i, row in enumerate(rows)],
        )
        if shadow:
            self._db.executemany(
                "INSERT INTO shadow (seq, ruleset, action, score, fired) VALUES (?, ?, ?, ?, ?)",
                [(first + i, s.ruleset, s.action, s.score, s.fired) for i, s in shadow],
            )
        return list(range(first, first + len(rows)))

    def save_snapshot(self, seq: int, ruleset: str, features: bytes, created_ms: int) -> None:
        """Feature state after ``seq`` (older snapshots are dropped: replay needs only the newest)."""
        self._begin()
        self._db.execute("DELETE FROM snapshots WHERE seq < ?", (seq,))
        self._db.execute(
            "INSERT OR REPLACE INTO snapshots (seq, ruleset, features, created_ms) VALUES (?, ?, ?, ?)",
            (seq, ruleset, features, created_ms),
        )

    def commit(self) -> None:
        """Make everything appended durable (one WAL fsync), then checkpoint if the WAL has grown."""
        if not self._in_tx:
            return
        self._db.execute("COMMIT")
        self._in_tx = False
        self._pages_since_checkpoint += 1
        if self._pages_since_checkpoint >= 64:
            self._pages_since_checkpoint = 0
            wal_pages = self._db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1]
            if wal_pages > CHECKPOINT_PAGES:
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def rollback(self) -> None:
        if self._in_tx:
            self._db.execute("ROLLBACK")
            self._in_tx = False

    # -- reading ----------------------------------------------------------------------------------

    def lookup(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], tuple[int, str, int, str, str]]:
        """Already-journaled (tenant, event id) → (seq, action, score, fired, ruleset): the duplicates."""
        found: dict[tuple[str, str], tuple[int, str, int, str, str]] = {}
        by_tenant: dict[str, list[str]] = {}
        for tenant, event_id in keys:
            by_tenant.setdefault(tenant, []).append(event_id)
        for tenant, ids in by_tenant.items():
            for start in range(0, len(ids), _LOOKUP_CHUNK):
                chunk = ids[start : start + _LOOKUP_CHUNK]
                marks = ",".join("?" * len(chunk))
                for row in self._db.execute(
                    f"SELECT event_id, seq, action, score, fired, ruleset FROM journal "
                    f"WHERE tenant = ? AND event_id IN ({marks})",
                    (tenant, *chunk),
                ):
                    found[(tenant, row[0])] = row[1:]
        return found

    def last_seq(self) -> int:
        return self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM journal").fetchone()[0]

    def count(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM journal").fetchone()[0]

    def latest_snapshot(self) -> tuple[int, str, bytes] | None:
        row = self._db.execute("SELECT seq, ruleset, features FROM snapshots ORDER BY seq DESC LIMIT 1").fetchone()
        return None if row is None else (row[0], row[1], bytes(row[2]))

    def events_after(self, seq: int, *, batch: int = 10_000) -> Iterator[tuple[int, str]]:
        """(seq, event JSON) in journal (arrival) order after ``seq``: what replay re-applies."""
        last = seq
        while True:
            rows = self._db.execute(
                "SELECT seq, event FROM journal WHERE seq > ? ORDER BY seq LIMIT ?", (last, batch)
            ).fetchall()
            if not rows:
                return
            yield from rows
            last = rows[-1][0]

    def decisions(
        self,
        *,
        before_seq: int | None = None,
        action: str | None = None,
        tenant: str | None = None,
        limit: int = 50,
    ) -> list[StoredDecision]:
        """Newest first: the live decision stream, optionally only one action or tenant."""
        where, params = [], []
        if before_seq is not None:
            where.append("seq < ?")
            params.append(before_seq)
        if action is not None:
            where.append("action = ?")
            params.append(action)
        if tenant is not None:
            where.append("tenant = ?")
            params.append(tenant)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self._db.execute(
            f"SELECT * FROM journal {clause} ORDER BY seq DESC LIMIT ?",
            (*params, limit),
        ).fetchall()
        return [StoredDecision(*r) for r in rows]

    def decisions_of_actors(self, actors: Iterable[str], *, per_actor: int = 10_000) -> dict[str, list[StoredDecision]]:
        """Every journaled event of these accounts with its decision, in arrival order: a case's evidence.

        One pass over the journal (no index on actor: it would slow every append for a rare export).
        """
        wanted = sorted(set(actors))
        out: dict[str, list[StoredDecision]] = {a: [] for a in wanted}
        for start in range(0, len(wanted), _LOOKUP_CHUNK):
            chunk = wanted[start : start + _LOOKUP_CHUNK]
            marks = ",".join("?" * len(chunk))
            for row in self._db.execute(f"SELECT * FROM journal WHERE actor IN ({marks}) ORDER BY seq", chunk):
                found = out[row[5]]
                if len(found) < per_actor:
                    found.append(StoredDecision(*row))
        return out

    def decision(self, tenant: str, event_id: str) -> StoredDecision | None:
        row = self._db.execute("SELECT * FROM journal WHERE tenant = ? AND event_id = ?", (tenant, event_id)).fetchone()
        return None if row is None else StoredDecision(*row)

    def shadow_for(self, seq: int) -> ShadowRow | None:
        row = self._db.execute("SELECT * FROM shadow WHERE seq = ?", (seq,)).fetchone()
        return None if row is None else ShadowRow(*row)

    def shadow_differences(self, *, limit: int = 50) -> tuple[dict[tuple[str, str], int], list[tuple]]:
        """(live action, shadow action) → count over every shadowed event, and the newest differing rows."""
        counts = {
            (live, cand): n
            for live, cand, n in self._db.execute(
                "SELECT j.action, s.action, COUNT(*) FROM shadow s JOIN journal j ON j.seq = s.seq "
                "GROUP BY j.action, s.action"
            )
        }
        rows = self._db.execute(
            "SELECT j.seq, j.tenant, j.event_id, j.type, j.action, s.action, s.ruleset, s.fired "
            "FROM shadow s JOIN journal j ON j.seq = s.seq WHERE j.action != s.action "
            "ORDER BY j.seq DESC LIMIT ?",
            (limit,),
        ).fetchall()
        return counts, rows

    def action_counts_by_event_hour(self, *, since_ms: int) -> list[tuple[int, str, int]]:
        """(event-time hour start in ms, action, count) for events since ``since_ms``: the console's chart."""
        return self._db.execute(
            "SELECT (time_ms / 3600000) * 3600000 AS hour, action, COUNT(*) FROM journal "
            "WHERE time_ms >= ? GROUP BY hour, action ORDER BY hour",
            (since_ms,),
        ).fetchall()

    def action_totals(self) -> dict[str, int]:
        """Events per action over the whole journal (flagged ones come from the partial index)."""
        totals = {"allow": 0, "review": 0, "block": 0}
        totals.update(
            dict(self._db.execute("SELECT action, COUNT(*) FROM journal WHERE action != 'allow' GROUP BY action"))
        )
        totals["allow"] = self.last_seq() - totals["review"] - totals["block"]  # seqs are dense from 1
        return totals

    def event_time_span(self) -> tuple[int, int] | None:
        """(oldest, newest) event time in the journal, or None when it is empty."""
        row = self._db.execute("SELECT MIN(time_ms), MAX(time_ms) FROM journal").fetchone()
        return None if row[0] is None else (row[0], row[1])

    def event_texts(self, *, tenant: str | None = None, batch: int = 20_000) -> Iterator[str]:
        """Every event's JSON in arrival order, of one tenant or all: a batch detector's input."""
        last = 0
        where = "seq > ? AND tenant = ?" if tenant is not None else "seq > ?"
        while True:
            params = (last, tenant) if tenant is not None else (last,)
            rows = self._db.execute(
                f"SELECT seq, event FROM journal WHERE {where} ORDER BY seq LIMIT {int(batch)}",
                params,
            ).fetchall()
            if not rows:
                return
            for _seq, text in rows:
                yield text
            last = rows[-1][0]

    def newest_event_time(self) -> int | None:
        return self._db.execute("SELECT MAX(time_ms) FROM journal").fetchone()[0]

    def events_since_time(self, since_ms: int) -> Iterator[str]:
        """Event JSON of events with time ≥ ``since_ms`` in arrival order: a shadow ruleset's warm-up."""
        first = self._db.execute("SELECT MIN(seq) FROM journal WHERE time_ms >= ?", (since_ms,)).fetchone()[0]
        if first is None:
            return
        for _seq, text in self.events_after(first - 1):
            yield text

    def events_in_time_order(self, *, batch: int = 20_000) -> Iterator[tuple[str, str]]:
        """(event JSON, live action) over all history by event time, then seq: a backtest's input."""
        last: tuple[int, int] = (-1, -1)
        while True:
            rows = self._db.execute(
                "SELECT time_ms, seq, event, action FROM journal WHERE (time_ms, seq) > (?, ?) "
                "ORDER BY time_ms, seq LIMIT ?",
                (*last, batch),
            ).fetchall()
            if not rows:
                return
            for r in rows:
                yield r[2], r[3]
            last = (rows[-1][0], rows[-1][1])
