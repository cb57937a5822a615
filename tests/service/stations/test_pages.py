"""In headless Chromium: a visitor finds the station serving a town; a brand admin adds a station by typing
the districts it serves, and a technician to it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from anxin.demo.network import create_demo_network


@pytest.fixture
def network(db, demo):
    create_demo_network(db)
    db.commit()


def _pick(page, codes):
    for code in codes:
        page.get_by_test_id("region-picker").locator("select").last.select_option(code)
        expect(page.locator("input[name=region_code]")).to_have_value(code)


def test_visitor_finds_the_station_for_a_town(live_server, network, page):
    page.goto(f"{live_server.url}/stations")
    _pick(page, ["33", "3301", "330105"])
    found = page.get_by_test_id("stations-found")
    expect(found).to_contain_text("安途上城社区服务站")
    expect(found).to_contain_text("0571-87000000")
    expect(found).to_contain_text("周六 09:00–17:00")
    page.get_by_test_id("region-picker").locator("select").nth(2).select_option("330110")  # 余杭区: nobody serves it
    expect(page.locator("input[name=region_code]")).to_have_value("330110")
    expect(page.get_by_test_id("stations-found")).to_contain_text("暂时没有服务站")


def test_brand_admin_adds_station_by_district_names_and_a_technician(live_server, network, page, log_in):
    log_in(page, "antu-admin")
    page.goto(f"{live_server.url}/brand/network")
    form = page.get_by_test_id("new-station")
    form.locator("input[name=name]").fill("安途滨江服务站")
    _pick(page, ["33", "3301", "330108"])
    form.locator("input[name=address]").fill("江南大道 1 号")
    form.locator("input[name=phone]").fill("0571-87000010")
    form.locator("textarea[name=coverage]").fill("杭州市滨江区、萧山区")
    form.locator("button[type=submit]").click()
    row = page.get_by_test_id("stations").locator("tr", has_text="安途滨江服务站")
    expect(row).to_contain_text("330108")
    expect(row).to_contain_text("330109")

    tech = page.get_by_test_id("new-technician")
    tech.locator("input[name=tech_name]").fill("孙浩")
    tech.locator("input[name=skills]").fill("智能锁，S1")
    tech.locator("select[name=home_station_id]").select_option(label="安途滨江服务站")
    tech.locator("button").click()
    expect(page.get_by_test_id("technicians").locator("tr", has_text="孙浩")).to_contain_text("安途滨江服务站")


def test_ambiguous_district_name_is_refused_and_the_form_kept(live_server, network, page, log_in):
    log_in(page, "antu-admin")
    page.goto(f"{live_server.url}/brand/network")
    form = page.get_by_test_id("new-station")
    form.locator("input[name=name]").fill("安途朝阳站")
    _pick(page, ["11", "1101", "110105"])
    form.locator("input[name=address]").fill("某路 1 号")
    form.locator("input[name=phone]").fill("010-62000000")
    form.locator("textarea[name=coverage]").fill("朝阳区")
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("network-error")).to_contain_text("朝阳区")
    assert page.input_value("input[name=name]") == "安途朝阳站"
    assert page.input_value("textarea[name=coverage]") == "朝阳区"
