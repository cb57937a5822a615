"""The case library API over real HTTP: write up, search in Chinese, read; bad input gets the standard envelope."""

from __future__ import annotations

import pytest
from tests.service.knowledge.helpers import finish, received, technician_named

from anxin.demo.network import create_demo_network
from anxin.demo.tickets import create_demo_tickets
from anxin.privacy.keyfile import load_key_ring
from anxin.service.tickets.lifecycle import Status

WRITE_UP = {
    "title": "指纹识别模块失灵",
    "symptom": "指纹识别经常失灵，按压无反应",
    "cause": "指纹模块排线松动",
    "fix": "重新插紧排线并固定，清洁指纹头",
    "parts": "",
}


@pytest.fixture
def repairs(live_server, db, demo, principal):
    """Two of 郑建国's repairs: one completed, one still on the way."""
    create_demo_network(db)
    keys = load_key_ring(key_file=live_server.settings.resolved_key_file, create=False)
    create_demo_tickets(db, keys, count=12)
    me, dispatcher = technician_named(db, "郑建国"), principal("antu-dispatch")
    waiting = received(db, principal("antu-tech").brand_id)
    completed = finish(db, waiting[0], me, dispatcher).number
    en_route = finish(db, waiting[1], me, dispatcher, upto=Status.en_route).number
    db.commit()
    return completed, en_route


def test_write_up_search_and_read(live_server, repairs, login_as):
    completed, en_route = repairs
    tech = login_as("antu-tech")
    with tech.client(live_server.url) as client:
        headers = {"X-CSRF-Token": tech.csrf}
        made = client.post("/api/library", json={"ticket_number": completed, **WRITE_UP}, headers=headers)
        assert made.status_code == 201, made.text
        early = client.post("/api/library", json={"ticket_number": en_route, **WRITE_UP}, headers=headers)
        assert early.status_code == 409 and early.json()["error"] == "conflict"
        assert early.json()["message"] == "工单完成后才能撰写案例"
    article = made.json()
    assert article["ticket_number"] == completed and "phone" not in article
    agent = login_as("antu-agent")
    with agent.client(live_server.url) as client:
        page = client.get("/api/library", params={"q": "指纹识别失灵"})
        assert page.status_code == 200, page.text
        body = page.json()
        assert body["mode"] == "all" and body["total"] == 1 and body["terms"] == ["指纹", "识别", "指纹识别", "失灵"]
        [hit] = body["hits"]
        assert hit["id"] == article["id"] and hit["score"] > 0
        assert [run["text"] for run in hit["snippet"] if run["match"]]
        read = client.get(f"/api/library/{article['id']}")
        assert read.status_code == 200 and read.json()["fix"] == WRITE_UP["fix"]
    outsider = login_as("jinghong-agent")
    with outsider.client(live_server.url) as client:
        assert client.get(f"/api/library/{article['id']}").json()["error"] == "not_found"
        assert client.get("/api/library", params={"q": "指纹"}).json()["total"] == 0


def test_bad_input_gets_the_standard_envelope(live_server, repairs, login_as):
    agent = login_as("antu-agent")
    with agent.client(live_server.url) as client:
        for params in ({"q": ""}, {}, {"q": "  ？。"}):
            empty = client.get("/api/library", params=params)
            assert empty.status_code == 422, params
            assert set(empty.json()) == {"error", "message", "detail"}
            assert empty.json()["error"] == "invalid_input" and empty.json()["detail"]["field"] == "q"
            assert "关键词" in empty.json()["message"]
        english = client.get("/api/library", params={"q": ""}, headers={"Accept-Language": "en"})
        assert english.json()["message"].startswith("type a few words")
        too_many = client.get("/api/library", params={"q": "指纹", "per_page": 500})
        assert too_many.status_code == 422 and too_many.json()["detail"]["errors"][0]["field"] == "per_page"
        missing = client.post("/api/library", json={"ticket_number": repairs[0]}, headers={"X-CSRF-Token": agent.csrf})
        assert missing.status_code == 422 and missing.json()["error"] == "invalid_input"
        assert {e["field"] for e in missing.json()["detail"]["errors"]} == {"title", "symptom", "cause", "fix"}
