"""Real ``anxin worker`` processes on a real Redis and the test's database: kill one mid-stream, lose nothing.

Three workers share 8 partitions; events keep arriving in batches while one
worker is killed with SIGKILL (no clean hand-back: its leases lapse, the
others restore its partitions' snapshots and replay the log). Afterwards
every event is decided exactly once and every decision — action, score and
the feature values each fired rule read — equals the single-process engine's
on the same stream. Runs on SQLite and again on PostgreSQL.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from anxin.integrity.engine import EngineState, decide_all
from anxin.integrity.events.schema import Event
from anxin.integrity.journal.codec import fired_json
from anxin.integrity.rules import service as rules
from anxin.integrity.streams.log import RedisStreams
from anxin.integrity.streams.models import StreamDecision
from anxin.integrity.streams.plan import StreamPlan
from anxin.integrity.streams.producer import StreamProducer

ANXIN = str(Path(sys.executable).parent / "anxin")
PARTITIONS = 8
EVENTS = 4_000
BATCH = 200
T0 = 1767225600000
RULES = """
rule device_burst when type == "order_placed" and count(order_placed, by=device, window=10m) > 3
  then block score 70 reason "orders from one device"
rule ip_many_accounts when type == "order_placed" and distinct(order_placed, actor, by=ip, window=1h) > 4
  then review score 20 reason "many accounts on one IP"
rule big_spender when sum(order_placed, amount, by=actor, window=1d) > 3000 then review score 15
rule busy_login when type == "login" and count(order_placed, by=actor, window=1h) > 5 then review score 10
"""


def stream_of_events() -> list[Event]:
    rng = random.Random(10)
    out = []
    for i in range(EVENTS):
        kind = rng.choice(["order_placed", "order_placed", "login"])
        attrs = {
            "device": f"d{rng.randrange(60)}",
            "ip": f"10.0.0.{rng.randrange(40)}",
            "amount": rng.randrange(50, 900),
        }
        out.append(Event(f"e{i}", T0 + i * 700 + rng.randrange(-5_000, 5_000), "shop-t", kind, f"a{rng.randrange(150)}",
                         attrs=attrs if kind == "order_placed" else {"device": attrs["device"]}))  # fmt: skip
    return out


def start_worker(env: dict[str, str], name: str) -> subprocess.Popen:
    return subprocess.Popen(
        [ANXIN, "worker", "run", "--name", name, "--lease-ms", "1000", "--snapshot-every", "150", "--batch", "100"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def decided(db) -> dict[str, tuple[str, int, str]]:
    db.rollback()  # see what the workers committed since
    rows = db.execute(
        select(StreamDecision.event_id, StreamDecision.action, StreamDecision.score, StreamDecision.fired)
    )
    return {r.event_id: (r.action, r.score, r.fired) for r in rows}


def deciders(db) -> set[str]:
    db.rollback()
    return set(db.scalars(select(StreamDecision.worker).distinct()))


def test_killing_a_worker_mid_stream_loses_nothing_and_decides_each_event_once(
    settings, db, demo, principal, redis_url, namespace
):
    analyst = principal("risk")
    version = rules.save_version(db, source=RULES, reason="stream test", author=analyst)
    rules.activate(db, version.id, actor=analyst)
    db.commit()
    ruleset = rules.compiled(db, version)
    env = {
        **os.environ,
        "ANXIN_DATABASE_URL": settings.resolved_database_url,
        "ANXIN_DATA_DIR": str(settings.data_dir),
        "ANXIN_REDIS_URL": redis_url,
        "ANXIN_STREAM_NAMESPACE": namespace,
        "ANXIN_STREAM_PARTITIONS": str(PARTITIONS),
    }
    log = RedisStreams(redis_url, PARTITIONS, namespace=namespace)
    log.create_groups()
    producer = StreamProducer(log, StreamPlan(ruleset, PARTITIONS))
    events = stream_of_events()
    workers = {name: start_worker(env, name) for name in ("w1", "w2", "w3")}
    victim = workers["w2"]
    try:
        for n, start in enumerate(range(0, EVENTS, BATCH)):
            sent = producer.send(events[start : start + BATCH])
            assert not any(e.duplicate for e in sent)
            if n == EVENTS // BATCH // 3:
                deadline = time.monotonic() + 60  # kill it once it has decided something
                while "w2" not in deciders(db) and time.monotonic() < deadline:
                    time.sleep(0.1)
                victim.send_signal(signal.SIGKILL)
            time.sleep(0.05)
        assert [e.duplicate for e in producer.send(events[:50])] == [True] * 50  # a resend is not counted twice
        deadline = time.monotonic() + 180
        while len(got := decided(db)) < EVENTS and time.monotonic() < deadline:
            time.sleep(0.25)
    finally:
        for process in workers.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        errors = {name: process.communicate(timeout=60)[1] for name, process in workers.items()}
    assert victim.returncode == -signal.SIGKILL
    for name in ("w1", "w3"):
        assert workers[name].returncode == 0, errors[name]
    expected = {d.event_id: (d.action, d.score, fired_json(d)) for d in decide_all(events, EngineState(), ruleset)}
    assert len(got) == EVENTS
    assert deciders(db) == {"w1", "w2", "w3"}  # the victim had partitions; the others decided the rest
    assert got == expected
    assert sum(a != "allow" for a, _, _ in expected.values()) > EVENTS // 20  # the rules do fire on this stream

    status = subprocess.run([ANXIN, "worker", "status", "--json"], env=env, capture_output=True, text=True, timeout=300)
    assert status.returncode == 0, status.stderr
    report = json.loads(status.stdout)
    assert sum(p["pending"] + p["waiting"] for p in report["partitions"]) == 0
    assert sum(report["decisions"].values()) == EVENTS
