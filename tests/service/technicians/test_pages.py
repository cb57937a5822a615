"""In headless Chromium: a brand admin appeals a penalty on one of its technicians; the analysts see the appeal."""

from __future__ import annotations

from playwright.sync_api import expect

from anxin.auth import service as auth
from anxin.demo.network import create_demo_network
from anxin.integrity.credit import service as credit
from anxin.service.technicians import service as technicians


def test_a_brand_admin_appeals_from_its_penalties_page(live_server, db, demo, page, log_in):
    create_demo_network(db)
    analyst = auth.principal_of(auth.get_user_by_username(db, username="risk"))
    [first, *_] = technicians.list_technicians(db, viewer=analyst)
    credit.impose(db, kind="technician", subject_id=str(first.id), level="demotion", reason="一周内超时 4 次",
                  actor=analyst)  # fmt: skip
    db.commit()
    log_in(page, "antu-admin")
    page.get_by_role("link", name="处罚与申诉").click()
    row = page.get_by_test_id("penalties").locator("tbody tr").first
    expect(row).to_contain_text(first.name)
    expect(row).to_contain_text("一周内超时 4 次")
    row.get_by_test_id("appeal").click()  # empty: the browser asks for a reason first
    expect(row.get_by_test_id("appeal-text")).to_be_focused()
    row.get_by_test_id("appeal-text").fill("其中 3 次为客户改约，已附聊天记录")
    row.get_by_test_id("appeal").click()
    row = page.get_by_test_id("penalties").locator("tbody tr").first
    expect(row).to_contain_text("其中 3 次为客户改约")
    expect(row.get_by_test_id("appeal")).to_have_count(0)
    log_in(page, "risk")
    page.goto(f"{live_server.url}/risk/penalties")
    expect(page.locator("body")).to_contain_text("其中 3 次为客户改约")
