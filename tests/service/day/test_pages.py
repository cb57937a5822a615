"""In headless Chromium, one demo brand's day end to end, as its people do it in the browser.

A customer books online with a photo of the lock and an agent takes a call; the dispatcher drags the
online request onto a technician; the technician, on the phone, checks in,
records a part and the customer's signature and completes; the customer sees
the visit record and the warranty and rates the repair; the lock fails again
and the agent reopens the ticket under warranty, which goes back to the
dispatcher's queue; the brand admin's analytics count the day.
"""

from __future__ import annotations

import pytest
from PIL import Image
from playwright.sync_api import expect
from tests.service.visits.helpers import add_part_on_page, sign_on_page

from anxin.demo.network import create_demo_network

PHONE = {"width": 390, "height": 844}
WEST_LAKE = {"latitude": 30.2592, "longitude": 120.1480, "accuracy": 20}
CUSTOMER_PHONE = "13800138000"


@pytest.fixture
def network(db, demo):
    create_demo_network(db)
    db.commit()


def _describe_the_fault(page, *, phone: str, name: str) -> None:
    page.fill("input[name=phone]", phone)
    page.fill("input[name=name]", name)
    for code in ("33", "3301", "330102"):  # 浙江省 › 杭州市 › 上城区, served by the demo stations
        page.get_by_test_id("region-picker").locator("select").last.select_option(code)
        expect(page.locator("input[name=region_code]")).to_have_value(code)
    page.fill("input[name=address]", "望江路 18 号 3 幢 502 室")
    page.fill("input[name=lock_model]", "S1")
    page.select_option("select[name=fault]", "battery")


def test_a_brand_runs_its_day_in_the_browser(live_server, network, browser, log_in, tmp_path):
    def tab(**options):
        page = browser.new_context(locale="en-US", **options).new_page()
        page.set_default_timeout(15_000)
        return page

    customer = tab()
    customer.goto(f"{live_server.url}/repair")
    _describe_the_fault(customer, phone=CUSTOMER_PHONE, name="陈晨")
    lock = tmp_path / "lock.jpg"
    Image.new("RGB", (640, 480), (90, 90, 90)).save(lock, format="JPEG")
    customer.get_by_test_id("photos").set_input_files(lock)
    customer.get_by_test_id("repair-form").locator("button[type=submit]").click()
    number = customer.get_by_test_id("ticket-number").inner_text()
    track = f"{live_server.url}/track?number={number}&phone={CUSTOMER_PHONE}"

    agent = tab()
    log_in(agent, "antu-agent")
    agent.goto(f"{live_server.url}/tickets/new")
    _describe_the_fault(agent, phone="13900139000", name="李雷")
    agent.get_by_test_id("intake-form").locator("button[type=submit]").click()
    expect(agent.get_by_test_id("ticket-title")).to_contain_text("已受理")

    dispatcher = tab(viewport={"width": 1280, "height": 2400})
    log_in(dispatcher, "antu-dispatch")
    expect(dispatcher.get_by_test_id(f"sla-{number}")).to_contain_text("响应截止")  # booked minutes ago
    technician_card = dispatcher.locator("[data-testid^=tech-]", has=dispatcher.get_by_role("heading", name="郑建国"))
    dispatcher.get_by_test_id("waiting").locator(f"tr[data-number='{number}']").drag_to(technician_card)
    expect(technician_card.locator(f"li[data-number='{number}']")).to_have_count(1)

    phone = tab(viewport=PHONE, geolocation=WEST_LAKE, permissions=["geolocation"], has_touch=True)
    log_in(phone, "antu-tech")  # linked to 郑建国
    job = phone.get_by_test_id(f"job-{number}")
    expect(job.get_by_test_id("request-photos").locator("img")).to_have_count(1)  # the fault, before setting off
    for step in ("accepted", "en_route", "on_site"):
        job.get_by_test_id(f"step-{step}").click()
    expect(job.get_by_test_id("checked-in")).to_contain_text("±20")
    add_part_on_page(job, name="碱性电池（8 节）", code="BAT-AA8", quantity="1", unit_price="48")
    expect(job.get_by_test_id("parts-total")).to_have_text("¥48.00")
    job.locator("textarea[name=summary]").fill("打磨电池仓触点，换装碱性电池，开锁测试正常")
    sign_on_page(phone, job)
    job.get_by_test_id("step-completed").click()
    expect(job).to_have_count(0)

    customer.goto(track)
    expect(customer.get_by_test_id("progress")).to_contain_text("已完成")
    expect(customer.get_by_test_id("warranty")).to_contain_text("保修至")
    expect(customer.get_by_test_id("signature")).to_be_visible()
    rating = customer.get_by_test_id("rating-form")
    rating.locator("select[name=stars]").select_option("5")
    rating.locator("textarea[name=comment]").fill("半小时就到了，很专业")
    rating.locator("button").click()
    expect(customer.get_by_test_id("rated")).to_be_visible()

    # A week later the lock fails again: the agent finds the ticket and reopens it as a free re-repair.
    agent.goto(f"{live_server.url}/tickets")
    agent.locator(f"a:text-is('{number}')").click()
    expect(agent.get_by_test_id("request-photos").locator("img")).to_have_count(1)  # the photo sent at booking
    agent.get_by_test_id("move-form").locator("select").select_option("reopened")
    agent.get_by_test_id("move-form").locator("button").click()
    expect(agent.get_by_test_id("ticket-title")).to_contain_text("保修期内重开")
    dispatcher.goto(f"{live_server.url}/dispatch")
    expect(dispatcher.get_by_test_id("waiting").locator(f"tr[data-number='{number}']")).to_have_count(1)

    admin = tab(viewport={"width": 1280, "height": 1600})
    log_in(admin, "antu-admin")
    admin.goto(f"{live_server.url}/analytics")
    expect(admin.get_by_test_id("total")).to_contain_text("2")
    expect(admin.get_by_test_id("chart-state-time")).to_have_attribute("data-rendered", "true")
    expect(admin.get_by_test_id("chart-state-time")).to_contain_text("师傅已上门")
    for page in (customer, agent, dispatcher, phone, admin):
        page.context.close()
