"""Complaints over real HTTP: the customer files with number + phone, the brand decides and refunds within bounds."""

from __future__ import annotations

import pytest
from tests.service.visits.helpers import TECHNICIAN, complete_with_part, dispatched_jobs

from anxin.privacy.keyfile import load_key_ring
from anxin.service.customers import service as customers
from anxin.service.customers.models import Customer


@pytest.fixture
def repaired(live_server, db, demo, principal):
    """A completed repair charging ¥70.00 of parts, and the phone it was booked with."""
    keys = load_key_ring(key_file=live_server.settings.resolved_key_file, create=False)
    job = dispatched_jobs(db, keys, principal)[0]
    complete_with_part(db, keys, job, principal(TECHNICIAN), live_server.settings.data_dir)
    phone = keys.open(db.get(Customer, job.customer_id).phone_sealed, context=customers.PHONE)
    db.commit()
    return job, phone


def test_customer_files_and_the_brand_answers_and_refunds(live_server, repaired, login_as):
    ticket, phone = repaired
    body = {"number": ticket.number, "phone": phone, "category": "overcharge", "text": "电池收了两次钱"}
    with live_server.client() as customer:
        assert customer.post("/api/track/complaints", json=body | {"phone": "13900000000"}).status_code == 404
        filed = customer.post("/api/track/complaints", json=body)
        assert filed.status_code == 201, filed.text
        assert filed.json()["parts_charged_fen"] == 7000 and filed.json()["status"] == "open"
        again = customer.post("/api/track/complaints", json=body)
        assert again.status_code == 409
    complaint = filed.json()
    with login_as("jinghong-admin").client(live_server.url) as other_brand:
        assert other_brand.get("/api/complaints").json() == []
    admin = login_as("antu-admin")
    with admin.client(live_server.url) as brand:
        brand.headers["X-CSRF-Token"] = admin.csrf
        [listed] = brand.get("/api/complaints", params={"status": "open"}).json()
        assert listed["number"] == complaint["number"]
        url = f"/api/complaints/{complaint['id']}"
        moved = brand.post(f"{url}/moves", json={"status": "investigating", "version": complaint["version"]})
        assert moved.status_code == 200 and moved.json()["status"] == "investigating"
        version = moved.json()["version"]
        too_much = brand.post(f"{url}/refund", json={"amount_fen": 7001, "reason": "多收", "version": version})
        assert too_much.status_code == 422 and too_much.json()["detail"]["max_fen"] == 7000
        stale = brand.post(
            f"{url}/refund", json={"amount_fen": 3500, "reason": "多收", "version": complaint["version"]}
        )
        assert stale.status_code == 409
        refunded = brand.post(f"{url}/refund", json={"amount_fen": 3500, "reason": "电池重复收费", "version": version})
        assert refunded.status_code == 200 and refunded.json()["refund_fen"] == 3500
        reply = {"status": "resolved", "reply": "已退还重复收取的 35 元", "version": refunded.json()["version"]}
        done = brand.post(f"{url}/moves", json=reply)
        assert done.status_code == 200 and done.json()["reply"] == "已退还重复收取的 35 元"


def test_an_agent_files_from_the_ticket_page(live_server, repaired, login_as):
    ticket, _phone = repaired
    agent = login_as("antu-agent")
    with agent.client(live_server.url) as desk:
        form = {"csrf_token": agent.csrf, "category": "late", "text": ""}
        refused = desk.post(f"/tickets/{ticket.id}/complaints", data=form)
        assert (
            refused.status_code == 422
            and "请描述发生了什么" in refused.text
            and 'value="late" selected' in refused.text
        )
        filed = desk.post(f"/tickets/{ticket.id}/complaints", data=form | {"text": "客户电话投诉师傅迟到一小时"})
        assert filed.status_code == 303 and filed.headers["location"] == f"/tickets/{ticket.id}"
        listed = desk.get(f"/tickets/{ticket.id}/complaints")
        assert (
            "客户电话投诉师傅迟到一小时" in listed.text and "/brand/complaints/" not in listed.text
        )  # agents do not decide
        assert desk.get("/brand/complaints").status_code == 403
    admin = login_as("antu-admin")
    with admin.client(live_server.url) as brand:
        assert "/brand/complaints/" in brand.get(f"/tickets/{ticket.id}/complaints").text
        page = brand.get("/brand/complaints", params={"category": "late"})
        assert page.status_code == 200 and ticket.number in page.text
