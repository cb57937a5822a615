"""The partitioned, durable event log the workers consume: Redis Streams with one consumer group.

Problem: decision workers come and go (deploys, crashes, scaling), yet every
acknowledged event must be decided once, by the one worker that holds its
keys' windows. The log gives: partitions (one stream per partition, so
per-key order is kept), durability (Redis with an append-only file), a
consumer group (what was delivered, what is still unacknowledged) and range
reads for replay after a snapshot.

Ownership is a lease per partition (``SET NX PX``) renewed by its worker.
Reading new entries checks the lease inside the same Lua script as the
``XREADGROUP``, so a worker that lost its lease (paused past the lease, then
woke up) can never take entries that the partition's new owner will not see.

A Kafka deployment would implement :class:`PartitionedLog` with a consumer
group of its own (assignment instead of leases); the partial-result sets and
leases stay here.

Stream entry ids are ``"<ms>-<seq>"``; :func:`entry_order` makes them comparable.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple, Protocol

import redis

from anxin.config import Settings
from anxin.errors import InvalidInput

GROUP = "deciders"
PREFIX = "anxin:"
START = "0-0"

ENTRY_FIELDS = ("e", "g", "n", "v", "q")
"""An entry's fields: event JSON, key group, partials expected, ruleset version, enqueued at (ms)."""

_APPEND_ONCE = """
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then return 0 end
local k = 2
for i = 2, #KEYS do
  redis.call('XADD', KEYS[i], '*', 'e', ARGV[k], 'g', ARGV[k + 1], 'n', ARGV[k + 2], 'v', ARGV[k + 3], 'q', ARGV[k + 4])
  k = k + 5
end
return 1
"""

_READ_OWNED = """
local out = {}
local n = #KEYS / 2
for i = 1, n do
  if redis.call('GET', KEYS[n + i]) == ARGV[1] then
    local got = redis.call('XREADGROUP', 'GROUP', ARGV[3], ARGV[1], 'COUNT', ARGV[2], 'STREAMS', KEYS[i], '>')
    if got then out[#out + 1] = got[1] end
  end
end
return out
"""

_RENEW = """
local kept = {}
for i, lease in ipairs(KEYS) do
  if redis.call('GET', lease) == ARGV[1] then
    redis.call('PEXPIRE', lease, ARGV[2])
    kept[#kept + 1] = i
  end
end
return kept
"""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

_PUT_PARTIAL = """
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return redis.call('HVALS', KEYS[1]) end
return false
"""


class Entry(NamedTuple):
    id: str
    fields: dict[str, str]


def entry_order(entry_id: str) -> tuple[int, int]:
    """``"1767225600000-3"`` → ``(1767225600000, 3)``: stream ids compare as these pairs."""
    ms, _, seq = entry_id.partition("-")
    return int(ms), int(seq or 0)


class PartitionedLog(Protocol):
    """What a worker needs from the log, whatever implements it."""

    partitions: int

    def append_once(
        self, events: Sequence[tuple[str, Sequence[tuple[int, Sequence[str]]]]], ttl_ms: int
    ) -> list[bool]: ...
    def read_owned(self, owner: str, partitions: Sequence[int], count: int) -> list[tuple[int, list[Entry]]]: ...
    def read_after(self, partition: int, after: str, until: str, count: int) -> list[Entry]: ...
    def delivered(self, partition: int) -> str: ...
    def pending_ids(self, partition: int, after: str, until: str) -> set[str]: ...
    def ack(self, acks: Mapping[int, Sequence[str]]) -> None: ...
    def trim_before(self, partition: int, entry_id: str) -> None: ...


class RedisStreams:
    """:class:`PartitionedLog` on Redis Streams, plus leases, worker heartbeats and partial-result sets."""

    def __init__(self, url: str, partitions: int, *, namespace: str = "default"):
        if partitions < 1:
            raise ValueError(f"partitions must be ≥ 1, got {partitions}")
        self.url = url
        self.partitions = partitions
        self.redis = redis.Redis.from_url(url, decode_responses=True)
        self.ns = f"{PREFIX}{namespace}:"
        self._append_once = self.redis.register_script(_APPEND_ONCE)
        self._read_owned = self.redis.register_script(_READ_OWNED)
        self._renew = self.redis.register_script(_RENEW)
        self._release = self.redis.register_script(_RELEASE)
        self._put_partial = self.redis.register_script(_PUT_PARTIAL)

    # -- keys ---------------------------------------------------------------------------------------------------
    def stream(self, partition: int) -> str:
        return f"{self.ns}stream:{partition}"

    def lease(self, partition: int) -> str:
        return f"{self.ns}lease:{partition}"

    # -- the log ------------------------------------------------------------------------------------------------
    def create_groups(self) -> None:
        """Create every partition's stream and consumer group (idempotent), and record the partition count.

        The count is part of the key → partition function: a log created with
        one count refuses producers and workers configured with another.
        """
        stored = self.redis.set(f"{self.ns}partitions", self.partitions, nx=True)
        if not stored:
            existing = int(self.redis.get(f"{self.ns}partitions") or 0)
            if existing != self.partitions:
                raise ValueError(
                    f"this log has {existing} partitions; start producers and workers with --partitions {existing}"
                )
        pipe = self.redis.pipeline(transaction=False)
        for p in range(self.partitions):
            pipe.xgroup_create(self.stream(p), GROUP, id=START, mkstream=True)
        for result in pipe.execute(raise_on_error=False):
            if isinstance(result, Exception) and "BUSYGROUP" not in str(result):
                raise result

    def append_once(self, events: Sequence[tuple[str, Sequence[tuple[int, Sequence[str]]]]], ttl_ms: int) -> list[bool]:
        """Append each event's ``(partition, values of ENTRY_FIELDS)`` entries unless its key was seen.

        Per event, one script marks the key seen (for ``ttl_ms``) and appends
        all its entries, atomically: a crash never leaves an event marked but
        missing, and a resent event is not counted twice. One round trip for
        the whole call; True for each event appended, False for a duplicate.
        """
        pipe = self.redis.pipeline(transaction=False)
        for key, entries in events:
            keys = [f"{self.ns}seen:{key}", *(self.stream(p) for p, _ in entries)]
            args = [ttl_ms, *(v for _, values in entries for v in values)]
            self._append_once(keys=keys, args=args, client=pipe)
        return [bool(r) for r in pipe.execute()]

    def read_owned(self, owner: str, partitions: Sequence[int], count: int) -> list[tuple[int, list[Entry]]]:
        """New entries of the partitions ``owner`` still holds the lease of (up to ``count`` each)."""
        if not partitions:
            return []
        streams = [self.stream(p) for p in partitions]
        by_stream = dict(zip(streams, partitions, strict=True))
        replies = self._read_owned(keys=[*streams, *(self.lease(p) for p in partitions)], args=[owner, count, GROUP])
        return [(by_stream[stream], [Entry(i, _pairs(fields)) for i, fields in items]) for stream, items in replies]

    def read_after(self, partition: int, after: str, until: str, count: int) -> list[Entry]:
        """Entries with ``after < id ≤ until`` (delivered or not, acknowledged or not): replay after a snapshot."""
        items = self.redis.xrange(self.stream(partition), min=f"({after}", max=until, count=count)
        return [Entry(i, fields) for i, fields in items]

    def delivered(self, partition: int) -> str:
        """The group's last delivered id on ``partition``: entries after it have never been read."""
        for group in self.redis.xinfo_groups(self.stream(partition)):
            if group["name"] == GROUP:
                return group["last-delivered-id"]
        raise LookupError(f"partition {partition} has no consumer group; run create_groups first")

    def pending_ids(self, partition: int, after: str, until: str) -> set[str]:
        """Delivered but unacknowledged entries of ``partition`` in ``(after, until]``."""
        found: set[str] = set()
        low = f"({after}"
        while True:
            page = self.redis.xpending_range(self.stream(partition), GROUP, min=low, max=until, count=1000)
            found.update(p["message_id"] for p in page)
            if len(page) < 1000:
                return found
            low = f"({page[-1]['message_id']}"

    def ack(self, acks: Mapping[int, Sequence[str]]) -> None:
        pipe = self.redis.pipeline(transaction=False)
        for partition, ids in acks.items():
            if ids:
                pipe.xack(self.stream(partition), GROUP, *ids)
        pipe.execute()

    def trim_before(self, partition: int, entry_id: str) -> None:
        """Drop entries older than ``entry_id`` (a snapshot covers them)."""
        self.redis.xtrim(self.stream(partition), minid=entry_id, approximate=False)

    def lag(self) -> dict[int, dict[str, int]]:
        """Per partition: entries in the stream, delivered-but-unacknowledged, and never delivered."""
        pipe = self.redis.pipeline(transaction=False)
        for p in range(self.partitions):
            pipe.xinfo_groups(self.stream(p))
            pipe.xlen(self.stream(p))
        replies = pipe.execute()
        out = {}
        for p in range(self.partitions):
            groups, length = replies[2 * p], replies[2 * p + 1]
            mine = next((g for g in groups if g["name"] == GROUP), None)
            out[p] = {
                "length": length,
                "pending": mine["pending"] if mine else 0,
                "waiting": (mine.get("lag") or 0) if mine else length,
            }
        return out

    # -- leases and heartbeats ------------------------------------------------------------------------------------
    def acquire(self, partition: int, owner: str, ttl_ms: int) -> bool:
        return bool(self.redis.set(self.lease(partition), owner, nx=True, px=ttl_ms))

    def renew(self, partitions: Sequence[int], owner: str, ttl_ms: int) -> list[int]:
        """Extend ``owner``'s leases; the partitions it still holds (a lapsed lease may be someone else's now)."""
        if not partitions:
            return []
        kept = self._renew(keys=[self.lease(p) for p in partitions], args=[owner, ttl_ms])
        return [partitions[i - 1] for i in kept]

    def release(self, partition: int, owner: str) -> None:
        self._release(keys=[self.lease(partition)], args=[owner])

    def owners(self) -> dict[int, str | None]:
        values = self.redis.mget([self.lease(p) for p in range(self.partitions)])
        return dict(enumerate(values))

    def heartbeat(self, owner: str, ttl_ms: int) -> int:
        """Say ``owner`` is alive; the number of live workers (heartbeat within ``ttl_ms``)."""
        now = int(time.time() * 1000)
        key = f"{self.ns}workers"
        pipe = self.redis.pipeline(transaction=False)
        pipe.zadd(key, {owner: now})
        pipe.zremrangebyscore(key, 0, now - ttl_ms)
        pipe.zcard(key)
        return int(pipe.execute()[-1])

    def leave(self, owner: str) -> None:
        self.redis.zrem(f"{self.ns}workers", owner)

    # -- partial results ------------------------------------------------------------------------------------------
    def put_partials(self, partials: Iterable[tuple[str, str, str, int]], ttl_ms: int) -> list[list[str] | None]:
        """Store ``(event key, group, payload, expected)`` partials; per partial, all payloads once complete.

        Writing a group's partial again (a replay) changes nothing; whoever
        completes a set — or completes it again — gets every payload back.
        """
        pipe = self.redis.pipeline(transaction=False)
        for event_key, group, payload, expected in partials:
            self._put_partial(
                keys=[f"{self.ns}partial:{event_key}"], args=[group, payload, expected, ttl_ms], client=pipe
            )
        return [r or None for r in pipe.execute()]

    def drop_partials(self, event_keys: Iterable[str]) -> None:
        keys = [f"{self.ns}partial:{k}" for k in event_keys]
        if keys:
            self.redis.delete(*keys)

    def reset(self) -> None:
        """Delete every key of this namespace (tests and benchmarks start from an empty log)."""
        for key in self.redis.scan_iter(match=f"{self.ns}*", count=1000):
            self.redis.delete(key)


def log_of(settings: Settings) -> RedisStreams:
    """The deployment's log, from ``ANXIN_REDIS_URL``, ``ANXIN_STREAM_PARTITIONS`` and ``ANXIN_STREAM_NAMESPACE``."""
    if not settings.redis_url:
        raise InvalidInput("set ANXIN_REDIS_URL (e.g. redis://127.0.0.1:6379/0) to use decision workers")
    return RedisStreams(settings.redis_url, settings.stream_partitions, namespace=settings.stream_namespace)


def _pairs(fields: list[str] | dict[str, str]) -> dict[str, str]:
    """Lua returns a stream entry's fields as a flat list ``[k1, v1, k2, v2, …]``."""
    if isinstance(fields, dict):
        return fields
    return dict(zip(fields[::2], fields[1::2], strict=True))
