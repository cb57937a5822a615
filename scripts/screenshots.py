"""Take the README's screenshots from a running demo server (``bash scripts/run.sh`` first).

Usage: .venv/bin/anxin dispatch run --as antu-dispatch --at 2026-11-24T10:00:00+08:00   (a daytime plan)
       .venv/bin/python scripts/screenshots.py [BASE_URL]   (default http://127.0.0.1:8000)
Writes docs/screenshots/*.png with Debian's Chromium; Chinese needs fonts-noto-cjk.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
PASSWORD = "anxin-demo-2026"


def log_in(page, username: str) -> None:
    page.goto(f"{BASE}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        page.goto(f"{BASE}/hotline?number=(1)400-1865-909&brand=索立捷")
        page.screenshot(path=OUT / "number-check.png", full_page=True)
        log_in(page, "antu-agent")
        page.goto(f"{BASE}/tickets")
        page.screenshot(path=OUT / "tickets.png")
        dispatcher = browser.new_page(viewport={"width": 1200, "height": 900})
        log_in(dispatcher, "antu-dispatch")
        dispatcher.screenshot(path=OUT / "dispatch-board.png")
        risk = browser.new_page(viewport={"width": 1200, "height": 1000})
        log_in(risk, "risk")
        risk.wait_for_selector("[data-testid=chart-decisions][data-rendered=true]")
        risk.wait_for_timeout(1500)  # let the chart's entry animation finish
        risk.screenshot(path=OUT / "risk-console.png")
        risk.goto(f"{BASE}/risk/rules")
        risk.click("[data-testid=backtest]")
        risk.wait_for_selector("[data-testid=chart-backtest][data-rendered=true]")
        risk.wait_for_timeout(1500)
        risk.screenshot(path=OUT / "risk-rules-backtest.png", full_page=True)
        risk.goto(f"{BASE}/risk/findings")
        risk.locator("[data-testid=findings] a", has_text="小号团伙").first.click()
        risk.wait_for_selector("[data-testid=finding-graph][data-rendered=true]")
        risk.wait_for_timeout(2500)
        risk.screenshot(path=OUT / "risk-finding-ring.png", full_page=True)
        phone = browser.new_page(viewport={"width": 390, "height": 844})
        log_in(phone, "antu-tech")
        phone.screenshot(path=OUT / "technician-jobs.png")
        brand = browser.new_page(viewport={"width": 1200, "height": 1000})
        log_in(brand, "antu-admin")
        brand.goto(f"{BASE}/analytics")
        brand.wait_for_selector("[data-testid^=chart-][data-rendered=true]")
        brand.wait_for_timeout(2000)
        brand.screenshot(path=OUT / "analytics.png", full_page=True)
        brand.goto(f"{BASE}/brand/members")
        brand.screenshot(path=OUT / "members.png", full_page=True)
        brand.goto(f"{BASE}/brand/complaints")
        brand.locator("[data-testid=complaint-list] a").first.click()
        brand.wait_for_load_state()
        brand.screenshot(path=OUT / "complaint.png", full_page=True)
        brand.locator("main a[href^='/tickets/']", has_text="AX").first.click()
        brand.wait_for_selector("[data-testid=signature]")
        brand.screenshot(path=OUT / "visit-record.png", full_page=True)
        browser.close()
    print(f"screenshots in {OUT}")


if __name__ == "__main__":
    main()
