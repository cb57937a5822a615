"""In headless Chromium: the risk console shows decisions and explains one; the editor checks, backtests, saves
and activates rules; lists take entries and refuse bad names."""

from __future__ import annotations

import httpx
import pytest
from PIL import Image
from playwright.sync_api import expect

from anxin.demo.integrity import (
    BRUSHING_SHOP,
    CASHBACK_SHOP,
    EXTORTION_CREW,
    GANG_SHOPS,
    INSIDER,
    INSIDER_SHOP,
    brushing_events,
    cashback_events,
    extortion_events,
    gang_events,
    insider_events,
    ring_events,
)
from anxin.demo.marketplace import DEMO_RULES

T0 = 1767225600000


@pytest.fixture
def decided(live_server, demo, login_as):
    """The demo rules saved and activated through the API, then 25 orders from one device."""
    risk, admin = login_as("risk"), login_as("admin")
    with httpx.Client(base_url=live_server.url, cookies={"anxin_session": risk.cookie}) as r:
        headers = {"X-CSRF-Token": risk.csrf}
        version = r.post("/api/rulesets", json={"source": DEMO_RULES, "reason": "演示规则"}, headers=headers).json()
        assert r.post(f"/api/rulesets/{version['id']}/activate", headers=headers).status_code == 200
    with httpx.Client(base_url=live_server.url, cookies={"anxin_session": admin.cookie}) as a:
        events = [
            {
                "id": f"o-{i}",
                "time": T0 + i * 1000,
                "tenant": "demo-mall",
                "type": "order_placed",
                "actor": f"acct-{i % 2}",
                "attributes": {"device": "dev-farm", "shop": "shop-1", "amount": 1990},
            }
            for i in range(25)
        ]
        sent = a.post("/api/events/batch", json={"events": events}, headers={"X-CSRF-Token": admin.csrf})
        assert sent.status_code == 200, sent.text


def test_console_stream_chart_and_explanation(live_server, decided, page, log_in):
    log_in(page, "risk")
    expect(page).to_have_url(f"{live_server.url}/risk")
    expect(page.get_by_test_id("total-block")).to_have_text("5")
    expect(page.get_by_test_id("chart-decisions")).to_have_attribute("data-rendered", "true")
    expect(page.get_by_test_id("chart-decisions")).to_contain_text("拦截")
    page.goto(f"{live_server.url}/risk?action=block")
    page.get_by_test_id("stream").get_by_role("link").first.click()
    expect(page.get_by_test_id("decision-action")).to_have_text("拦截")
    fired = page.get_by_test_id("fired")
    expect(fired).to_contain_text("hf_orders_device")
    expect(fired).to_contain_text("count(order_placed, by=device, window=1h)")


def test_rule_editor_checks_backtests_saves_and_activates(live_server, decided, page, log_in):
    log_in(page, "risk")
    page.goto(f"{live_server.url}/risk/rules")
    source = page.get_by_test_id("source")
    source.fill('rule broken when amount > then block reason "x"')
    page.get_by_test_id("check").click()
    expect(page.get_by_test_id("rule-error")).to_contain_text("行 1")
    source.fill('rule many when type == "order_placed" and count(order_placed, by=device, window=1h) > 5 then review')
    page.get_by_test_id("backtest").click()
    report = page.get_by_test_id("backtest-report")
    expect(report).to_contain_text("25")
    expect(page.get_by_test_id("chart-backtest")).to_have_attribute("data-rendered", "true")
    page.fill("input[name=reason]", "stricter device limit")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("saved")).to_contain_text("2")
    page.get_by_test_id("activate-2").click()
    expect(page.get_by_test_id("versions")).to_contain_text("运行中")
    expect(page.get_by_test_id("provenance")).to_contain_text("stricter device limit")


def test_lists_take_entries_and_refuse_bad_names(live_server, decided, page, log_in):
    log_in(page, "risk")
    page.goto(f"{live_server.url}/risk/lists")
    form = page.get_by_test_id("add-entries")
    form.locator("input[name=list_name]").fill("block_devices")
    form.locator("textarea[name=values]").fill("dev-x, dev-y")
    form.locator("input[name=reason]").fill("farm devices")
    form.get_by_role("button").click()
    expect(page.get_by_test_id("list-block_devices")).to_contain_text("dev-y")
    form = page.get_by_test_id("add-entries")
    form.locator("input[name=list_name]").fill("bad name!")
    form.locator("textarea[name=values]").fill("x")
    form.locator("input[name=reason]").fill("r")
    form.get_by_role("button").click()
    expect(page.get_by_test_id("error")).to_be_visible()


@pytest.fixture
def ring_sent(live_server, demo, login_as):
    """The planted 群控 ring's 36 events, sent through the API as a platform would."""
    admin = login_as("admin")
    ring = sorted(ring_events(T0), key=lambda e: e.time_ms)
    with httpx.Client(base_url=live_server.url, cookies={"anxin_session": admin.cookie}) as a:
        a.post("/api/events/batch", json={"events": [e.to_dict() for e in ring]}, headers={"X-CSRF-Token": admin.csrf})


def test_findings_run_open_draw_and_confirm(live_server, ring_sent, page, log_in):
    log_in(page, "risk")
    page.goto(f"{live_server.url}/risk/findings")
    page.get_by_test_id("run-detector").get_by_role("button").click()
    expect(page.get_by_test_id("runs")).to_contain_text("36")
    page.get_by_test_id("findings").get_by_role("link").first.click()
    expect(page.get_by_test_id("reasons")).to_contain_text("card-ring-1")
    expect(page.get_by_test_id("finding-graph")).to_have_attribute("data-rendered", "true")
    expect(page.get_by_test_id("members")).to_contain_text("ring-11")
    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("finding-status")).to_have_text("已确认")


def test_a_dense_block_is_found_and_drawn_with_its_shops(live_server, demo, login_as, page, log_in):
    """The demo's planted 刷单 gang among 1,500 honest orders at 30 shops, sent through the API."""
    admin = login_as("admin")
    honest = [
        {"id": f"h-{i}", "time": T0 + i * 60_000, "tenant": "demo-mall", "type": "order_placed",
         "actor": f"buyer-{i % 500}", "attributes": {"shop": f"shop-{(i * 7919) % 30:03d}", "amount": 990}}
        for i in range(1_500)
    ]  # fmt: skip
    gang = [e.to_dict() for e in sorted(gang_events(T0), key=lambda e: e.time_ms)]
    with httpx.Client(base_url=live_server.url, cookies={"anxin_session": admin.cookie}) as a:
        for batch in (honest[:750], honest[750:], gang):
            a.post("/api/events/batch", json={"events": batch}, headers={"X-CSRF-Token": admin.csrf})
    log_in(page, "risk")
    page.goto(f"{live_server.url}/risk/findings")
    page.get_by_test_id("run-detector").locator("select[name=detector]").select_option("dense_blocks")
    page.get_by_test_id("run-detector").get_by_role("button").click()
    page.get_by_test_id("findings").get_by_role("link").first.click()
    expect(page.get_by_test_id("reasons")).to_contain_text("个账号都在同样的 6 家店铺下单或评价")
    expect(page.get_by_test_id("finding-graph")).to_have_attribute("data-rendered", "true")
    for shop in GANG_SHOPS:
        expect(page.get_by_test_id("members")).to_contain_text(shop)


def test_a_cashback_channel_shows_its_payer_shop_and_paid_reviewers(live_server, demo, login_as, page, log_in):
    """The demo's go-between among red packets, a payroll and price-protection refunds, sent through the API."""
    admin = login_as("admin")
    praise = [
        {"id": f"p-{i}", "time": T0 + i * 60_000, "tenant": "demo-mall", "type": "review", "actor": f"acct-{i:05d}",
         "attributes": {"shop": f"shop-{i % 30:03d}", "rating": 5}}
        for i in range(600)
    ]  # fmt: skip
    money = [e.to_dict() for e in sorted(cashback_events(T0), key=lambda e: e.time_ms)]
    with httpx.Client(base_url=live_server.url, cookies={"anxin_session": admin.cookie}) as a:
        for batch in (praise, money):
            a.post("/api/events/batch", json={"events": batch}, headers={"X-CSRF-Token": admin.csrf})
    log_in(page, "risk")
    page.goto(f"{live_server.url}/risk/findings")
    page.get_by_test_id("run-detector").locator("select[name=detector]").select_option("cashback")
    page.get_by_test_id("run-detector").get_by_role("button").click()
    page.get_by_test_id("findings").get_by_role("link").first.click()
    expect(page.get_by_test_id("reasons")).to_contain_text(f"cb-agent 在 15 名评价者给 {CASHBACK_SHOP} 好评后")
    expect(page.get_by_test_id("finding-graph")).to_have_attribute("data-rendered", "true")
    expect(page.get_by_test_id("members")).to_contain_text("cb-14")


def send(live_server, login, events: list[dict]) -> None:
    with httpx.Client(base_url=live_server.url, cookies={"anxin_session": login.cookie}) as a:
        for start in range(0, len(events), 2_000):
            sent = a.post("/api/events/batch", json={"events": events[start : start + 2_000]},
                          headers={"X-CSRF-Token": login.csrf})  # fmt: skip
            assert sent.status_code == 200, sent.text


def run_and_open(page, live_server, detector: str) -> None:
    page.goto(f"{live_server.url}/risk/findings")
    page.get_by_test_id("run-detector").locator("select[name=detector]").select_option(detector)
    page.get_by_test_id("run-detector").get_by_role("button").click()
    page.get_by_test_id("findings").get_by_role("link").first.click()


def test_a_brushing_campaign_shows_its_keyword_bands_and_sessions(live_server, demo, login_as, page, log_in):
    """The demo's keyword campaign beside ordinary visits of the same shop and a flash sale elsewhere."""
    events = [e.to_dict() for e in brushing_events(T0)]
    for i in range(90):  # the shop's ordinary visitors: category keywords, spread browsing, a third buy
        who, t = f"acct-{i:05d}", T0 + i * 1_800_000
        events.append({"id": f"s-{i}", "time": t, "tenant": "demo-mall", "type": "search", "actor": who,
                       "attributes": {"query": "智能锁"}})  # fmt: skip
        events.append({"id": f"v-{i}", "time": t + 5_000, "tenant": "demo-mall", "type": "item_view", "actor": who,
                       "attributes": {"shop": BRUSHING_SHOP, "dwell_ms": 4_000 * (i + 1)}})  # fmt: skip
        if i % 3 == 0:
            events.append({"id": f"o-{i}", "time": t + 4_000 * (i + 1) + 9_000, "tenant": "demo-mall",
                           "type": "order_placed", "actor": who, "attributes": {"shop": BRUSHING_SHOP}})  # fmt: skip
    send(live_server, login_as("admin"), sorted(events, key=lambda e: e["time"]))
    log_in(page, "risk")
    run_and_open(page, live_server, "brushing")
    expect(page.get_by_test_id("reasons")).to_contain_text("c9 指纹锁 旗舰款")
    expect(page.get_by_test_id("reasons")).to_contain_text("五星")
    expect(page.get_by_test_id("sessions").locator("tbody tr")).to_have_count(16)
    expect(page.get_by_test_id("finding-graph")).to_have_attribute("data-rendered", "true")


def test_a_bought_spike_shows_its_hours_as_a_chart_and_its_contexts(live_server, demo, login_as, page, log_in):
    """Four ordinary days at a shop, then 60 orders in an hour from accounts registered minutes before."""
    events = []
    for d in range(4):
        for i in range(48):
            t = T0 + d * 86_400_000 + i * 1_800_000
            events.append({"id": f"h-{d}-{i}", "time": t, "tenant": "demo-mall", "type": "order_placed",
                           "actor": f"acct-{i:05d}", "attributes": {"shop": "shop-009", "amount": 5_000,
                                                                    "ip": f"10.{i}.1.1"}})  # fmt: skip
    for j in range(60):
        t = T0 + 4 * 86_400_000 + 12 * 3_600_000 + j * 50_000
        events.append({"id": f"n-{j}", "time": t - 300_000, "tenant": "demo-mall", "type": "account_created",
                       "actor": f"new-{j:02d}", "attributes": {"ip": f"172.16.0.{j}"}})  # fmt: skip
        events.append({"id": f"s-{j}", "time": t, "tenant": "demo-mall", "type": "order_placed",
                       "actor": f"new-{j:02d}",
                       "attributes": {"shop": "shop-009", "amount": 5_000, "ip": f"172.16.0.{j}"}})  # fmt: skip
    send(live_server, login_as("admin"), sorted(events, key=lambda e: e["time"]))
    log_in(page, "risk")
    run_and_open(page, live_server, "spikes")
    expect(page.get_by_test_id("reasons")).to_contain_text("shop-009")
    expect(page.get_by_test_id("chart-spike")).to_have_attribute("data-rendered", "true")
    expect(page.get_by_test_id("contexts")).to_contain_text("新注册账号")
    expect(page.get_by_test_id("contexts")).to_contain_text("同一地区")
    expect(page.get_by_test_id("members")).to_contain_text("new-59")


def test_an_insider_shows_the_favours_and_the_shared_phone(live_server, demo, login_as, page, log_in):
    """Eight staff approving claims from the office IP; one approves its partner's claims from a shared phone."""
    send(live_server, login_as("admin"), [e.to_dict() for e in sorted(insider_events(T0), key=lambda e: e.time_ms)])
    log_in(page, "risk")
    run_and_open(page, live_server, "insider")
    expect(page.get_by_test_id("reasons")).to_contain_text(f"{INSIDER} 的")
    expect(page.get_by_test_id("reasons")).to_contain_text(f"次给了 {INSIDER_SHOP}")
    expect(page.get_by_test_id("reasons")).to_contain_text("insider-phone")
    expect(page.get_by_test_id("members")).to_contain_text(f"merchant-{INSIDER_SHOP}")
    expect(page.get_by_test_id("finding-graph")).to_have_attribute("data-rendered", "true")


def test_a_negative_review_crew_shows_the_shops_that_paid(live_server, demo, login_as, page, log_in):
    """Three accounts on one phone, one stock complaint, nine shops paying; honest complainers and a critic beside."""
    send(live_server, login_as("admin"), [e.to_dict() for e in sorted(extortion_events(T0), key=lambda e: e.time_ms)])
    log_in(page, "risk")
    run_and_open(page, live_server, "extortion")
    expect(page.get_by_test_id("reasons")).to_contain_text("差评")
    for account in EXTORTION_CREW:
        expect(page.get_by_test_id("members")).to_contain_text(account)
    expect(page.get_by_test_id("members")).to_contain_text("shop-010")
    expect(page.get_by_test_id("finding-graph")).to_have_attribute("data-rendered", "true")


def open_ring_case(live_server, login_as, page, log_in) -> None:
    """Run the rings detector over the sent ring, then open a case from its finding in the console."""
    risk = login_as("risk")
    with httpx.Client(base_url=live_server.url, cookies={"anxin_session": risk.cookie}) as r:
        r.post("/api/detectors/rings/run", json={}, headers={"X-CSRF-Token": risk.csrf})
        [finding] = r.get("/api/findings").json()
    log_in(page, "risk")
    page.goto(f"{live_server.url}/risk/findings/{finding['id']}")
    page.get_by_test_id("open-case").click()


def test_one_click_from_a_finding_to_a_case_with_notes_and_evidence(live_server, ring_sent, login_as, page, log_in):
    open_ring_case(live_server, login_as, page, log_in)
    expect(page.get_by_test_id("case-status")).to_have_text("进行中")
    expect(page.get_by_test_id("case-findings")).to_contain_text("card-ring-1")
    form = page.get_by_test_id("case-form")
    form.locator("textarea[name=note]").fill("已调取支付流水")
    form.locator("select[name=status]").select_option("investigating")
    form.get_by_role("button").click()
    expect(page.get_by_test_id("case-status")).to_have_text("调查中")
    expect(page.get_by_test_id("notes")).to_contain_text("已调取支付流水")
    with page.expect_download() as download:
        page.get_by_test_id("evidence").click()
    assert download.value.suggested_filename.endswith("-evidence.zip")


def test_the_review_queue_shows_who_has_a_case_and_when_it_is_due(live_server, ring_sent, login_as, page, log_in):
    open_ring_case(live_server, login_as, page, log_in)
    expect(page.get_by_test_id("case-owner")).to_contain_text("截止")
    page.get_by_test_id("assignee").fill("antu-dispatch")  # not an analyst: refused, nothing changed
    page.get_by_test_id("case-form").get_by_role("button").click()
    expect(page.get_by_test_id("error")).to_contain_text("不能处理案件")
    page.get_by_test_id("assignee").fill("risk")
    page.get_by_test_id("case-form").get_by_role("button").click()
    page.goto(f"{live_server.url}/risk/cases")
    row = page.get_by_test_id("cases").locator("tbody tr").first
    expect(row).to_contain_text("rings")
    expect(row).not_to_contain_text("—")  # it has an assignee now
    page.get_by_test_id("mine").click()
    expect(page.get_by_test_id("cases").locator("tbody tr")).to_have_count(1)


def test_a_penalty_shows_on_the_public_credit_page(live_server, demo, page, log_in):
    log_in(page, "risk")
    page.goto(f"{live_server.url}/risk/penalties")
    form = page.get_by_test_id("impose")
    form.locator("input[name=subject_id]").fill("shop-007")
    form.locator("select[name=level]").select_option("suspension")
    form.locator("input[name=reason]").fill("刷单：小号集中下单")
    form.get_by_role("button").click()
    expect(page.get_by_test_id("penalties")).to_contain_text("暂停上架")
    public = page.context.browser.new_page()
    public.goto(f"{live_server.url}/credit/shop/shop-007")
    expect(public.get_by_test_id("credit-level")).to_contain_text("D")
    expect(public.get_by_test_id("credit-reasons")).to_contain_text("刷单：小号集中下单")
    public.close()


def test_a_consumer_reports_with_a_screenshot_and_follows_the_answer(live_server, demo, page, log_in, tmp_path):
    shot = tmp_path / "screenshot.png"
    Image.new("RGB", (40, 20), (200, 30, 30)).save(shot)
    record = tmp_path / "物流记录.csv"  # as a courier's site exports it: GB18030, CRLF
    record.write_bytes(
        "时间,地点,状态\r\n2026-11-20 09:12,空包代发点,已揽收\r\n2026-11-20 09:13,空包代发点,已签收\r\n".encode(
            "gb18030"
        )
    )
    page.goto(f"{live_server.url}/report")
    form = page.get_by_test_id("report-form")
    form.locator("select[name=kind]").select_option("fake_review")
    form.locator("input[name=target]").fill("shop-012")
    form.locator("textarea[name=description]").fill("四十条一模一样的五星好评")
    form.locator("input[name=evidence]").set_input_files([str(shot), str(record)])
    form.locator("button[type=submit]").click()
    number = page.get_by_test_id("report-number").inner_text()
    code = page.get_by_test_id("follow-code").inner_text()
    expect(page.get_by_test_id("receipt")).to_contain_text("2 个文件")
    log_in(page, "risk")
    page.goto(f"{live_server.url}/risk/reports")
    page.get_by_test_id("reports").get_by_role("link").first.click()
    expect(page.get_by_test_id("logistics").locator("tbody tr")).to_have_count(2)
    expect(page.get_by_test_id("logistics")).to_contain_text("空包代发点")
    answer = page.get_by_test_id("answer-form")
    answer.locator("textarea[name=text]").fill("已核实，店铺已处罚")
    answer.locator("select[name=status]").select_option("upheld")
    answer.get_by_role("button").click()
    expect(page.get_by_test_id("report-state")).to_have_text("举报属实")
    page.goto(f"{live_server.url}/report/status?number={number}&code={code}")
    expect(page.get_by_test_id("report-answer")).to_contain_text("已核实，店铺已处罚")
