"""The ASGI fast path for event ingestion answers exactly as the FastAPI routes did, over real HTTP.

Each case is sent to two real servers on one database: the app as built (the
fast path serves ``POST /api/events`` and ``/api/events/batch``) and the same
app with the fast path taken out (the FastAPI routes serve them, as before).
Status, JSON body and content type must match.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from tests.conftest import LiveServer, serve

from anxin.app import create_app
from anxin.auth import service as auth
from anxin.auth.guard import SESSION_COOKIE
from anxin.auth.permissions import Permission
from anxin.integrity.server import event_routes, fast_ingest
from anxin.integrity.server.fast_ingest import FastIngest

T0 = 1767225600000


def order(i: int, *, tenant: str = "demo-mall", **extra: object) -> dict:
    return {
        "id": f"o-{i}",
        "time": T0 + i * 1000,
        "tenant": tenant,
        "type": "order_placed",
        "actor": f"acct-{i % 3}",
        "attributes": {"device": "dev-1", "shop": "shop-1", "amount": 9900},
        **extra,
    }


@pytest.fixture
def served(settings, tmp_path, monkeypatch) -> Iterator[tuple[LiveServer, LiveServer, list[str]]]:
    """(fast, routed, paths the fast path served): the app as built, and one without the fast path."""
    seen: list[str] = []
    original = FastIngest._serve

    async def counting(self, decider, scope, receive, send):
        seen.append(scope["path"])
        await original(self, decider, scope, receive, send)

    monkeypatch.setattr(FastIngest, "_serve", counting)
    fast_app = create_app(settings)
    routed_settings = settings.model_copy(update={"data_dir": tmp_path / "routed"})  # its own journal, same DB
    routed_app = create_app(routed_settings)
    routed_app.fast_ingest = False
    with serve(fast_app, settings) as fast, serve(routed_app, routed_settings) as routed:
        yield fast, routed, seen


def both(servers, method: str, path: str, **kwargs) -> tuple[httpx.Response, httpx.Response]:
    """The same request to the fast-path server and to the routed one; asserts they answered alike."""
    fast, routed, _seen = servers
    cookies = kwargs.pop("cookies", None)
    answers = []
    for server in (fast, routed):
        with httpx.Client(base_url=server.url, timeout=10, cookies=cookies) as client:
            answers.append(client.request(method, path, **kwargs))
    a, b = answers
    assert a.status_code == b.status_code, (a.text, b.text)
    assert a.headers["content-type"] == b.headers["content-type"]
    assert a.json() == b.json()
    assert a.headers["x-request-id"] and b.headers["x-request-id"]
    return a, b


def bearer(key: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", **headers}


def test_events_batches_and_duplicates_answer_as_the_routes_did(served, demo):
    key = demo.integrator_key
    first, _ = both(served, "POST", "/api/events", json=order(1), headers=bearer(key))
    assert first.status_code == 200 and first.json()["duplicate"] is False and first.json()["action"] == "allow"
    again, _ = both(served, "POST", "/api/events", json=order(1), headers=bearer(key))
    assert again.json()["duplicate"] is True and again.json()["seq"] == first.json()["seq"]
    batch = [order(2), {**order(3), "type": "teleport"}, order(2), "not an event", {**order(4), "colour": "red"}]
    sent, _ = both(served, "POST", "/api/events/batch", json={"events": batch}, headers=bearer(key))
    body = sent.json()
    assert (body["accepted"], body["duplicates"], body["rejected"]) == (1, 1, 3)
    assert body["results"][1]["field"] == "type" and body["results"][4]["field"] == "colour"
    # The request id is the app's: kept when the caller sends one, on the fast path too.
    tagged, _ = both(served, "POST", "/api/events", json=order(5), headers=bearer(key, **{"X-Request-ID": "req-42"}))
    assert tagged.headers["x-request-id"] == "req-42"
    assert served[2] == ["/api/events", "/api/events", "/api/events/batch", "/api/events"]


def test_malformed_bodies_and_content_types_get_the_same_answers(served, demo):
    key, en = demo.integrator_key, {"Accept-Language": "en"}
    not_json, _ = both(served, "POST", "/api/events", content=b"{oops", headers=bearer(key, **en))
    assert not_json.status_code == 422 and "not JSON" in not_json.json()["message"]
    zh, _ = both(served, "POST", "/api/events/batch", json=[order(1)], headers=bearer(key))
    assert zh.status_code == 422 and zh.json()["message"] == '请发送 {"events": [事件, …]}'
    too_many, _ = both(
        served, "POST", "/api/events/batch", json={"events": [order(i) for i in range(5_001)]}, headers=bearer(key)
    )
    assert too_many.status_code == 422 and too_many.json()["detail"] == {"max_items": 5_000}
    # The routes never looked at the content type: an API client's JSON sent as text/plain is still decided.
    plain, _ = both(
        served,
        "POST",
        "/api/events",
        content=json.dumps(order(7)),
        headers=bearer(key, **{"Content-Type": "text/plain"}),
    )
    assert plain.status_code == 200 and plain.json()["event_id"] == "o-7"


def test_too_large_bodies_are_refused_with_413_by_header_and_while_streaming(served, demo):
    key = demo.integrator_key
    huge = json.dumps({"events": [order(i) for i in range(8_000)]}).encode()  # over the 1 MiB default
    declared, _ = both(served, "POST", "/api/events/batch", content=huge, headers=bearer(key))
    assert declared.status_code == 413 and declared.json()["error"] == "payload_too_large"

    fast, routed, _seen = served
    answers = []
    for server in (fast, routed):  # chunked: no Content-Length, so the limit trips while the body is read
        with server.client() as client:
            chunks = iter([huge[i : i + 65_536] for i in range(0, len(huge), 65_536)])
            answers.append(client.post("/api/events/batch", content=chunks, headers=bearer(key)))
    assert [a.status_code for a in answers] == [413, 413]
    assert answers[0].json() == answers[1].json() and answers[0].json()["error"] == "payload_too_large"


def test_callers_are_refused_as_before(served, demo, db, login_as, principal):
    none, _ = both(served, "POST", "/api/events", json=order(1))
    assert none.status_code == 401 and none.json()["error"] == "unauthenticated"
    bad_key, _ = both(served, "POST", "/api/events", json=order(1), headers=bearer("ak_nothere_secret"))
    assert bad_key.status_code == 401
    reader_key, _row = auth.create_api_key(
        db, name="reader", scopes=[Permission.decisions_read.value], creator=principal("admin")
    )
    db.commit()
    no_scope, _ = both(served, "POST", "/api/events/batch", json={"events": [order(1)]}, headers=bearer(reader_key))
    assert no_scope.status_code == 403 and no_scope.json()["detail"] == {"permission": Permission.events_ingest.value}
    consumer = login_as("consumer")
    role, _ = both(
        served,
        "POST",
        "/api/events",
        json=order(1),
        cookies={SESSION_COOKIE: consumer.cookie},
        headers={"X-CSRF-Token": consumer.csrf},
    )
    assert role.status_code == 403
    admin = login_as("admin")
    no_csrf, _ = both(served, "POST", "/api/events", json=order(1), cookies={SESSION_COOKIE: admin.cookie})
    assert no_csrf.status_code == 403 and no_csrf.json()["detail"] == {"reason": "csrf"}
    with_csrf, _ = both(
        served,
        "POST",
        "/api/events",
        json=order(2),
        cookies={SESSION_COOKIE: admin.cookie},
        headers={"X-CSRF-Token": admin.csrf},
    )
    assert with_csrf.status_code == 200


def test_brand_callers_send_only_their_tenant(served, demo, login_as):
    brand = login_as("antu-admin")
    session = {"cookies": {SESSION_COOKIE: brand.cookie}, "headers": {"X-CSRF-Token": brand.csrf}}
    other, _ = both(served, "POST", "/api/events", json=order(9, tenant="demo-mall"), **session)
    assert other.status_code == 422 and other.json()["detail"]["field"] == "tenant"
    mixed, _ = both(
        served, "POST", "/api/events/batch", json={"events": [order(9, tenant="antu"), order(10)]}, **session
    )
    assert [r.get("field") for r in mixed.json()["results"]] == [None, "tenant"]


def test_everything_else_still_goes_through_fastapi(served, demo):
    fast, _routed, seen = served
    key = demo.integrator_key
    wrong_method, _ = both(served, "GET", "/api/events", headers=bearer(key))
    assert wrong_method.status_code == 405 and wrong_method.json()["error"] == "method_not_allowed"
    decisions, _ = both(served, "GET", "/api/decisions", headers=bearer(key))
    assert decisions.status_code == 200
    with fast.client() as client:
        slash = client.post("/api/events/", json=order(1), headers=bearer(key))
        assert slash.status_code == 307  # FastAPI's own trailing-slash redirect, not the fast path
        docs = client.get("/openapi.json").json()["paths"]
        assert "requestBody" in docs["/api/events"]["post"] and "requestBody" in docs["/api/events/batch"]["post"]
    assert seen == []


def test_an_unexpected_failure_is_the_apps_500_with_the_request_id(settings, demo, monkeypatch):
    async def broken(request, caller):
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(event_routes.FAST_PATHS, "/api/events", broken)
    with serve(create_app(settings), settings) as server, server.client() as client:
        answer = client.post(
            "/api/events", json=order(1), headers=bearer(demo.integrator_key, **{"X-Request-ID": "req-500"})
        )
        assert answer.status_code == 500 and answer.headers["x-request-id"] == "req-500"
        assert answer.json()["error"] == "internal" and answer.json()["detail"] == {"request_id": "req-500"}
        assert client.get("/api/health").status_code == 200  # the server keeps serving


def test_the_startup_heap_is_frozen_only_while_serving():
    import gc

    before = gc.get_freeze_count()
    with fast_ingest.frozen_startup_heap():
        assert gc.get_freeze_count() > before
    assert gc.get_freeze_count() == 0
