"""In headless Chromium: the cascading picker walks down to a town, and pasted names resolve in place."""

from __future__ import annotations

from playwright.sync_api import expect


def test_cascading_picker_reaches_a_town(live_server, page):
    page.goto(f"{live_server.url}/regions")
    picker = page.get_by_test_id("region-picker")
    for code in ("61", "6105", "610523"):
        picker.locator("select").last.select_option(code)
        expect(page.locator("input[name=region_code]")).to_have_value(code)
        picker = page.get_by_test_id("region-picker")
    assert "陕西省渭南市大荔县" in page.get_by_test_id("picked").inner_text()
    towns = picker.locator("select").last.locator("option")
    assert towns.count() > 5  # the county's townships are offered next


def test_paste_and_resolve(live_server, page):
    page.goto(f"{live_server.url}/regions")
    page.fill("textarea[name=q]", "黔东南黄平县、杭州市江干区、朝阳区")
    page.get_by_test_id("resolve-form").locator("button").click()
    table = page.get_by_test_id("resolutions")
    table.wait_for()
    text = table.inner_text()
    assert "522622" in text and "330102" in text
    assert "旧地名" in text and "有歧义" in text  # flags shown in Chinese
