"""In headless Chromium: a customer books online and tracks; an agent takes a call, sees the returning
customer, is offered the merge of a duplicate; a dispatcher moves the ticket and a stale form is refused."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from anxin.demo.network import create_demo_network


@pytest.fixture
def network(db, demo):
    create_demo_network(db)
    db.commit()


def _fill_request(page, *, phone, name, district=("33", "3301", "330102")):
    page.fill("input[name=phone]", phone)
    page.fill("input[name=name]", name)
    for code in district:
        page.get_by_test_id("region-picker").locator("select").last.select_option(code)
        expect(page.locator("input[name=region_code]")).to_have_value(code)
    page.fill("input[name=address]", "望江路 18 号 3 幢 502 室")
    page.fill("input[name=lock_model]", "S1")
    page.select_option("select[name=fault]", "fingerprint")


def test_customer_books_online_and_tracks(live_server, network, page):
    page.goto(f"{live_server.url}/repair")
    _fill_request(page, phone="13800138000", name="陈晨")
    page.get_by_test_id("repair-form").locator("button[type=submit]").click()
    number = page.get_by_test_id("ticket-number").inner_text()
    assert number.startswith("AX")
    page.goto(f"{live_server.url}/track?number={number}&phone=138-0013-8000")
    expect(page.get_by_test_id("progress")).to_contain_text("已受理")
    page.goto(f"{live_server.url}/track?number={number}&phone=13900000000")
    expect(page.get_by_test_id("track-error")).to_be_visible()


def test_bad_phone_keeps_everything_typed(live_server, network, page):
    page.goto(f"{live_server.url}/repair")
    _fill_request(page, phone="12345", name="陈晨")
    page.get_by_test_id("repair-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("error-phone")).to_be_visible()
    assert page.input_value("input[name=address]") == "望江路 18 号 3 幢 502 室"
    assert page.input_value("input[name=region_code]") == "330102"


def test_agent_intake_returning_customer_duplicate_and_moves(live_server, network, page, browser, log_in):
    log_in(page, "antu-agent")
    page.goto(f"{live_server.url}/tickets/new")
    _fill_request(page, phone="13800138000", name="陈晨")
    page.get_by_test_id("intake-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("ticket-title")).to_contain_text("已受理")
    first = page.url

    page.goto(f"{live_server.url}/tickets")
    expect(page.get_by_test_id("sla").first).to_contain_text("响应截止")  # just received: counting down

    page.goto(f"{live_server.url}/tickets/new")
    page.fill("input[name=phone]", "138 0013 8000")
    expect(page.get_by_test_id("returning")).to_contain_text("陈*")
    _fill_request(page, phone="138 0013 8000", name="")
    page.get_by_test_id("intake-form").locator("button[type=submit]").click()
    offer = page.get_by_test_id("duplicate-offer")
    expect(offer).to_be_visible()
    offer.locator("button").click()
    assert page.url == first

    dispatcher = browser.new_context(locale="en-US").new_page()
    log_in(dispatcher, "antu-dispatch")
    dispatcher.goto(first)
    page.reload()  # the agent's page now holds the same version as the dispatcher's
    dispatcher.get_by_test_id("move-form").locator("select").select_option("dispatched")
    dispatcher.get_by_test_id("move-form").locator("button").click()
    expect(dispatcher.get_by_test_id("ticket-title")).to_contain_text("已派单")
    page.get_by_test_id("move-form").locator("select").select_option("cancelled")
    page.get_by_test_id("move-form").locator("button").click()
    expect(page.get_by_test_id("move-error")).to_contain_text("已被他人修改")
    dispatcher.context.close()
