"""In headless Chromium: every demo role logs in through the form, lands on its start page in Chinese,
and can switch the UI to English."""

from __future__ import annotations

import pytest

from anxin.auth.permissions import ROLE_LABELS, START_PAGES, Role
from anxin.demo.accounts import DEMO_ACCOUNTS
from anxin.web.i18n import translations

ONE_LOGIN_PER_ROLE = {role: username for username, role, _name, _brand in reversed(DEMO_ACCOUNTS)}


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_role_logs_in_to_its_start_page_in_chinese_then_english(live_server, demo, page, role, log_in):
    log_in(page, ONE_LOGIN_PER_ROLE[role])
    page.wait_for_url(f"{live_server.url}{START_PAGES[role]}")
    zh_label = translations("zh").gettext(ROLE_LABELS[role])
    title = page.get_by_test_id("workspace-title")
    assert zh_label in title.inner_text()
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert "退出登录" in page.inner_text("header")

    page.get_by_test_id("lang-switch").click()
    page.wait_for_url(f"{live_server.url}{START_PAGES[role]}")
    assert ROLE_LABELS[role] in page.get_by_test_id("workspace-title").inner_text()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Log out" in page.inner_text("header")


def test_wrong_password_shows_a_chinese_message_and_keeps_the_username(live_server, demo, page, log_in):
    log_in(page, "admin", "not-the-password")
    assert page.get_by_test_id("login-error").inner_text() == "用户名或密码错误"
    assert page.input_value("input[name=username]") == "admin"


def test_logout_returns_to_home_and_pages_need_login_again(live_server, demo, page, log_in):
    log_in(page, "risk")
    page.wait_for_url(f"{live_server.url}/risk")
    page.click("header form button")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/risk")
    assert page.url.startswith(f"{live_server.url}/login")
