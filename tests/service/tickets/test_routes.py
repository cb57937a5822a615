"""Tickets over real HTTP: agent intake, online request, moves with versions, public tracking."""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image

from anxin.demo.network import create_demo_network


@pytest.fixture
def network(db, demo):
    create_demo_network(db)
    db.commit()


BODY = {
    "brand_id": 1,
    "phone": "13800138000",
    "name": "陈晨",
    "region_code": "330102",
    "address": "望江路 18 号",
    "lock_model": "S1",
    "fault": "fingerprint",
    "description": "指纹识别不了",
}


def test_online_request_then_track_and_agent_moves(live_server, network, login_as):
    with live_server.client() as public:
        receipt = public.post("/api/repair-requests", json=BODY)
        assert receipt.status_code == 201, receipt.text
        number = receipt.json()["number"]
        tracked = public.get("/api/track", params={"number": number, "phone": "138-0013-8000"})
        assert tracked.status_code == 200 and tracked.json()["status"] == "received"
        assert public.get("/api/track", params={"number": number, "phone": "13900000000"}).status_code == 404
    agent = login_as("antu-dispatch")
    with agent.client(live_server.url) as client:
        [ticket] = client.get("/api/tickets").json()
        assert ticket["phone"] == "138****8000" and ticket["customer"] == "陈*"
        moved = client.post(
            f"/api/tickets/{ticket['id']}/moves",
            json={"status": "dispatched", "version": ticket["version"]},
            headers={"X-CSRF-Token": agent.csrf},
        )
        assert moved.status_code == 200 and moved.json()["status"] == "dispatched"
        stale = client.post(
            f"/api/tickets/{ticket['id']}/moves",
            json={"status": "cancelled", "version": ticket["version"]},
            headers={"X-CSRF-Token": agent.csrf},
        )
        assert stale.status_code == 409 and stale.json()["error"] == "conflict"


def test_agent_intake_reports_likely_duplicate(live_server, network, login_as):
    agent = login_as("antu-agent")
    with agent.client(live_server.url) as client:
        headers = {"X-CSRF-Token": agent.csrf}
        first = client.post("/api/tickets", json=BODY, headers=headers)
        second = client.post("/api/tickets", json=BODY | {"name": ""}, headers=headers)
    assert first.status_code == 201 and second.status_code == 201
    assert second.json()["likely_duplicate_of"] == first.json()["ticket"]["id"]


def test_bad_requests_get_field_errors(live_server, network):
    with live_server.client() as public:
        bad_region = public.post("/api/repair-requests", json=BODY | {"region_code": "33"})
        assert bad_region.status_code == 422 and "region_code" in {
            e["field"] for e in bad_region.json()["detail"]["errors"]
        }
        bad_phone = public.post("/api/repair-requests", json=BODY | {"phone": "12345"})
        assert bad_phone.status_code == 422
        unknown_field = public.post("/api/repair-requests", json=BODY | {"vip": True})
        assert unknown_field.status_code == 422


def test_requests_reach_the_integrity_engine_as_orders(live_server, network, login_as):
    """有问题必受理 meets 刷单: every accepted request is also an order event in the brand's tenant."""
    with live_server.client() as public:
        numbers = [
            public.post("/api/repair-requests", json=BODY | {"lock_model": f"S{i}"}).json()["number"] for i in range(2)
        ]
    admin = login_as("admin")
    with admin.client(live_server.url) as client:
        deadline = time.monotonic() + 10
        while len(found := client.get("/api/decisions").json()) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    assert sorted(d["event"]["subject"] for d in found) == sorted(numbers)
    assert {(d["tenant"], d["type"], d["source"]) for d in found} == {("antu", "order_placed", "service")}
    assert all(d["event"]["attributes"]["ip"] == "127.0.0.1" for d in found)


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (120, 80, 40)).save(out, format="JPEG")
    return out.getvalue()


def test_the_callers_photos_come_with_the_request_and_only_photos(live_server, network, login_as):
    agent = login_as("antu-agent")
    form = {key: str(value) for key, value in BODY.items()} | {"csrf_token": agent.csrf}
    with agent.client(live_server.url) as desk:
        pdf = desk.post(
            "/tickets/new", data=form, files=[("photos", ("bill.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"))]
        )
        assert pdf.status_code == 422 and "只能上传照片" in pdf.text and "望江路 18 号" in pdf.text  # typed text kept
        booked = desk.post("/tickets/new", data=form, files=[("photos", ("lock.jpg", _jpeg(), "image/jpeg"))])
        assert booked.status_code == 303, booked.text
        page = desk.get(booked.headers["location"])
        ticket_id = int(booked.headers["location"].split("/")[2].split("?")[0])
        assert f"/tickets/{ticket_id}/photos/0" in page.text
        photo = desk.get(f"/tickets/{ticket_id}/photos/0")
        assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
        assert desk.get(f"/tickets/{ticket_id}/photos/1").status_code == 404
        assert desk.get(f"/api/tickets/{ticket_id}").json()["photos"] == 1
    technician = login_as("antu-tech")
    with technician.client(live_server.url) as phone:  # not his job (nobody is assigned yet): it does not exist
        assert phone.get(f"/tech/jobs/{ticket_id}/photos/0").status_code == 404
    with live_server.client() as stranger:
        assert stranger.get(f"/tickets/{ticket_id}/photos/0").status_code in (303, 401)
