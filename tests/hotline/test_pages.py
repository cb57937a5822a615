"""In headless Chromium: a consumer checks the seed page's number and reports it; a brand registers a number
and a platform admin verifies it, after which the public check says official."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from anxin.hotline import scans
from anxin.hotline.scanner import scan_page


def test_check_and_report_the_seed_number(live_server, demo, page):
    page.goto(f"{live_server.url}/hotline")
    form = page.get_by_test_id("check-form")
    form.locator("input[name=number]").fill("(1)400-1865-909")
    form.locator("input[name=brand]").fill("索立捷")
    form.locator("button").click()
    verdict = page.get_by_test_id("verdict")
    expect(verdict).to_contain_text("没有任何品牌登记过这个号码")
    expect(verdict).to_contain_text("该品牌尚未入驻安心")
    expect(page.get_by_test_id("reports")).to_contain_text("0")
    page.locator("details summary").click()
    report = page.get_by_test_id("report-form")
    report.locator("textarea[name=note]").fill("上门后要价 300 元")
    report.locator("button").click()
    expect(page.get_by_test_id("reported")).to_be_visible()
    expect(page.get_by_test_id("reports")).to_contain_text("1")


def test_bad_number_keeps_what_was_typed(live_server, page):
    page.goto(f"{live_server.url}/hotline?number=400-XXX-XXXX")
    expect(page.get_by_test_id("check-error")).to_contain_text("不是有效的电话号码")
    assert page.input_value("input[name=number]") == "400-XXX-XXXX"


def test_brand_registers_admin_verifies_public_sees_official(live_server, demo, page, browser, log_in):
    log_in(page, "antu-admin")
    page.goto(f"{live_server.url}/hotline/registry")
    form = page.get_by_test_id("register-form")
    form.locator("input[name=number]").fill("400-111-2222")
    form.locator("textarea[name=evidence_description]").fill("官网服务支持页公布")
    form.locator("button").click()
    row = page.locator("tr[data-number='400-111-2222']")
    expect(row).to_contain_text("待审核")

    admin = browser.new_context(locale="en-US").new_page()
    log_in(admin, "admin")
    admin.goto(f"{live_server.url}/hotline/registry")
    admin_row = admin.locator("tr[data-number='400-111-2222']")
    admin_row.locator("select[name=status]").select_option("verified")
    admin_row.locator("button").click()
    expect(admin.locator("tr[data-number='400-111-2222']")).to_contain_text("已验证")
    admin.context.close()

    page.goto(f"{live_server.url}/hotline?number=4001112222&brand=安途智能锁")
    expect(page.get_by_test_id("verdict")).to_contain_text("经过验证的官方号码")


def test_analyst_confirms_a_scanned_page_and_the_number_check_shows_it(live_server, demo, db, page, log_in):
    seed = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "fake-hotline-page-1.txt"
    [stored] = scans.store_results(db, [scan_page(seed.read_bytes(), source="https://example.invalid/fake")])
    db.commit()
    log_in(page, "risk")
    page.goto(f"{live_server.url}/hotline/scans")
    card = page.get_by_test_id(f"scanned-{stored.id}")
    expect(card).to_contain_text("冒充官方")
    expect(card).to_contain_text("+864001865909")
    card.locator("button[value=confirm]").click()
    expect(page.get_by_test_id(f"scanned-{stored.id}")).to_have_count(0)
    page.goto(f"{live_server.url}/hotline?number=400-1865-909")
    expect(page.get_by_test_id("reports")).not_to_contain_text(": 0")


def test_evidence_photo_is_uploaded_cleaned_and_private(live_server, demo, page, log_in, login_as, tmp_path):
    from PIL import Image

    photo = tmp_path / "manual.png"
    Image.new("RGB", (40, 30), (10, 120, 60)).save(photo)
    log_in(page, "antu-admin")
    page.goto(f"{live_server.url}/hotline/registry")
    form = page.get_by_test_id("register-form")
    form.locator("input[name=number]").fill("400-222-3333")
    form.locator("select[name=evidence_kind]").select_option("manual_photo")
    form.locator("input[name=evidence_file]").set_input_files(str(photo))
    form.locator("textarea[name=evidence_description]").fill("说明书封底印有该号码")
    form.locator("button").click()
    link = page.locator("tr[data-number='400-222-3333']").get_by_test_id("evidence-file")
    href = link.get_attribute("href")
    admin, other = login_as("admin"), login_as("jinghong-admin")
    with admin.client(live_server.url) as a, other.client(live_server.url) as o, live_server.client() as anonymous:
        got = a.get(href)
        assert got.status_code == 200 and got.headers["content-type"] == "image/png"
        assert got.content.startswith(b"\x89PNG")
        assert o.get(href).status_code == 404  # another brand's evidence does not exist for it
        assert anonymous.get(href, headers={"Accept": "application/json"}).status_code == 401


def test_registry_refuses_a_disguised_file_and_keeps_the_form(live_server, demo, page, log_in, tmp_path):
    fake = tmp_path / "licence.jpg"
    fake.write_bytes(b"MZ\x90\x00 not an image")
    log_in(page, "antu-admin")
    page.goto(f"{live_server.url}/hotline/registry")
    form = page.get_by_test_id("register-form")
    form.locator("input[name=number]").fill("400-222-4444")
    form.locator("input[name=evidence_file]").set_input_files(str(fake))
    form.locator("textarea[name=evidence_description]").fill("营业执照扫描件")
    form.locator("button").click()
    expect(page.get_by_test_id("registry-error")).to_contain_text("只接受")
    assert page.input_value("input[name=number]") == "400-222-4444"  # what was typed is kept
    assert page.input_value("textarea[name=evidence_description]") == "营业执照扫描件"
    expect(page.locator("tr[data-number='400-222-4444']")).to_have_count(0)
