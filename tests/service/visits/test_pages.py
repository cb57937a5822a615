"""In headless Chromium, phone-sized: the technician accepts a job, sees the address, arrives, finishes."""

from __future__ import annotations

from datetime import datetime

import pytest
from playwright.sync_api import expect

from anxin.clocks.zones import CHINA
from anxin.demo.network import create_demo_network
from anxin.demo.tickets import create_demo_tickets
from anxin.privacy.keyfile import load_key_ring
from anxin.service.dispatch import service as dispatch


@pytest.fixture
def job(live_server, db, demo, principal):
    create_demo_network(db)
    create_demo_tickets(db, load_key_ring(key_file=live_server.settings.resolved_key_file, create=False), count=24)
    result = dispatch.auto_dispatch(db, actor=principal("antu-dispatch"), now=datetime(2026, 11, 24, 10, tzinfo=CHINA))
    db.commit()
    return next(number for number, name, _why in result.assigned if name == "郑建国")


def test_technician_walks_a_job_through(live_server, job, browser, log_in):
    phone = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844}).new_page()
    log_in(phone, "antu-tech")
    card = phone.get_by_test_id(f"job-{job}")
    expect(card).to_contain_text("已派单")
    card.get_by_test_id("step-accepted").click()
    phone.get_by_test_id(f"job-{job}").get_by_test_id("reveal").click()
    contact = phone.get_by_test_id("contact")
    expect(contact).to_contain_text("+86")
    for step in ("step-en_route", "step-on_site", "step-completed"):
        phone.get_by_test_id(f"job-{job}").get_by_test_id(step).click()
    expect(phone.get_by_test_id(f"job-{job}")).to_have_count(0)  # done: off today's list
    phone.context.close()
