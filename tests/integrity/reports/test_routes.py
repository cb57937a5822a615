"""Consumer reports over real HTTP: filed, followed, triaged against findings, answered, and turned into a case."""

from __future__ import annotations

from anxin.demo.integrity import ring_events

T0 = 1767225600000


def test_a_report_of_a_ring_account_becomes_a_case_with_the_ring_finding(live_server, demo, login_as):
    admin, risk = login_as("admin"), login_as("risk")
    with admin.client(live_server.url) as a:
        events = [e.to_dict() for e in sorted(ring_events(T0), key=lambda e: e.time_ms)]
        a.post("/api/events/batch", json={"events": events}, headers={"X-CSRF-Token": admin.csrf})
    with live_server.client() as public, risk.client(live_server.url) as r:
        rh = {"X-CSRF-Token": risk.csrf}
        assert r.post("/api/detectors/rings/run", json={}, headers=rh).json()["findings"] == 1
        filed = public.post(
            "/api/reports",
            json={"kind": "brushed_shop", "target": "ring-03", "description": "这个账号每天给同一家店刷好评"},
        )
        assert filed.status_code == 201, filed.text
        receipt = filed.json()
        assert receipt["number"].startswith("JB") and receipt["status"] == "received" and receipt["follow_code"]
        status = public.get("/api/reports/status", params={"number": receipt["number"], "code": receipt["follow_code"]})
        assert status.status_code == 200 and status.json()["answer"] is None
        wrong = public.get("/api/reports/status", params={"number": receipt["number"], "code": "guess"})
        assert wrong.status_code == 404

        [listed] = r.get("/api/reports").json()
        case = r.post(f"/api/reports/{listed['id']}/case", headers=rh)
        assert case.status_code == 201
        assert sorted(i["kind"] for i in case.json()["items"]) == ["finding", "report"]
        answered = r.post(
            f"/api/reports/{listed['id']}/answer", json={"status": "upheld", "text": "已立案，账号已处理"}, headers=rh
        )
        assert answered.status_code == 200
        after = public.get("/api/reports/status", params={"number": receipt["number"], "code": receipt["follow_code"]})
        assert after.json()["status"] == "upheld" and after.json()["answer"] == "已立案，账号已处理"
        assert "reporter" not in after.text  # the reported party and the public never see who reported
        bad = public.post("/api/reports", json={"kind": "gossip", "target": "x", "description": "y"})
        assert bad.status_code == 422
