"""The HTTP API in a worker deployment: events answered ``202 queued``, decided by a worker, read back over HTTP.

A real uvicorn server with ``ANXIN_DECISIONS=workers`` (no journal) takes
events; a real ``anxin worker`` process decides them; ``GET /api/decisions``
returns what the single-process engine decides for the same stream.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time

from tests.conftest import serve
from tests.integrity.streams.test_cli import ANXIN

from anxin.app import create_app
from anxin.integrity.engine import EngineState, decide_all
from anxin.integrity.events.schema import parse_event
from anxin.integrity.rules import service as rules

RULES = """
rule device_burst when type == "order_placed" and count(order_placed, by=device, window=10m) > 2
  then block score 70 reason "orders from one device"
"""


def test_events_are_queued_then_decided_by_a_worker(settings, db, demo, principal, redis_url, namespace):
    analyst = principal("risk")
    version = rules.save_version(db, source=RULES, reason="workers over HTTP", author=analyst)
    rules.activate(db, version.id, actor=analyst)
    db.commit()
    workers_settings = settings.model_copy(
        update={"decisions": "workers", "redis_url": redis_url, "stream_namespace": namespace, "stream_partitions": 4}
    )
    raw = [
        {"id": f"o-{i}", "time": 1767225600000 + i * 1000, "tenant": "demo-mall", "type": "order_placed",
         "actor": f"acct-{i % 3}", "attributes": {"device": "dev-9", "amount": 100 + i}}
        for i in range(5)
    ]  # fmt: skip
    headers = {"Authorization": f"Bearer {demo.integrator_key}"}
    with serve(create_app(workers_settings), workers_settings) as server, server.client(headers=headers) as http:
        one = http.post("/api/events", json=raw[0])
        assert one.status_code == 202, one.text
        assert one.json() == {"event_id": "o-0", "status": "queued", "duplicate": False}
        batch = http.post("/api/events/batch", json={"events": [raw[0], *raw[1:], {"id": "bad"}]})
        assert batch.status_code == 202, batch.text
        body = batch.json()
        assert (body["accepted"], body["duplicates"], body["rejected"]) == (4, 1, 1)
        assert http.get("/api/decisions/demo-mall/o-4").status_code == 404  # nobody has decided it yet

        env = {**os.environ, "ANXIN_DATABASE_URL": settings.resolved_database_url, "ANXIN_REDIS_URL": redis_url,
               "ANXIN_STREAM_NAMESPACE": namespace, "ANXIN_STREAM_PARTITIONS": "4",
               "ANXIN_DATA_DIR": str(settings.data_dir)}  # fmt: skip
        worker = subprocess.Popen([ANXIN, "worker", "run", "--name", "w1"], env=env, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 120
            while http.get("/api/decisions/demo-mall/o-4").status_code != 200 and time.monotonic() < deadline:
                time.sleep(0.2)
            got = {e["id"]: http.get(f"/api/decisions/demo-mall/{e['id']}").json() for e in raw}
            listed = http.get("/api/decisions", params={"action": "block"}).json()
        finally:
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(timeout=60) == 0, worker.stderr.read()
    expected = {
        d.event_id: d for d in decide_all([parse_event(e) for e in raw], EngineState(), rules.compiled(db, version))
    }
    assert {k: (v["action"], v["score"]) for k, v in got.items()} == {
        k: (d.action, d.score) for k, d in expected.items()
    }
    assert got["o-4"]["fired"][0]["values"] == {"count(order_placed, by=device, window=10m)": 5}
    assert sorted(r["event_id"] for r in listed) == ["o-2", "o-3", "o-4"]
