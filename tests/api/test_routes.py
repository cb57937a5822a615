"""The error envelope over real HTTP: every failure is {error, message, detail}, never a bare 500."""

from __future__ import annotations

import pytest

from anxin.api.deps import SessionDep
from anxin.app import create_app
from anxin.auth import tenancy
from anxin.auth.guard import MaybePrincipal
from anxin.auth.models import Brand
from tests.conftest import serve


@pytest.fixture
def admin_client(live_server, demo, login_as):
    admin = login_as("admin")
    with admin.client(live_server.url) as client:
        client.headers["X-CSRF-Token"] = admin.csrf
        yield client


def _assert_envelope(response, status, code):
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "message", "detail"}
    assert body["error"] == code and body["message"]
    return body


def test_malformed_json(admin_client):
    response = admin_client.post("/api/brands", content=b'{"slug": ', headers={"Content-Type": "application/json"})
    body = _assert_envelope(response, 422, "invalid_input")
    assert "JSON" in body["message"]


def test_wrong_types_name_the_field(admin_client):
    body = _assert_envelope(
        admin_client.post("/api/users", json={"username": "x1y", "password": 5, "role": "agent"}), 422, "invalid_input"
    )
    assert "password" in {e["field"] for e in body["detail"]["errors"]}


def test_unknown_fields_are_refused(admin_client):
    body = _assert_envelope(
        admin_client.post("/api/brands", json={"slug": "ok-slug", "name_zh": "好", "name_en": "ok", "color": "red"}),
        422,
        "invalid_input",
    )
    assert "color" in body["message"]


def test_unknown_enum_value(admin_client):
    response = admin_client.post("/api/users", json={"username": "abc", "password": "long-enough", "role": "king"})
    body = _assert_envelope(response, 422, "invalid_input")
    assert body["detail"]["errors"][0]["field"] == "role"


def test_oversized_body_by_content_length(admin_client, live_server):
    big = b"x" * (live_server.settings.max_body_bytes + 1)
    response = admin_client.post("/api/brands", content=big, headers={"Content-Type": "application/json"})
    body = _assert_envelope(response, 413, "payload_too_large")
    assert body["detail"]["max_bytes"] == live_server.settings.max_body_bytes


def test_oversized_body_streamed_without_length(admin_client, live_server):
    chunk = b"x" * 65536
    chunks = live_server.settings.max_body_bytes // len(chunk) + 2
    response = admin_client.post(
        "/api/brands", content=(chunk for _ in range(chunks)), headers={"Content-Type": "application/json"}
    )
    _assert_envelope(response, 413, "payload_too_large")


def test_unknown_route_and_method(live_server):
    with live_server.client() as client:
        _assert_envelope(client.get("/api/nothing-here"), 404, "not_found")
        _assert_envelope(client.delete("/api/health"), 405, "method_not_allowed")


def test_english_messages_on_request(live_server):
    with live_server.client() as client:
        body = _assert_envelope(client.get("/api/me", headers={"Accept-Language": "en-US"}), 401, "unauthenticated")
        assert body["message"] == "log in first"
        body = _assert_envelope(client.get("/api/me"), 401, "unauthenticated")
        assert body["message"] == "请先登录"  # Chinese first


def test_unexpected_error_is_500_with_request_id(settings, caplog):
    app = create_app(settings)

    @app.get("/api/explode")
    def explode(_caller: MaybePrincipal):
        raise RuntimeError("kaboom")

    with serve(app, settings) as server, server.client() as client:
        response = client.get("/api/explode", headers={"X-Request-ID": "req-42"})
    body = _assert_envelope(response, 500, "internal")
    assert body["detail"]["request_id"] == "req-42" and "req-42" in body["message"]
    assert response.headers["x-request-id"] == "req-42"
    assert any("req-42" in r.getMessage() for r in caplog.records)


def test_html_errors_render_the_error_page(live_server):
    with live_server.client() as client:
        response = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert 'data-testid="error"' in response.text and "页面或接口不存在" in response.text


def test_commit_happens_before_the_response(settings, db):
    """Regression: FastAPI's default yield-dependency scope committed after sending the response, so a client
    could read before the write was visible (a login whose session was not found yet) and a failed commit still
    answered 200."""
    app = create_app(settings)
    tenancy.create_brand(db, slug="taken", name_zh="已有", name_en="Taken")
    db.commit()

    @app.post("/api/brand-without-flush")
    def add_duplicate(session: SessionDep, _caller: MaybePrincipal):
        session.add(Brand(slug="taken", name_zh="重复", name_en="Duplicate"))  # fails only at commit
        return {"ok": True}

    with serve(app, settings) as server, server.client() as client:
        response = client.post("/api/brand-without-flush", json={})
    _assert_envelope(response, 500, "internal")
