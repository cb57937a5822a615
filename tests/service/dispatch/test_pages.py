"""In headless Chromium: the dispatcher's board runs auto-dispatch and shows each technician's jobs with the reason."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from anxin.demo.network import create_demo_network
from anxin.demo.tickets import create_demo_tickets
from anxin.privacy.keyfile import load_key_ring


@pytest.fixture
def waiting(live_server, db, demo):
    """Tickets sealed with the server's own key ring (its lifespan created the key file)."""
    create_demo_network(db)
    create_demo_tickets(db, load_key_ring(key_file=live_server.settings.resolved_key_file, create=False), count=12)
    db.commit()


def test_board_runs_auto_dispatch(live_server, waiting, page, log_in):
    log_in(page, "antu-dispatch")
    expect(page.get_by_test_id("workspace-title")).to_contain_text("调度员")
    expect(page.get_by_test_id("waiting").locator("tbody tr")).to_have_count(12)
    # The demo tickets came in on 2026-11-23/24 and nobody answered: every promise on the queue is breached.
    expect(page.get_by_test_id("waiting").locator("[data-testid^=sla-]", has_text="超时")).to_have_count(12)
    page.get_by_test_id("run-dispatch").click()
    expect(page.get_by_test_id("dispatch-result")).to_be_visible()
    assigned = int(page.get_by_test_id("dispatch-result").get_attribute("data-assigned"))
    left = page.get_by_test_id("waiting").locator("tbody tr[data-number]").count()
    on_boards = page.locator("[data-testid^=tech-] li[data-number]").count()
    assert assigned == on_boards and assigned + left == 12


def test_the_dispatcher_pins_a_ticket_and_sees_the_map(live_server, waiting, page, log_in):
    log_in(page, "antu-dispatch")
    expect(page.get_by_test_id("dispatch-map")).to_have_attribute("data-rendered", "true")
    first = page.get_by_test_id("waiting").locator("tbody tr[data-number]").first
    number = first.get_attribute("data-number")
    form = page.get_by_test_id(f"assign-{number}")
    form.locator("select[name=technician_id]").select_option(label="陈勇")  # 成都: covers none of 杭州's districts
    form.get_by_role("button").click()
    expect(page.get_by_test_id("error")).to_contain_text("不覆盖")
    expect(page.get_by_test_id("waiting").locator(f"tr[data-number='{number}']")).to_have_count(1)


def test_the_dispatcher_drags_tickets_onto_technicians(live_server, waiting, page, log_in):
    page.set_viewport_size({"width": 1280, "height": 2400})  # the queue and the crew's cards on one screen
    log_in(page, "antu-dispatch")
    ticket = page.get_by_test_id("waiting").locator("tbody tr[data-number]", has_text="拱墅区").first  # S1 lock
    number = ticket.get_attribute("data-number")

    def card(name: str):
        return page.locator("[data-testid^=tech-]", has=page.get_by_role("heading", name=name))

    def booked_with(name: str):
        return card(name).locator(f"li[data-number='{number}']")

    ticket.drag_to(card("王磊"))
    expect(booked_with("王磊")).to_have_count(1)
    expect(page.get_by_test_id("waiting").locator(f"tr[data-number='{number}']")).to_have_count(0)
    # Booked but not under way: dragged on to a second technician, who takes it over.
    booked_with("王磊").drag_to(card("郑建国"))
    expect(booked_with("郑建国")).to_have_count(1)
    expect(booked_with("王磊")).to_have_count(0)
    # A technician who cannot take it: refused with the rule, and the booking stays where it was.
    booked_with("郑建国").drag_to(card("陈勇"))
    expect(page.get_by_test_id("error")).to_contain_text("不覆盖")
    expect(booked_with("郑建国")).to_have_count(1)
