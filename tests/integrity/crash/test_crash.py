"""Kill -9 the server 20 times under sustained load: every acknowledged event survives, decided exactly once.

A real ``anxin serve`` process takes batches from a loader thread; at a random
moment it is killed with SIGKILL and started again on the same database and
journal. Afterwards every event the server acknowledged is in the journal once
(``UNIQUE(tenant, event_id)``), re-sending all of them answers each as a
duplicate with its first decision, and the journal holds nothing twice.

The file name keeps it out of the PostgreSQL pass (``-m "db or http"``): what it
tests is the journal file, which is the same whichever database the app uses,
and twenty server restarts are the suite's slowest minute.
"""

from __future__ import annotations

import os
import random
import signal
import threading
import time

import httpx

from anxin.cli.serve import free_port, spawn
from anxin.integrity.journal import Journal
from anxin.integrity.server.live import journal_path

KILLS = 20
BATCH = 50
T0 = 1767225600000


def batch(n: int) -> list[dict]:
    return [
        {
            "id": f"e-{n}-{i}",
            "time": T0 + n * 1000 + i,
            "tenant": "crash-test",
            "type": "order_placed",
            "actor": f"acct-{(n * BATCH + i) % 97}",
            "attributes": {"device": f"dev-{i % 5}", "shop": "shop-1", "amount": 100 + i},
        }
        for i in range(BATCH)
    ]


def test_kill_9_twenty_times_loses_no_acknowledged_event(settings, db, demo, login_as):
    admin = login_as("admin")
    env = {
        **os.environ,
        "ANXIN_DATABASE_URL": settings.resolved_database_url,
        "ANXIN_DATA_DIR": str(settings.data_dir),
        "ANXIN_KEY_FILE": str(settings.resolved_key_file),
    }
    port = free_port()
    acknowledged: dict[str, str] = {}  # event id -> action the server answered
    sent_batches = 0
    rng = random.Random(6)
    for _kill in range(KILLS):
        server = spawn(env, port)
        stop = threading.Event()

        def load(stop: threading.Event) -> None:
            nonlocal sent_batches
            with httpx.Client(
                base_url=f"http://127.0.0.1:{port}", cookies={"anxin_session": admin.cookie}, timeout=5
            ) as client:
                while not stop.is_set():
                    n = sent_batches
                    sent_batches += 1
                    try:
                        answer = client.post(
                            "/api/events/batch", json={"events": batch(n)}, headers={"X-CSRF-Token": admin.csrf}
                        )
                    except httpx.HTTPError:
                        return  # the server died mid-request: this batch was not acknowledged
                    if answer.status_code == 200:
                        for r in answer.json()["results"]:
                            acknowledged[r["event_id"]] = r["action"]

        loader = threading.Thread(target=load, args=(stop,))
        loader.start()
        time.sleep(rng.uniform(0.2, 0.8))
        server.send_signal(signal.SIGKILL)
        server.wait()
        stop.set()
        loader.join()
    assert len(acknowledged) > KILLS * BATCH, "the load must keep the server busy"
    print(f"{len(acknowledged):,} events acknowledged across {KILLS} kills")

    journal = Journal(journal_path(settings), readonly=True)
    stored = {r.event_id: r.action for r in journal.decisions(limit=10_000_000)}
    count = journal.count()
    journal.close()
    missing = [e for e in acknowledged if e not in stored]
    assert not missing, f"{len(missing)} acknowledged events lost, e.g. {missing[:3]}"
    assert count == len(stored)  # nothing journaled twice
    assert all(stored[e] == action for e, action in acknowledged.items())

    server = spawn(env, port)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", cookies={"anxin_session": admin.cookie}) as client:
            for n in range(0, sent_batches, 7):
                answer = client.post(
                    "/api/events/batch", json={"events": batch(n)}, headers={"X-CSRF-Token": admin.csrf}
                )
                for r in answer.json()["results"]:
                    if r["event_id"] in acknowledged:
                        assert r["duplicate"] is True and r["action"] == acknowledged[r["event_id"]]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
