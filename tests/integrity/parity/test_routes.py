"""One stream, every runner, identical decisions (issue 6): the pure engine, the interpreted oracle, the
bulk-import CLI, HTTP single events, HTTP batches, the shadow ruleset and the backtest.

The stream is the seeded demo marketplace (planted 高频下单 farms and a sales
spike) sorted by event time, so "arrival order" and "event-time order" are the
same stream for every runner, including the backtest.
"""

from __future__ import annotations

import json

import httpx
import pytest
from tests.conftest import serve
from typer.testing import CliRunner

from anxin.app import create_app
from anxin.cli import app as cli
from anxin.demo.marketplace import DEMO_RULES, generate
from anxin.integrity.backtest import backtest
from anxin.integrity.engine import EngineState, decide_all, decide_interpreted
from anxin.integrity.journal import Journal, event_from_json
from anxin.integrity.rules.language import compile_ruleset
from anxin.integrity.server.live import journal_path


@pytest.fixture(scope="module")
def stream():
    market = generate(seed=11, days=3, sessions_per_day=150, accounts=200, shops=8, hf_orders_each=25)
    return sorted(market.events, key=lambda e: (e.time_ms, e.id))


def journaled(path) -> dict[str, tuple[str, int]]:
    journal = Journal(path, readonly=True)
    try:
        return {r.event_id: (r.action, r.score) for r in journal.decisions(limit=1_000_000)}
    finally:
        journal.close()


def activate_demo_rules(client: httpx.Client, csrf: str) -> None:
    headers = {"X-CSRF-Token": csrf}
    saved = client.post("/api/rulesets", json={"source": DEMO_RULES, "reason": "parity"}, headers=headers).json()
    assert client.post(f"/api/rulesets/{saved['id']}/activate", headers=headers).status_code == 200
    assert client.post(f"/api/rulesets/{saved['id']}/shadow", headers=headers).status_code == 409  # live ≠ shadow


def test_every_runner_gives_identical_decisions(stream, settings, db, demo, login_as, tmp_path):
    rules = compile_ruleset(DEMO_RULES)
    engine = {d.event_id: (d.action, d.score) for d in decide_all(stream, EngineState(), rules)}
    assert sum(a != "allow" for a, _ in engine.values()) >= 10, "the planted cases must fire"
    state = EngineState()
    assert {e.id: (d.action, d.score) for e in stream for d in [decide_interpreted(e, state, rules)]} == engine

    risk, admin = login_as("risk"), login_as("admin")
    runners: dict[str, dict[str, tuple[str, int]]] = {}
    # HTTP single events, with a copy of the live rules in shadow (a shadow of the live version itself is refused).
    single = settings.model_copy(update={"data_dir": tmp_path / "single"})
    with serve(create_app(single), single) as server:
        with httpx.Client(base_url=server.url, cookies={"anxin_session": risk.cookie}) as r:
            activate_demo_rules(r, risk.csrf)
            twin = r.post(
                "/api/rulesets",
                json={"source": DEMO_RULES + "\n", "reason": "twin"},
                headers={"X-CSRF-Token": risk.csrf},
            ).json()
            assert r.post(f"/api/rulesets/{twin['id']}/shadow", headers={"X-CSRF-Token": risk.csrf}).status_code == 200
        with httpx.Client(base_url=server.url, cookies={"anxin_session": admin.cookie}) as a:
            for e in stream:
                answer = a.post("/api/events", json=e.to_dict(), headers={"X-CSRF-Token": admin.csrf})
                assert answer.status_code == 200, answer.text
    runners["http single"] = journaled(journal_path(single))
    journal = Journal(journal_path(single), readonly=True)
    shadow_counts, _ = journal.shadow_differences()
    journal.close()

    # HTTP batches of 97 (not a divisor of anything in the stream).
    batched = settings.model_copy(update={"data_dir": tmp_path / "batch"})
    with serve(create_app(batched), batched) as server:
        with httpx.Client(base_url=server.url, cookies={"anxin_session": risk.cookie}) as r:
            activate_demo_rules(r, risk.csrf)
        with httpx.Client(base_url=server.url, cookies={"anxin_session": admin.cookie}, timeout=60) as a:
            for start in range(0, len(stream), 97):
                chunk = [e.to_dict() for e in stream[start : start + 97]]
                sent = a.post("/api/events/batch", json={"events": chunk}, headers={"X-CSRF-Token": admin.csrf})
                assert sent.status_code == 200 and sent.json()["rejected"] == 0
    runners["http batch"] = journaled(journal_path(batched))

    # Bulk import through the CLI (direct to the journal, no server), from a JSONL file.
    bulk = settings.model_copy(update={"data_dir": tmp_path / "bulk"})
    source = tmp_path / "stream.jsonl"
    source.write_text("\n".join(json.dumps(e.to_dict(), ensure_ascii=False) for e in stream), encoding="utf-8")
    env = {"ANXIN_DATABASE_URL": settings.resolved_database_url, "ANXIN_DATA_DIR": str(bulk.data_dir)}
    result = CliRunner().invoke(cli, ["events", "import", str(source), "--batch", "333", "--json"], env=env)
    assert result.exit_code == 0, result.output
    runners["bulk import"] = journaled(journal_path(bulk))

    # Backtest over the batch runner's journal.
    journal = Journal(journal_path(batched), readonly=True)
    rows = [(event_from_json(t), live) for t, live in journal.events_in_time_order()]
    journal.close()
    runners["backtest"] = backtest(rows, rules, keep_decisions=True).decisions or {}

    for name, decisions in runners.items():
        assert decisions == engine, f"{name} differs from the engine"
    # The shadow twin decided every event exactly like the live ruleset.
    assert set(shadow_counts) <= {("allow", "allow"), ("review", "review"), ("block", "block")}
    assert sum(shadow_counts.values()) == len(stream)
