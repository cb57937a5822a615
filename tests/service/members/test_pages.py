"""In headless Chromium: the brand admin sets up tiers and members; bad input is answered next to its field."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from anxin.demo.network import create_demo_network


@pytest.fixture
def network(live_server, db, demo):
    create_demo_network(db)
    db.commit()


def test_brand_admin_adds_a_tier_and_a_member(live_server, network, page, log_in):
    log_in(page, "antu-admin")
    page.get_by_role("link", name="会员管理").click()
    expect(page.get_by_test_id("no-tiers")).to_be_visible()

    new = page.get_by_test_id("new-tier")
    new.locator("input[name=name]").fill("金卡会员")
    new.locator("input[name=rank]").fill("3")
    new.locator("input[name=response_minutes]").fill("45")
    new.locator("input[name=discount_percent]").fill("10")
    new.locator("input[name=priority_dispatch]").check()
    new.get_by_role("button").click()
    new = page.get_by_test_id("new-tier")
    expect(new.get_by_test_id("error-response_minutes")).to_contain_text("响应承诺须在 5–30 分钟之间")
    expect(new.locator("input[name=name]")).to_have_value("金卡会员")  # what was typed is kept
    expect(new.locator("input[name=priority_dispatch]")).to_be_checked()
    new.locator("input[name=response_minutes]").fill("20")
    new.get_by_role("button").click()

    gold = page.get_by_test_id("tier-3")
    expect(gold.locator("input[name=response_minutes]")).to_have_value("20")
    expect(gold.get_by_test_id("tier-members")).to_contain_text("0")

    assign = page.get_by_test_id("assign")
    assign.locator("input[name=phone]").fill("一三九")
    assign.get_by_role("button").click()
    expect(page.get_by_test_id("assign").get_by_test_id("error-phone")).to_contain_text("没有电话号码")
    assign = page.get_by_test_id("assign")
    assign.locator("input[name=phone]").fill("139 0013 9000")
    assign.locator("select[name=tier_id]").select_option(label="金卡会员")
    assign.get_by_role("button").click()
    assign = page.get_by_test_id("assign")
    expect(assign.get_by_test_id("error-name")).to_contain_text("请填写姓名")
    expect(assign.locator("input[name=phone]")).to_have_value("139 0013 9000")
    assign.locator("input[name=name]").fill("李娜")
    assign.get_by_role("button").click()
    expect(page.get_by_test_id("members")).to_contain_text("139****9000")
    expect(page.get_by_test_id("members")).to_contain_text("李*")
    expect(page.get_by_test_id("tier-3").get_by_test_id("tier-members")).to_contain_text("1")

    gold = page.get_by_test_id("tier-3")
    gold.locator("input[name=discount_percent]").fill("十")
    gold.get_by_role("button").click()
    expect(page.get_by_test_id("tier-3").get_by_test_id("error-discount_percent")).to_have_text("折扣须为整数")
    page.get_by_test_id("tier-3").locator("input[name=discount_percent]").fill("15")
    page.get_by_test_id("tier-3").get_by_role("button").click()
    expect(page.get_by_test_id("tier-3").locator("input[name=discount_percent]")).to_have_value("15")
