"""Hotline endpoints over real HTTP: public check and report (rate-limited), registration and review."""

from __future__ import annotations

from anxin.hotline.routes import CHECKS_PER_MINUTE


def test_register_review_check_flow(live_server, demo, login_as):
    brand, admin = login_as("antu-admin"), login_as("admin")
    with brand.client(live_server.url) as b, admin.client(live_server.url) as a, live_server.client() as public:
        created = b.post(
            "/api/hotlines",
            json={"number": "400-111-2222", "evidence": [{"kind": "manual_photo", "description": "说明书封底"}]},
            headers={"X-CSRF-Token": brand.csrf},
        )
        assert created.status_code == 201, created.text
        hotline_id = created.json()["id"]
        assert public.get("/api/hotline/check", params={"number": "4001112222"}).json()["verdict"] == "not_registered"
        decided = a.post(
            f"/api/hotlines/{hotline_id}/decision", json={"status": "verified"}, headers={"X-CSRF-Token": admin.csrf}
        )
        assert decided.status_code == 200 and [h["to_status"] for h in decided.json()["history"]] == [
            "pending",
            "verified",
        ]
        check = public.get("/api/hotline/check", params={"number": "400-111-2222", "brand": "安途智能锁"}).json()
        assert check["verdict"] == "verified" and check["real_numbers"] == ["400-111-2222"]
        illegal = a.post(
            f"/api/hotlines/{hotline_id}/decision", json={"status": "rejected"}, headers={"X-CSRF-Token": admin.csrf}
        )
        assert illegal.status_code == 409 and illegal.json()["error"] == "conflict"


def test_anyone_reports_and_the_count_shows(live_server):
    with live_server.client() as public:
        for _ in range(2):
            sent = public.post("/api/hotline/reports", json={"number": "400-1865-909", "claimed_brand": "索立捷"})
            assert sent.status_code == 201
        result = public.get("/api/hotline/check", params={"number": "4001865909", "brand": "索立捷"}).json()
    assert result["fake_reports"] == 2 and result["brand_known"] is False


def test_bad_numbers_get_a_clear_error(live_server):
    with live_server.client() as public:
        response = public.get("/api/hotline/check", params={"number": "400-XXX-XXXX"})
    assert response.status_code == 422 and response.json()["error"] == "invalid_input"
    assert "placeholder" in response.json()["detail"]["reason"]


def test_public_check_is_rate_limited(live_server):
    """2×limit+1 requests within a minute span at most two fixed windows, so one window must overflow."""
    with live_server.client() as public:
        responses = [
            public.get("/api/hotline/check", params={"number": "95555"}) for _ in range(2 * CHECKS_PER_MINUTE + 1)
        ]
    assert {r.status_code for r in responses} == {200, 429}
    refused = next(r for r in responses if r.status_code == 429)
    assert refused.json()["error"] == "too_many_requests" and refused.headers["retry-after"] == "60"
