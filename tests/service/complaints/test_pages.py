"""In headless Chromium: a customer complains about a repair on the tracking page; the brand answers; they read it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from tests.service.visits.helpers import TECHNICIAN, complete_with_part, dispatched_jobs, image

from anxin.privacy.keyfile import load_key_ring
from anxin.service.customers import service as customers
from anxin.service.customers.models import Customer


@pytest.fixture
def repaired(live_server, db, demo, principal):
    keys = load_key_ring(key_file=live_server.settings.resolved_key_file, create=False)
    job = dispatched_jobs(db, keys, principal)[0]
    complete_with_part(db, keys, job, principal(TECHNICIAN), live_server.settings.data_dir)
    phone = keys.open(db.get(Customer, job.customer_id).phone_sealed, context=customers.PHONE)
    db.commit()
    return job.number, phone.removeprefix("+86")


def _track(page, url, number, phone):
    page.goto(f"{url}/track")
    page.get_by_test_id("track-form").locator("input[name=number]").fill(number)
    page.get_by_test_id("track-form").locator("input[name=phone]").fill(phone)
    page.get_by_test_id("track-form").locator("button").click()


def test_customer_complains_and_reads_the_brands_reply(live_server, repaired, page, browser, log_in, tmp_path):
    number, phone = repaired
    _track(page, live_server.url, number, phone)
    record = page.get_by_test_id("visit-record")
    expect(record).to_contain_text("锂电池组")
    expect(record.get_by_test_id("signature")).to_be_visible()
    page.get_by_test_id("complain").click()
    form = page.get_by_test_id("complaint-form")
    form.locator("select[name=category]").select_option("overcharge")
    form.locator("textarea[name=text]").fill("   ")
    form.locator("textarea[name=text]").evaluate("el => el.removeAttribute('required')")
    form.get_by_test_id("send-complaint").click()
    expect(page.get_by_test_id("error-text")).to_contain_text("请描述")  # refused next to the field, choice kept
    expect(page.locator("select[name=category]")).to_have_value("overcharge")
    page.locator("textarea[name=text]").fill("电池按两块收费，实际只换了一块")
    shot = tmp_path / "receipt.png"
    shot.write_bytes(image())
    page.locator("input[name=photos]").set_input_files(shot)
    page.get_by_test_id("send-complaint").click()
    expect(page.get_by_test_id("complaint-status")).to_have_text("已受理")

    admin = browser.new_context(locale="en-US").new_page()
    log_in(admin, "antu-admin")
    admin.goto(f"{live_server.url}/brand/complaints?status=open")
    admin.get_by_test_id("complaint-list").locator("tbody a").first.click()
    expect(admin.get_by_test_id("promise")).to_contain_text("¥70.00")
    admin.get_by_test_id("decide").click()  # open → investigating
    admin.get_by_test_id("refund-form").locator("input[name=amount]").fill("80")
    admin.get_by_test_id("refund-form").locator("input[name=reason]").fill("多收一块电池")
    admin.get_by_test_id("grant-refund").click()
    expect(admin.get_by_test_id("error-amount")).to_contain_text("不超过 70.00 元")
    admin.get_by_test_id("refund-form").locator("input[name=amount]").fill("35")
    admin.get_by_test_id("grant-refund").click()
    expect(admin.get_by_test_id("refund")).to_contain_text("¥35.00")
    admin.get_by_test_id("move-form").locator("select[name=status]").select_option("resolved")
    admin.get_by_test_id("move-form").locator("textarea[name=reply]").fill("已退还多收的 35 元，向您致歉")
    admin.get_by_test_id("decide").click()
    expect(admin.get_by_test_id("complaint-title")).to_contain_text("投诉属实")
    expect(admin.get_by_test_id("complaint-history")).to_contain_text("antu-admin")
    admin.get_by_role("link", name=number).first.click()  # the ticket page: visit record and complaints
    expect(admin.get_by_test_id("visit-record")).to_contain_text("更换电池")
    expect(admin.get_by_test_id("visit-record").get_by_test_id("signature")).to_be_visible()
    expect(admin.get_by_test_id("complaints")).to_contain_text("已退还多收的 35 元")
    admin.context.close()

    _track(page, live_server.url, number, phone)
    expect(page.get_by_test_id("complaint-reply")).to_contain_text("已退还多收的 35 元")
    expect(page.get_by_test_id("complaint-refund")).to_contain_text("¥35.00")
