"""In headless Chromium: a brand admin manages its staff and API keys on the accounts page."""

from __future__ import annotations

import httpx


def test_brand_admin_creates_staff_and_issues_then_revokes_a_key(live_server, demo, page, log_in):
    log_in(page, "antu-admin")
    page.goto(f"{live_server.url}/accounts")
    users = page.get_by_test_id("users").inner_text()
    assert "antu-agent" in users and "jinghong-agent" not in users  # only its own brand

    form = page.get_by_test_id("new-user")
    form.locator("input[name=username]").fill("antu-agent2")
    form.locator("input[name=password]").fill("a-good-password")
    form.locator("select[name=role]").select_option("agent")
    form.locator("button").click()
    page.wait_for_url(f"{live_server.url}/accounts")
    assert "antu-agent2" in page.get_by_test_id("users").inner_text()

    keys = page.get_by_test_id("new-key")
    keys.locator("input[name=name]").fill("antu shop feed")
    keys.locator("input[name='scope:self:read']").check()
    keys.locator("button").click()
    key = page.get_by_test_id("issued-key").locator(".secret").inner_text().strip()
    assert httpx.get(f"{live_server.url}/api/me", headers={"X-API-Key": key}).status_code == 200

    page.goto(f"{live_server.url}/accounts")
    row = page.get_by_test_id("keys").locator("tr", has_text="antu shop feed")
    row.locator("button").click()
    page.wait_for_url(f"{live_server.url}/accounts")
    assert "已吊销" in page.get_by_test_id("keys").locator("tr", has_text="antu shop feed").inner_text()
    assert httpx.get(f"{live_server.url}/api/me", headers={"X-API-Key": key}).status_code == 401


def test_invalid_new_account_keeps_the_page_and_says_why(live_server, demo, page, log_in):
    log_in(page, "admin")
    page.goto(f"{live_server.url}/accounts")
    form = page.get_by_test_id("new-user")
    form.locator("input[name=username]").fill("risk")  # taken
    form.locator("input[name=password]").fill("a-good-password")
    form.locator("select[name=role]").select_option("risk_analyst")
    form.locator("button").click()
    assert "已被占用" in page.get_by_test_id("form-error").inner_text()
