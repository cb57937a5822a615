"""In headless Chromium: the technician writes up a finished repair; an agent on the phone searches and opens it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from tests.service.knowledge.helpers import finish, received, technician_named

from anxin.demo.network import create_demo_network
from anxin.demo.tickets import create_demo_tickets
from anxin.privacy.keyfile import load_key_ring
from anxin.service.knowledge.demo import create_demo_library


@pytest.fixture
def library(live_server, db, demo, principal):
    """The demo write-ups, plus one more finished repair of 郑建国's that nobody has written up."""
    create_demo_network(db)
    keys = load_key_ring(key_file=live_server.settings.resolved_key_file, create=False)
    create_demo_tickets(db, keys, count=40)
    create_demo_library(db, keys)
    ticket = finish(db, received(db, principal("antu-tech").brand_id)[0], technician_named(db, "郑建国"),
                    principal("antu-dispatch"))  # fmt: skip
    db.commit()
    return ticket.number


def test_agent_searches_and_opens_an_article(live_server, library, page, log_in):
    log_in(page, "antu-agent")
    page.get_by_role("link", name="案例库").click()
    expect(page.get_by_test_id("library-recent")).to_be_visible()
    page.get_by_test_id("library-q").fill("指纹识别失灵")
    page.get_by_test_id("library-q").press("Enter")
    first = page.get_by_test_id("library-hit").first
    expect(first).to_contain_text("指纹识别模块失灵")
    expect(first.locator("mark").first).to_be_visible()
    first.get_by_role("link").click()
    expect(page.get_by_test_id("article-title")).to_have_text("指纹识别模块失灵，按压无反应")
    expect(page.get_by_test_id("article-fix")).to_contain_text("排线")
    page.get_by_test_id("lang-switch").click()
    expect(page.get_by_test_id("article-meta")).to_contain_text("fingerprint not recognised")


def test_technician_writes_up_a_finished_repair(live_server, library, page, log_in):
    log_in(page, "antu-tech")
    page.goto(f"{live_server.url}/library/new")
    page.get_by_test_id("open-write-ups").get_by_role("link", name=library).click()
    form = page.get_by_test_id("library-form")
    form.locator("input[name=title]").fill("锁舌卡住无法关门")
    form.locator("textarea[name=symptom]").fill("关门后锁舌弹不出来")
    form.locator("textarea[name=cause]").fill("锁舌弹簧断裂")
    form.locator("textarea[name=fix]").fill("客户电话 13912345678，更换弹簧")
    page.get_by_test_id("library-save").click()
    expect(page.get_by_test_id("error-fix")).to_contain_text("电话号码")  # personal data is refused, text kept
    form.locator("textarea[name=fix]").fill("更换锁舌弹簧，测试二十次正常")
    page.get_by_test_id("library-save").click()
    expect(page.get_by_test_id("article-title")).to_have_text("锁舌卡住无法关门")
    page.goto(f"{live_server.url}/library?q=锁舌弹簧")
    expect(page.get_by_test_id("library-hit").first).to_contain_text("锁舌卡住无法关门")
