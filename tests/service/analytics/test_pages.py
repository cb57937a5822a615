"""In headless Chromium: the brand admin's analytics page draws its charts with the vendored ECharts."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from anxin.demo.history import create_demo_history
from anxin.demo.members import create_demo_members
from anxin.demo.network import create_demo_network
from anxin.demo.tickets import create_demo_tickets
from anxin.privacy.keyfile import load_key_ring


@pytest.fixture
def data(live_server, db, demo):
    keys = load_key_ring(key_file=live_server.settings.resolved_key_file, create=False)
    create_demo_network(db)
    create_demo_members(db, keys)
    create_demo_tickets(db, keys, count=10)
    create_demo_history(db)
    db.commit()


def test_charts_render(live_server, data, page, log_in):
    log_in(page, "antu-admin")
    page.get_by_role("link", name="数据分析").click()
    expect(page.get_by_test_id("total")).to_have_text("10")
    for key in ("status", "sla", "district", "day", "state-time", "waiting", "sla-station", "sla-tier"):
        chart = page.get_by_test_id(f"chart-{key}")
        expect(chart).to_have_attribute("data-rendered", "true")
        expect(chart.locator("svg")).to_have_count(1)
    expect(page.get_by_test_id("chart-status")).to_contain_text("已受理")
    expect(page.get_by_test_id("chart-state-time")).to_contain_text("师傅已上门")
    expect(page.get_by_test_id("chart-sla-tier")).to_contain_text("金卡会员")
    expect(page.get_by_test_id("state-times").locator("tr[data-status=received]")).to_contain_text("已受理")
    expect(page.get_by_test_id("sla-by-station")).to_contain_text("安途上城社区服务站")
    expect(page.get_by_test_id("sla-by-tier")).to_contain_text("非会员")
    expect(page.get_by_test_id("oldest-open").locator("tbody tr").first).to_contain_text("AX2026")
