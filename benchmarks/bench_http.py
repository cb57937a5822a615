"""HTTP ingestion: latency at a fixed 2,000 events/s, and saturation for single events and batches.

DESIGN figures: single events sent at a fixed 2,000/s with p99 ≤ 20 ms
measured from each request's *scheduled* send time (so queueing behind a slow
response counts: no coordinated omission); saturation ≥ 5k requests/s single
and ≥ 30k events/s batched.

A real ``anxin serve`` process (one Uvicorn worker, SQLite, the journal with
``synchronous=FULL``, 50 rules live) is measured from this process over
loopback with a small asyncio HTTP/1.1 client on keep-alive connections,
authenticated with the demo integrator's API key. Both share this 2-core
machine, so the client's own CPU is part of every figure.

Baseline, same server, same client: ``GET /api/health`` at saturation — the
floor the framework, the middleware and the client set before any event work.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import tempfile
import time
from pathlib import Path

from anxin.auth import service as auth
from anxin.benchmarking import BenchResult
from anxin.cli.serve import free_port, spawn
from anxin.config import Settings
from anxin.demo.accounts import create_demo_accounts
from anxin.demo.marketplace import generate, synthetic_rules
from anxin.integrity.rules import service as rules
from anxin.store.db import make_engine, make_sessionmaker, unit_of_work
from anxin.store.migrate import upgrade

NAME = "http"
DESCRIPTION = "HTTP ingestion: p99 at a fixed 2,000 events/s, saturation single and batched, vs GET /health"
RATE = 2_000
CONNECTIONS = 32
BATCH = 500


class Connection:
    """One keep-alive HTTP/1.1 connection that sends prepared requests and reads whole responses."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        return cls(*await asyncio.open_connection("127.0.0.1", port))

    async def request(self, raw: bytes) -> int:
        self.writer.write(raw)
        status_line = await self.reader.readline()
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        await self.reader.readexactly(length)
        return int(status_line.split(b" ", 2)[1])

    def close(self) -> None:
        self.writer.close()


def prepared(method: str, path: str, body: bytes | None, api_key: str) -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {api_key}\r\n"
    if body is None:
        return (head + "\r\n").encode()
    return (head + f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body


async def fixed_rate(port: int, requests: list[bytes], rate: int) -> tuple[list[float], int]:
    """Send ``requests`` at ``rate``/s; latency of each from its scheduled time (ms), and non-200 count."""
    pool: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(CONNECTIONS):
        pool.put_nowait(await Connection.open(port))
    latencies: list[float] = []
    errors = 0
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05

    async def one(scheduled: float, raw: bytes) -> None:
        nonlocal errors
        conn = await pool.get()
        status = await conn.request(raw)
        latencies.append((loop.time() - scheduled) * 1000)
        errors += status != 200
        pool.put_nowait(conn)

    # Each request's task is started at its scheduled time rather than all of them up front: creating
    # 20,000 sleeping tasks at once cost the client ~0.2 s of CPU right at the start, which made the first
    # few hundred requests late before any reached the server. Lateness still counts from the schedule.
    tasks = []
    for i, raw in enumerate(requests):
        scheduled = start + i / rate
        delay = scheduled - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(scheduled, raw)))
    await asyncio.gather(*tasks)
    while not pool.empty():
        pool.get_nowait().close()
    return latencies, errors


async def saturate(port: int, requests: list[bytes], connections: int) -> tuple[float, int]:
    """Closed loop: each connection sends its share back to back; returns requests/s and non-200 count."""
    conns = [await Connection.open(port) for _ in range(connections)]
    errors = 0

    async def drive(conn: Connection, mine: list[bytes]) -> None:
        nonlocal errors
        for raw in mine:
            errors += await conn.request(raw) != 200

    t0 = time.perf_counter()
    await asyncio.gather(*(drive(c, requests[k::connections]) for k, c in enumerate(conns)))
    elapsed = time.perf_counter() - t0
    for c in conns:
        c.close()
    return len(requests) / elapsed, errors


def _prepare_server(folder: Path) -> tuple[dict[str, str], str]:
    settings = Settings(data_dir=folder)
    upgrade(settings.resolved_database_url)
    engine = make_engine(settings.resolved_database_url)
    with unit_of_work(make_sessionmaker(engine)) as session:
        accounts = create_demo_accounts(session)
        analyst = auth.principal_of(auth.get_user_by_username(session, username="risk"))
        rules.add_entries(session, list_name="ip_allow", values=["10.1.2.3", "10.9.9.9"], reason="bench", actor=analyst)
        version = rules.save_version(session, source=synthetic_rules(50, seed=0), reason="bench", author=analyst)
        rules.activate(session, version.id, actor=analyst)
    engine.dispose()
    env = {**os.environ, "ANXIN_DATA_DIR": str(folder), "ANXIN_LOG_LEVEL": "WARNING"}
    return env, accounts.integrator_key


def run(quick: bool = False) -> BenchResult:
    seconds = 3 if quick else 10
    market = generate(seed=2, days=4, sessions_per_day=2_000 if quick else 6_000, accounts=20_000, shops=200)
    bodies = [json.dumps(e.to_dict(), ensure_ascii=False).encode() for e in market.events]
    with tempfile.TemporaryDirectory() as tmp:
        env, key = _prepare_server(Path(tmp))
        port = free_port()
        server = spawn(env, port)
        # The prepared requests and the generated market are millions of objects; a full collection of them
        # in this client stalled every request in flight for ~300 ms at the same point of each run. Like the
        # server (``fast_ingest``), the client freezes its start-up heap so the collector skips it.
        gc.collect()
        gc.freeze()
        try:
            singles = [prepared("POST", "/api/events", b, key) for b in bodies]
            fixed_n = RATE * seconds
            latencies, fixed_errors = asyncio.run(fixed_rate(port, singles[:fixed_n], RATE))
            rest = singles[fixed_n:]
            single_rps, single_errors = asyncio.run(
                saturate(port, rest[: min(len(rest), 4_000 * seconds)], CONNECTIONS)
            )
            used = fixed_n + min(len(rest), 4_000 * seconds)
            batches = [
                prepared("POST", "/api/events/batch", b'{"events":[' + b",".join(bodies[i : i + BATCH]) + b"]}", key)
                for i in range(used, len(bodies) - BATCH + 1, BATCH)
            ]
            batch_rps, batch_errors = asyncio.run(saturate(port, batches, 4))
            health = [prepared("GET", "/api/health", None, key)] * (3_000 * seconds)
            health_rps, _ = asyncio.run(saturate(port, health, CONNECTIONS))
        finally:
            gc.unfreeze()
            server.terminate()
            server.wait(timeout=30)
    latencies.sort()
    p50, p99 = latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99)]
    return BenchResult(
        NAME,
        figures={
            "p99_ms": round(p99, 1),
            "requests_per_s": round(single_rps),
            "events_per_s": round(batch_rps * BATCH),
        },
        baseline={"requests_per_s": round(health_rps)},
        rows=[
            (
                f"POST /api/events at a fixed {RATE:,}/s",
                fixed_n,
                f"{RATE:,}",
                round(p50, 1),
                round(p99, 1),
                fixed_errors,
            ),
            ("POST /api/events, saturated", used - fixed_n, round(single_rps), "—", "—", single_errors),
            (
                f"POST /api/events/batch ({BATCH} events), saturated",
                len(batches) * BATCH,
                round(batch_rps * BATCH),
                "—",
                "—",
                batch_errors,
            ),
            ("GET /api/health, saturated (baseline)", len(health), round(health_rps), "—", "—", 0),
        ],
        columns=("load", "events", "events/s", "p50 ms", "p99 ms", "errors"),
        notes=[
            "one Uvicorn worker, SQLite + journal (synchronous=FULL), 50 rules; client and server share 2 cores",
            "targets: p99 ≤ 20 ms at 2,000/s; ≥ 5k requests/s single; ≥ 30k events/s batched",
        ],
    )
