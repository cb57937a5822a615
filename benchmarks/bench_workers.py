"""Decision workers: events/s with 1, 2 and 4 ``anxin worker`` processes, and p99 from enqueue to decision.

Issue 10 figure: throughput with 1, 2 and 4 workers on this machine, the
p99 from enqueue to committed decision, and the single-process engine in
the same run as the baseline.

Set-up, all real: PostgreSQL (``ANXIN_BENCH_DATABASE_URL``, else the local
server on 127.0.0.1:5432 if it answers — a fresh database is made — else a
SQLite file), Redis (``ANXIN_REDIS_URL``, else 127.0.0.1:6379 if it answers,
else a ``redis-server`` started on a free port), the demo marketplace's
events and 50 synthetic rules over seven key fields (so an event visits up
to seven partitions), 16 partitions.

- Throughput: N worker processes start and spread over the partitions, then
  the stream is enqueued as fast as one producer can (faster than the
  workers decide); events/s = events ÷ (last − first decision commit).
- Latency: with 2 workers running, events are sent in batches of 100 at a
  fixed rate; p50/p99 of decision commit time − enqueue time.
- Baselines: the single-process durable runtime (journal group commits, the
  default deployment) and the pure engine in memory, same events and rules.
"""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import redis
from sqlalchemy import create_engine, func, select, text

from anxin.auth import service as auth
from anxin.auth.permissions import Role
from anxin.benchmarking import BenchResult
from anxin.cli.serve import free_port
from anxin.demo.marketplace import generate, synthetic_rules
from anxin.integrity.engine import EngineState, decide_all
from anxin.integrity.journal import DecisionRuntime
from anxin.integrity.rules import service as rules
from anxin.integrity.streams.log import RedisStreams
from anxin.integrity.streams.models import StreamDecision
from anxin.integrity.streams.plan import StreamPlan
from anxin.integrity.streams.producer import StreamProducer
from anxin.store.db import make_engine, make_sessionmaker, unit_of_work
from anxin.store.migrate import upgrade

NAME = "workers"
DESCRIPTION = "decision workers over Redis Streams: events/s with 1, 2, 4 workers, p99 enqueue→decision"
PARTITIONS = 16
WORKER_COUNTS = (1, 2, 4)
PACED_RATE = 1_000  # events/s offered in the latency run
ANXIN = str(Path(sys.executable).parent / "anxin")


def _answers_pg(url: str) -> bool:
    try:
        create_engine(url).connect().close()
        return True
    except Exception:
        return False


def _database(tmp: Path) -> str:
    """A fresh PostgreSQL database when a server answers, else a SQLite file."""
    given = os.environ.get("ANXIN_BENCH_DATABASE_URL")
    if given:
        return given
    server = "postgresql+psycopg://postgres@127.0.0.1:5432"
    if _answers_pg(f"{server}/postgres"):
        name = f"anxin_bench_{uuid.uuid4().hex[:8]}"
        with create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT").connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        return f"{server}/{name}"
    return f"sqlite:///{tmp / 'bench.db'}"


def _drop(url: str) -> None:
    if url.startswith("postgresql") and "anxin_bench_" in url:
        server, name = url.rsplit("/", 1)
        with create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT").connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _redis(tmp: Path) -> tuple[str, subprocess.Popen | None]:
    for url in filter(None, (os.environ.get("ANXIN_REDIS_URL"), "redis://127.0.0.1:6379/0")):
        try:
            redis.Redis.from_url(url).ping()
            return url, None
        except redis.ConnectionError:
            continue
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(tmp), "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(200):
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    return url, server


def _redis_cpu_s(url: str) -> float:
    info = redis.Redis.from_url(url).info("cpu")
    return float(info["used_cpu_sys"]) + float(info["used_cpu_user"])


def _cpu_s(pids: list[int] | None = None, command: str | None = None) -> float | None:
    """CPU seconds so far of the given processes, or of every local process named ``command`` (None if none)."""
    total, found = 0.0, False
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if pids is not None and int(stat.parent.name) not in pids:
                continue
            head, rest = stat.read_text().rsplit(")", 1)
            if command is not None and not head.endswith(f"({command}"):
                continue
            fields = rest.split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            found = True
        except (OSError, ValueError, IndexError):
            continue
    return total if found else None


class _Deployment:
    """One namespace of the log, N worker processes, and the decisions they wrote."""

    def __init__(self, db_url: str, redis_url: str, env: dict[str, str]):
        self.db_url, self.redis_url, self.base_env = db_url, redis_url, env
        self.engine = make_engine(db_url)

    def fresh(self, ruleset) -> StreamProducer:
        self.namespace = f"bench{uuid.uuid4().hex[:8]}"
        self.env = {**self.base_env, "ANXIN_STREAM_NAMESPACE": self.namespace}
        log = RedisStreams(self.redis_url, PARTITIONS, namespace=self.namespace)
        log.create_groups()
        with self.engine.begin() as c:
            c.execute(StreamDecision.__table__.delete())
        return StreamProducer(log, StreamPlan(ruleset, PARTITIONS))

    def start(self, n: int) -> list[subprocess.Popen]:
        return [
            subprocess.Popen([ANXIN, "worker", "run", "--name", f"w{i}"], env=self.env, stderr=subprocess.DEVNULL)
            for i in range(n)
        ]

    def wait_spread(self, n: int, timeout_s: float = 300) -> None:
        """Until every partition has an owner and all ``n`` workers own some (the fair share has settled)."""
        log = RedisStreams(self.redis_url, PARTITIONS, namespace=self.namespace)
        deadline = time.monotonic() + timeout_s
        while True:
            owners = log.owners().values()
            if None not in owners and len(set(owners)) == n:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"{n} workers did not spread over the partitions in {timeout_s} s")
            time.sleep(0.2)

    def wait_for(self, count: int, timeout_s: float = 1_800) -> None:
        deadline = time.monotonic() + timeout_s
        while self.decided() < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"only {self.decided()} of {count} decided in {timeout_s} s")
            time.sleep(0.2)

    def decided(self) -> int:
        with self.engine.connect() as c:
            return c.execute(select(func.count()).select_from(StreamDecision)).scalar_one()

    def times(self) -> tuple[np.ndarray, np.ndarray]:
        with self.engine.connect() as c:
            rows = c.execute(select(StreamDecision.enqueued_ms, StreamDecision.decided_ms)).all()
        return np.array([r[0] for r in rows]), np.array([r[1] for r in rows])

    @staticmethod
    def stop(workers: list[subprocess.Popen]) -> None:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        for w in workers:
            w.wait(timeout=120)


def _store_ruleset(db_url: str, source: str):
    with unit_of_work(make_sessionmaker(make_engine(db_url))) as session:
        user = auth.create_user(session, username="bench-risk", password="bench-risk-pass-1", role=Role.risk_analyst)
        author = auth.principal_of(user)
        rules.add_entries(session, list_name="ip_allow", values=["10.0.0.1"], reason="office", actor=author)
        version = rules.save_version(session, source=source, reason="bench", author=author)
        rules.activate(session, version.id, actor=author)
        return rules.compiled(session, version)


def _growth(cpu: dict[str, float | None], measured: float) -> list[str]:
    """How throughput grows with machines, from the CPU each part spent per event in the 1-worker run.

    Workers scale with cores (partitions are independent); one Redis instance is one core; PostgreSQL scales
    with its cores until its disk. The bound is the smallest of the three; the 1-worker run's CPU includes
    producer-side Redis work (the appends), which a real deployment also pays.
    """
    worker, redis_cpu, postgres = cpu.get("worker"), cpu.get("redis"), cpu.get("postgres")
    if not worker:
        return []
    lines = [
        f"CPU per event, 1-worker run: worker {worker * 1e6:,.0f} µs"
        + (f", Redis {redis_cpu * 1e6:,.0f} µs" if redis_cpu else "")
        + (f", PostgreSQL {postgres * 1e6:,.0f} µs" if postgres else "")
    ]
    bounds = [f"workers ≈ {1 / worker:,.0f} events/s per core (16 cores: {16 / worker:,.0f})"]
    if redis_cpu:
        bounds.append(f"one Redis core ≈ {1 / redis_cpu:,.0f} events/s")
    if postgres:
        bounds.append(f"PostgreSQL ≈ {1 / postgres:,.0f} events/s per core")
    lines.append(
        "ceilings by arithmetic: " + "; ".join(bounds) + f" (measured here on 2 shared cores: {measured:,.0f})"
    )
    return lines


def run(quick: bool = False) -> BenchResult:
    market = generate(seed=0, days=3, sessions_per_day=700 if quick else 3_000, accounts=20_000, shops=200)
    events = market.events
    source = synthetic_rules(50, seed=0)
    rows, figures, notes = [], {}, []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        db_url = _database(tmp)
        redis_url, own_redis = _redis(tmp)
        try:
            upgrade(db_url)
            ruleset = _store_ruleset(db_url, source)
            env = {**os.environ, "ANXIN_DATABASE_URL": db_url, "ANXIN_REDIS_URL": redis_url,
                   "ANXIN_STREAM_PARTITIONS": str(PARTITIONS), "ANXIN_DATA_DIR": str(tmp / "var")}  # fmt: skip
            deployment = _Deployment(db_url, redis_url, env)
            entries = sum(len(StreamPlan(ruleset, PARTITIONS).routes(e)) for e in events)
            cpu: dict[str, float | None] = {}
            for n in WORKER_COUNTS:
                producer = deployment.fresh(ruleset)
                workers = deployment.start(n)
                deployment.wait_spread(n)
                pids = [w.pid for w in workers]
                before = (_cpu_s(pids), _redis_cpu_s(redis_url), _cpu_s(command="postgres"))
                t0 = time.perf_counter()
                for start in range(0, len(events), 1_000):
                    producer.send(events[start : start + 1_000])
                enqueue_eps = len(events) / (time.perf_counter() - t0)
                deployment.wait_for(len(events))
                if n == 1:  # CPU per event of each part, for the arithmetic of growing with machines
                    after = (_cpu_s(pids), _redis_cpu_s(redis_url), _cpu_s(command="postgres"))
                    for part, b, a in zip(("worker", "redis", "postgres"), before, after, strict=True):
                        cpu[part] = None if a is None or b is None else (a - b) / len(events)
                deployment.stop(workers)
                _, decided = deployment.times()
                eps = len(events) / max((decided.max() - decided.min()) / 1000, 1e-3)
                figures[f"events_per_s_{n}_workers"] = round(eps)
                rows.append(
                    (f"{n} worker{'s' if n > 1 else ''}", len(events), round(eps), round(enqueue_eps), "—", "—")
                )
            producer = deployment.fresh(ruleset)
            workers = deployment.start(2)
            paced = events[: PACED_RATE * (10 if quick else 30)]
            deployment.wait_spread(2)
            t0 = time.perf_counter()
            for k, start in enumerate(range(0, len(paced), 100)):
                delay = t0 + k * 100 / PACED_RATE - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                producer.send(paced[start : start + 100])
            deployment.wait_for(len(paced))
            deployment.stop(workers)
            enqueued, decided = deployment.times()
            latency = decided - enqueued
            p50, p99 = float(np.percentile(latency, 50)), float(np.percentile(latency, 99))
            figures["p99_ms"], figures["p50_ms"] = round(p99, 1), round(p50, 1)
            rows.append((f"2 workers at {PACED_RATE:,} events/s", len(paced), "—", "—", round(p50, 1), round(p99, 1)))
            gc.collect()
            runtime = DecisionRuntime(tmp / "journal.sqlite3", ruleset)
            runtime.start()
            t0 = time.perf_counter()
            for start in range(0, len(events), 1_000):
                runtime.decide(events[start : start + 1_000], "bench")
            single_eps = len(events) / (time.perf_counter() - t0)
            runtime.close()
            t0 = time.perf_counter()
            for _ in decide_all(events, EngineState(), ruleset):
                pass
            memory_eps = len(events) / (time.perf_counter() - t0)
            rows.append(("single process, journal (baseline)", len(events), round(single_eps), "—", "—", "—"))
            rows.append(("single process, engine in memory", len(events), round(memory_eps), "—", "—", "—"))
            deployment.engine.dispose()
        finally:
            if own_redis is not None:
                own_redis.terminate()
            _drop(db_url)
    base = round(single_eps)
    figures["events_per_s"] = figures[f"events_per_s_{WORKER_COUNTS[-1]}_workers"]
    database = "PostgreSQL" if db_url.startswith("postgresql") else "SQLite"
    notes += [
        f"{len(events):,} events became {entries:,} log entries ({entries / len(events):.1f} per event) "
        f"over {PARTITIONS} partitions; 50 rules; database {database}",
        f"this machine has {os.cpu_count()} cores: workers beyond that share them with Redis and the database",
        "events/s = events ÷ (last − first decision commit); the producer enqueues faster than the workers decide",
    ]
    notes += _growth(cpu, figures[f"events_per_s_{WORKER_COUNTS[-1]}_workers"])
    return BenchResult(
        NAME,
        figures=figures,
        baseline={"events_per_s": base, "events_per_s_in_memory": round(memory_eps)},
        rows=rows,
        columns=("runner", "events", "decided/s", "enqueued/s", "p50 ms", "p99 ms"),
        notes=notes,
    )
