"""In headless Chromium: the brand admin's analytics page draws its four charts with the vendored ECharts."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from anxin.demo.network import create_demo_network
from anxin.demo.tickets import create_demo_tickets
from anxin.privacy.keyfile import load_key_ring


@pytest.fixture
def data(live_server, db, demo):
    create_demo_network(db)
    create_demo_tickets(db, load_key_ring(key_file=live_server.settings.resolved_key_file, create=False), count=10)
    db.commit()


def test_charts_render(live_server, data, page, log_in):
    log_in(page, "antu-admin")
    page.goto(f"{live_server.url}/analytics")
    expect(page.get_by_test_id("total")).to_have_text("10")
    for key in ("status", "sla", "district", "day"):
        chart = page.get_by_test_id(f"chart-{key}")
        expect(chart).to_have_attribute("data-rendered", "true")
        expect(chart.locator("svg")).to_have_count(1)
    expect(page.get_by_test_id("chart-status")).to_contain_text("已受理")
