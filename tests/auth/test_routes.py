"""Permissions over real HTTP: generated from the route list and the permission table, so a new route
without a rule fails here; plus tenancy, CSRF and API-key revocation."""

from __future__ import annotations

import re

import pytest

from anxin.app import create_app
from anxin.auth.permissions import GRANTS, Role
from anxin.config import Settings
from tests.routes_index import app_routes

ROUTES = app_routes(create_app(Settings()))
DEMO_USER_BY_ROLE = {
    Role.consumer: "consumer",
    Role.agent: "antu-agent",
    Role.dispatcher: "antu-dispatch",
    Role.technician: "antu-tech",
    Role.brand_admin: "antu-admin",
    Role.risk_analyst: "risk",
    Role.auditor: "auditor",
    Role.platform_admin: "admin",
}


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "999", path)


def test_every_route_declares_exactly_one_permission():
    missing = [f"{r.method} {r.path}" for r in ROUTES if len(r.guards) != 1]
    assert ROUTES and not missing, f"routes without exactly one Allow(...) guard: {missing}"


def test_route_list_covers_the_product():
    paths = {r.path for r in ROUTES}
    assert {"/api/health", "/api/me", "/api/users", "/login", "/accounts", "/admin", "/agent"} <= paths


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_every_role_on_every_route(live_server, demo, login_as, role):
    """Allowed roles never get 401/403; others get 403; anonymous callers get 401 on guarded routes."""
    session = login_as(DEMO_USER_BY_ROLE[role])
    with session.client(live_server.url) as client, live_server.client() as anonymous:
        for rule in sorted(ROUTES, key=lambda r: r.path == "/logout"):  # logging out ends the session: last
            permission = rule.guards[0].permission
            url = _concrete(rule.path)
            headers = {"X-CSRF-Token": session.csrf, "Accept": "application/json"}
            response = client.request(rule.method, url, headers=headers, json={} if rule.method != "GET" else None)
            where = f"{role.value} {rule.method} {rule.path} -> {response.status_code} {response.text[:200]}"
            if permission is None or role in GRANTS[permission]:
                assert response.status_code not in (401, 403), where
            else:
                assert response.status_code == 403, where
                assert response.json()["error"] == "forbidden"
            if permission is not None and role is Role.consumer:  # once is enough for anonymous
                anon = anonymous.request(rule.method, url, headers={"Accept": "application/json"})
                assert anon.status_code in (401, 403), f"anonymous {rule.method} {rule.path} -> {anon.status_code}"


def test_pages_redirect_anonymous_browsers_to_login(live_server):
    with live_server.client() as client:
        response = client.get("/admin", headers={"Accept": "text/html"})
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/admin"


def test_brand_a_staff_cannot_read_brand_b(live_server, demo, login_as):
    antu = login_as("antu-admin")
    jinghong = login_as("jinghong-admin")
    with antu.client(live_server.url) as a, jinghong.client(live_server.url) as b:
        antu_users = a.get("/api/users").json()
        jinghong_users = b.get("/api/users").json()
        assert {u["brand_id"] for u in antu_users} == {antu_users[0]["brand_id"]}
        assert not {u["id"] for u in antu_users} & {u["id"] for u in jinghong_users}
        foreign = jinghong_users[0]["id"]
        response = a.get(f"/api/users/{foreign}")
        assert response.status_code == 404 and response.json()["error"] == "not_found"
        assert a.post(f"/api/users/{foreign}/deactivate", headers={"X-CSRF-Token": antu.csrf}).status_code == 404


def test_csrf_is_required_for_cookie_sessions(live_server, demo, login_as):
    admin = login_as("admin")
    body = {"username": "new-agent", "password": "long-enough", "role": "agent", "brand_id": 1}
    with admin.client(live_server.url) as client:
        refused = client.post("/api/users", json=body)
        assert refused.status_code == 403 and refused.json()["detail"]["reason"] == "csrf"
        wrong = client.post("/api/users", json=body, headers={"X-CSRF-Token": "guess"})
        assert wrong.status_code == 403
        created = client.post("/api/users", json=body, headers={"X-CSRF-Token": admin.csrf})
        assert created.status_code == 201, created.text


def test_login_form_needs_its_csrf_cookie(live_server, demo):
    with live_server.client() as client:
        forged = client.post("/login", data={"username": "admin", "password": demo.password})
        assert forged.status_code == 403
        form = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        ok = client.post("/login", data={"username": "admin", "password": demo.password, "csrf_token": token})
        assert ok.status_code == 303 and ok.headers["location"] == "/admin"
        me = client.get("/api/me")
        assert me.status_code == 200, (me.status_code, me.text, dict(client.cookies))
        assert me.json()["username"] == "admin"


def test_login_rate_limit_over_http(live_server, demo):
    with live_server.client() as client:
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
        codes = [
            client.post("/login", data={"username": "risk", "password": "wrong-pass", "csrf_token": token}).status_code
            for _ in range(live_server.settings.login_max_failures + 1)
        ]
    assert codes[:-1] == [401] * live_server.settings.login_max_failures
    assert codes[-1] == 429


def test_api_key_revocation_takes_effect_at_once(live_server, demo, login_as):
    admin = login_as("admin")
    with admin.client(live_server.url) as client, live_server.client() as integrator:
        issued = client.post(
            "/api/api-keys", json={"name": "shop", "scopes": ["self:read"]}, headers={"X-CSRF-Token": admin.csrf}
        )
        assert issued.status_code == 201, issued.text
        key = issued.json()["key"]
        me = integrator.get("/api/me", headers={"Authorization": f"Bearer {key}"})
        assert me.status_code == 200 and me.json()["via"] == "api_key"
        assert integrator.get("/api/users", headers={"X-API-Key": key}).status_code == 403  # scope not granted
        revoked = client.delete(f"/api/api-keys/{issued.json()['id']}", headers={"X-CSRF-Token": admin.csrf})
        assert revoked.status_code == 200 and revoked.json()["revoked_at"]
        after = integrator.get("/api/me", headers={"Authorization": f"Bearer {key}"})
        assert after.status_code == 401 and after.json()["error"] == "unauthenticated"


def test_api_keys_need_no_csrf(live_server, demo):
    with live_server.client() as integrator:
        response = integrator.get("/api/me", headers={"X-API-Key": demo.integrator_key})
    assert response.status_code == 200
