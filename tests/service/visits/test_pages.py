"""In headless Chromium, phone-sized: a technician takes a job from dispatch to done, one step made offline."""

from __future__ import annotations

from datetime import datetime

import pytest
from playwright.sync_api import expect
from tests.service.visits.helpers import add_part_on_page, image, sign_on_page

from anxin.clocks.zones import CHINA
from anxin.demo.network import create_demo_network
from anxin.demo.tickets import create_demo_tickets
from anxin.privacy.keyfile import load_key_ring
from anxin.service.dispatch import service as dispatch

PHONE = {"width": 390, "height": 844}
WEST_LAKE = {"latitude": 30.2592, "longitude": 120.1480, "accuracy": 20}


@pytest.fixture
def job(live_server, db, demo, principal):
    create_demo_network(db)
    create_demo_tickets(db, load_key_ring(key_file=live_server.settings.resolved_key_file, create=False), count=24)
    result = dispatch.auto_dispatch(db, actor=principal("antu-dispatch"), now=datetime(2026, 11, 24, 10, tzinfo=CHINA))
    db.commit()
    return next(number for number, name, _why in result.assigned if name == "郑建国")


def test_technician_completes_a_job_with_a_part_and_a_signature(live_server, job, browser, log_in, tmp_path):
    context = browser.new_context(
        locale="en-US", viewport=PHONE, geolocation=WEST_LAKE, permissions=["geolocation"], has_touch=True
    )
    phone = context.new_page()
    phone.set_default_timeout(15_000)
    log_in(phone, "antu-tech")
    card = phone.get_by_test_id(f"job-{job}")
    expect(card).to_contain_text("已派单")
    card.get_by_test_id("step-accepted").click()
    card.get_by_test_id("reveal").click()
    expect(phone.get_by_test_id("contact")).to_contain_text("+86")
    card.get_by_test_id("step-en_route").click()
    card.get_by_test_id("step-on_site").click()
    expect(card.get_by_test_id("checked-in")).to_contain_text("±20")

    context.set_offline(True)  # in the basement: the part is kept on the phone
    add_part_on_page(card, name="锂电池组", code="BAT-4", quantity="2", unit_price="35.50")
    expect(phone.get_by_test_id("pending")).to_contain_text("锂电池组")
    context.set_offline(False)  # back up: the queue is sent and the page shows the part
    expect(phone.get_by_test_id("pending")).to_be_hidden()
    expect(card.get_by_test_id("parts-total")).to_have_text("¥71.00")

    photo = tmp_path / "fault.jpg"
    photo.write_bytes(image("JPEG", (1200, 900)))
    card.get_by_test_id("photo-fault").set_input_files(photo)
    card.get_by_test_id("upload-fault").click()
    expect(card.get_by_test_id("visit-photos").locator("img")).to_have_count(1)

    card.locator("textarea[name=summary]").fill("更换电池组，开锁测试正常")
    card.get_by_test_id("step-completed").click()
    expect(card.locator('[data-error-for="signature"]')).to_contain_text("签名")
    sign_on_page(phone, card)
    card.get_by_test_id("step-completed").click()
    expect(card).to_have_count(0)  # done: off today's list
    context.close()
