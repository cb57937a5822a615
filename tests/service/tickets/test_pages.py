"""In headless Chromium: a customer books online and tracks; an agent takes a call, sees the returning
customer, is offered the merge of a duplicate; a dispatcher moves the ticket and a stale form is refused."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from anxin.demo.network import create_demo_network
from anxin.privacy.keyfile import load_key_ring
from anxin.service.tickets import service as tickets
from anxin.service.tickets.lifecycle import Status
from anxin.service.tickets.schemas import RepairRequest


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


def test_customer_sees_the_warranty_and_rates_once(live_server, network, page, db, principal):
    keys = load_key_ring(key_file=live_server.settings.resolved_key_file, create=False)
    body = {
        "brand_id": 1,
        "phone": "13800138000",
        "name": "陈晨",
        "region_code": "330102",
        "address": "望江路 1 号",
        "lock_model": "S1",
        "fault": "battery",
    }
    ticket, _ = tickets.create_ticket(db, keys, request=RepairRequest(**body), channel="online", actor=None)
    for step in (Status.dispatched, Status.accepted, Status.en_route, Status.on_site, Status.completed):
        tickets.move(
            db, ticket_id=ticket.id, to=step, version=ticket.version, note="", actor=principal("antu-dispatch")
        )
    db.commit()
    page.goto(f"{live_server.url}/track?number={ticket.number}&phone=13800138000")
    expect(page.get_by_test_id("warranty")).to_contain_text("保修至")
    form = page.get_by_test_id("rating-form")
    form.locator("select[name=stars]").select_option("4")
    form.locator("textarea[name=comment]").fill("准时，专业")
    form.locator("button").click()
    expect(page.get_by_test_id("rated")).to_be_visible()
    page.goto(f"{live_server.url}/track?number={ticket.number}&phone=13800138000")
    expect(page.get_by_test_id("rating-form")).to_have_count(0)
