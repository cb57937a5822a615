"""The integrity engine over real HTTP: rules saved and activated, events decided once, batches, lists, shadow."""

from __future__ import annotations

import time

import numpy as np
from sqlalchemy import select

from anxin.audit.models import AuditEntry
from anxin.demo.integrity import ring_events
from anxin.demo.marketplace import DEMO_RULES
from anxin.integrity.scorer import service as scorer
from anxin.integrity.scorer.tables import Tables

T0 = 1767225600000


def order(i: int, *, device: str = "dev-1", tenant: str = "demo-mall", amount: int = 9900) -> dict:
    return {
        "id": f"o-{i}",
        "time": T0 + i * 1000,
        "tenant": tenant,
        "type": "order_placed",
        "actor": f"acct-{i % 3}",
        "attributes": {"device": device, "shop": "shop-1", "amount": amount},
    }


def activate(client, csrf: str, source: str, reason: str = "test") -> dict:
    saved = client.post("/api/rulesets", json={"source": source, "reason": reason}, headers={"X-CSRF-Token": csrf})
    assert saved.status_code == 201, saved.text
    live = client.post(f"/api/rulesets/{saved.json()['id']}/activate", headers={"X-CSRF-Token": csrf})
    assert live.status_code == 200, live.text
    return live.json()


def test_rules_go_live_and_events_are_decided_exactly_once(live_server, demo, login_as):
    risk, admin = login_as("risk"), login_as("admin")
    with risk.client(live_server.url) as r, admin.client(live_server.url) as a:
        activate(r, risk.csrf, DEMO_RULES, "高频下单 and spikes")
        headers = {"X-CSRF-Token": admin.csrf}
        answers = [a.post("/api/events", json=order(i), headers=headers).json() for i in range(25)]
        assert [x["action"] for x in answers[:20]] == ["allow"] * 20
        assert answers[20]["action"] == "block" and answers[20]["fired"][0]["name"] == "hf_orders_device"
        assert answers[20]["fired"][0]["values"] == {"count(order_placed, by=device, window=1h)": 21}
        again = a.post("/api/events", json=order(20), headers=headers).json()
        assert again["duplicate"] is True and again["seq"] == answers[20]["seq"] and again["action"] == "block"
        stream = r.get("/api/decisions", params={"action": "block"}).json()
        assert [d["event_id"] for d in stream] == [f"o-{i}" for i in range(24, 19, -1)]
        one = r.get("/api/decisions/demo-mall/o-20").json()
        assert one["event"]["attributes"]["device"] == "dev-1" and one["shadow"] is None


def test_a_batch_keeps_good_items_and_names_bad_ones(live_server, demo, login_as):
    admin = login_as("admin")
    with admin.client(live_server.url) as a:
        bad_type = {**order(2), "type": "teleport"}
        bad_amount = {**order(3), "attributes": {"amount": "lots"}}
        sent = a.post(
            "/api/events/batch",
            json={"events": [order(1), bad_type, bad_amount, order(1), "not an event"]},
            headers={"X-CSRF-Token": admin.csrf},
        )
        assert sent.status_code == 200, sent.text
        body = sent.json()
        assert (body["accepted"], body["duplicates"], body["rejected"]) == (1, 1, 3)
        results = body["results"]
        assert results[0]["action"] == "allow" and results[3]["duplicate"] is True
        assert results[1]["field"] == "type" and results[2]["field"] == "attributes.amount"
        assert results[4]["error"] == "invalid_event"
        too_many = a.post(
            "/api/events/batch", json={"events": [order(i) for i in range(5001)]}, headers={"X-CSRF-Token": admin.csrf}
        )
        assert too_many.status_code in (413, 422)
        assert a.get("/api/decisions", params={"limit": 10}).json()[0]["event_id"] == "o-1"


def test_bad_rules_are_refused_with_position_and_nothing_changes(live_server, demo, login_as):
    risk = login_as("risk")
    with risk.client(live_server.url) as r:
        headers = {"X-CSRF-Token": risk.csrf}
        checked = r.post("/api/rulesets/check", json={"source": "rule x when amount > then block"}, headers=headers)
        assert checked.json()["ok"] is False and checked.json()["error"]["line"] == 1
        unknown = r.post(
            "/api/rulesets",
            json={"source": 'rule x when label(actor, "ring_membr") then block', "reason": "typo"},
            headers=headers,
        )
        assert unknown.status_code == 422 and "ring_membr" in unknown.json()["message"]
        no_reason = r.post("/api/rulesets", json={"source": "rule x when amount > 1 then review"}, headers=headers)
        assert no_reason.status_code == 422
        assert r.get("/api/rulesets").json() == []


def test_shadow_lists_backtest_and_tenancy(live_server, demo, login_as):
    risk, admin, brand = login_as("risk"), login_as("admin"), login_as("antu-admin")
    with risk.client(live_server.url) as r, admin.client(live_server.url) as a, brand.client(live_server.url) as b:
        rh, ah = {"X-CSRF-Token": risk.csrf}, {"X-CSRF-Token": admin.csrf}
        activate(r, risk.csrf, 'rule blocked when device in list("block_devices") then block score 90')
        candidate = r.post(
            "/api/rulesets",
            json={"source": "rule big when amount > 50000 then review score 20", "reason": "large orders"},
            headers=rh,
        ).json()
        assert r.post(f"/api/rulesets/{candidate['id']}/shadow", headers=rh).status_code == 200
        added = r.post("/api/lists/block_devices", json={"values": ["dev-bad"], "reason": "farm"}, headers=rh)
        assert added.status_code == 201
        decided = [
            a.post("/api/events", json=e, headers=ah).json()
            for e in (order(1, device="dev-bad"), order(2, amount=90000), order(3))
        ]
        assert [d["action"] for d in decided] == ["block", "allow", "allow"]
        shadow = r.get("/api/shadow").json()
        assert {(c["live"], c["shadow"]): c["events"] for c in shadow["counts"]} == {
            ("allow", "allow"): 1,
            ("allow", "review"): 1,
            ("block", "allow"): 1,
        }
        report = r.post(
            "/api/rulesets/backtest", json={"source": "rule big when amount > 50000 then review"}, headers=rh
        ).json()
        assert report["events"] == 3 and report["by_action"]["review"] == 1
        assert {(c["live"], c["backtest"]) for c in report["changed"]} == {("block", "allow"), ("allow", "review")}
        # A brand's staff send and read only their brand's tenant.
        other = b.post("/api/events", json=order(9, tenant="demo-mall"), headers={"X-CSRF-Token": brand.csrf})
        assert other.status_code == 422 and other.json()["detail"]["field"] == "tenant"
        own = b.post("/api/events", json=order(9, tenant="antu"), headers={"X-CSRF-Token": brand.csrf})
        assert own.status_code == 200
        assert [d["tenant"] for d in b.get("/api/decisions").json()] == ["antu"]
        assert b.get("/api/decisions/demo-mall/o-1").status_code == 404


def test_malformed_bodies_and_clock_skew_get_clear_errors(live_server, demo, login_as):
    admin = login_as("admin")
    with admin.client(live_server.url) as a:
        headers = {"X-CSRF-Token": admin.csrf, "Content-Type": "application/json", "Accept-Language": "en"}
        not_json = a.post("/api/events", content=b"{oops", headers=headers)
        assert not_json.status_code == 422 and "not JSON" in not_json.json()["message"]
        not_a_batch = a.post("/api/events/batch", json=[order(1)], headers=headers)
        assert not_a_batch.status_code == 422 and "events" in not_a_batch.json()["message"]
        future = {**order(1), "time": int(time.time() * 1000) + 86_400_000}
        skewed = a.post("/api/events", json=future, headers=headers)
        assert skewed.status_code == 422 and skewed.json()["detail"]["field"] == "time"
        assert "ahead of the server clock" in skewed.json()["message"]
        huge = {**order(2), "attributes": {"reason": "x" * 2000}}
        assert a.post("/api/events", json=huge, headers=headers).status_code == 422
        assert a.get("/api/decisions").json() == []  # nothing half-accepted


def test_a_detector_run_labels_accounts_that_live_rules_then_read(live_server, demo, login_as):
    risk, admin = login_as("risk"), login_as("admin")
    ring = sorted(ring_events(T0), key=lambda e: e.time_ms)
    with risk.client(live_server.url) as r, admin.client(live_server.url) as a:
        rh, ah = {"X-CSRF-Token": risk.csrf}, {"X-CSRF-Token": admin.csrf}
        activate(r, risk.csrf, 'rule ring when label(actor, "ring_member") then review score 50 reason "ring"')
        sent = a.post("/api/events/batch", json={"events": [e.to_dict() for e in ring]}, headers=ah)
        assert sent.json()["accepted"] == len(ring) and all(x["action"] == "allow" for x in sent.json()["results"])
        run = r.post("/api/detectors/rings/run", json={"tenant": "demo-mall"}, headers=rh)
        assert run.status_code == 201 and run.json()["findings"] == 1
        [finding] = r.get("/api/findings").json()
        assert finding["label"] == "ring_member" and any("card-ring-1" in x for x in finding["reasons"])
        later = {**order(99), "actor": "ring-03", "id": "after-the-run"}
        assert a.post("/api/events", json=later, headers=ah).json()["action"] == "review"
        dismissed = r.post(f"/api/findings/{finding['id']}/review", json={"status": "dismissed"}, headers=rh)
        assert dismissed.status_code == 200
        again = {**later, "id": "after-dismissal"}
        assert a.post("/api/events", json=again, headers=ah).json()["action"] == "allow"
        assert r.post("/api/detectors/telepathy/run", json={}, headers=rh).status_code == 422


def test_an_activated_scorer_version_reaches_rules_in_the_live_engine(live_server, demo, login_as, db, principal):
    rng = np.random.default_rng(4)
    n = 400
    y = (np.arange(n) % 8 == 0).astype(float)
    x = np.c_[rng.normal(size=n) + 3.0 * y, rng.normal(size=n)]
    tables = Tables([f"acct-{i}" for i in range(n)], ["signal", "noise"], x, y)
    version = scorer.train(db, tables, name="fraud_model", reason="labels from moderation", actor=principal("risk"))
    db.commit()
    risk, admin = login_as("risk"), login_as("admin")
    with risk.client(live_server.url) as r, admin.client(live_server.url) as a:
        rh, ah = {"X-CSRF-Token": risk.csrf}, {"X-CSRF-Token": admin.csrf}
        rule = 'rule model when model_score(actor, "fraud_model") >= 0.8 then block score 80 reason "scorer"'
        saved = r.post("/api/rulesets", json={"source": rule, "reason": "use the model"}, headers=rh)
        assert saved.status_code == 422 and "no active scorer model" in saved.text  # not active yet
        on = r.post(f"/api/scorer/versions/{version.id}/activate", headers=rh)
        assert on.status_code == 200 and on.json()["status"] == "active"
        activate(r, risk.csrf, rule)
        fraud = r.get(f"/api/scorer/versions/{version.id}/scores/acct-0").json()["score"]
        honest = r.get(f"/api/scorer/versions/{version.id}/scores/acct-1").json()["score"]
        assert fraud >= 0.8 > honest
        decided = [a.post("/api/events", json={**order(k), "actor": actor}, headers=ah).json()["action"]
                   for k, actor in enumerate(["acct-0", "acct-1", "acct-unknown"])]  # fmt: skip
        assert decided == ["block", "allow", "allow"]
        assert r.get("/api/scorer/versions/999/scores/acct-0").status_code == 404
        assert a.post(f"/api/scorer/versions/{version.id}/activate", headers=ah).status_code == 403


def test_an_override_enters_the_journal_and_the_audit_log_and_bad_ones_change_nothing(live_server, demo, login_as, db):
    risk, admin = login_as("risk"), login_as("admin")
    with risk.client(live_server.url) as r, admin.client(live_server.url) as a:
        activate(r, risk.csrf, DEMO_RULES)
        for i in range(21):
            a.post("/api/events", json=order(100 + i), headers={"X-CSRF-Token": admin.csrf})
        assert r.get("/api/decisions/demo-mall/o-120").json()["action"] == "block"
        page = "/risk/decisions/demo-mall/o-120"
        same = r.post(f"{page}/override", data={"csrf_token": risk.csrf, "new_action": "block", "reason": "x"})
        blank = r.post(f"{page}/override", data={"csrf_token": risk.csrf, "new_action": "allow", "reason": "  "})
        assert same.status_code == blank.status_code == 422 and "理由" in blank.text
        denied = a.post(f"{page}/override", data={"csrf_token": admin.csrf, "new_action": "allow", "reason": "x"})
        assert denied.status_code == 403
        done = r.post(
            f"{page}/override",
            data={"csrf_token": risk.csrf, "new_action": "allow", "reason": "熟客, 已电话核实"},
            follow_redirects=False,
        )
        assert done.status_code == 303
        [latest] = r.get("/api/decisions", params={"limit": 1}).json()
        assert latest["type"] == "staff_override" and latest["actor"] == "risk"
        attrs = latest["event"]["attributes"]
        assert attrs["decision"] == "o-120" and attrs["new_action"] == "allow" and attrs["beneficiary"] == "acct-0"
        assert attrs["shop"] == "shop-1" and attrs["reason"] == "熟客, 已电话核实"
        shown = r.get(page).text
        assert "熟客, 已电话核实" in shown and shown.count("熟客") == 1  # the two refused attempts left no trace
    db.rollback()  # a fresh read of what the server committed
    [entry] = db.scalars(select(AuditEntry).where(AuditEntry.action == "decision.override")).all()
    assert entry.subject == "decision:demo-mall/o-120" and entry.detail["to"] == "allow"
