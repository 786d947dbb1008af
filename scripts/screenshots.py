"""Log in to a running zoneledger as demo users and photograph the main pages (see scripts/screenshots)."""

import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

PASSWORD = "Demo-2024-zl"
WIDTHS = {"desktop": 1366, "phone": 360}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]

# (file name, user, path): the pages people use every day, each seen by the user it is made for.
PAGES = [
    ("login", None, "/accounts/login/"),
    ("dashboard-province", "province-viewer", "/"),
    ("dashboard-zone", "wenshui-editor", "/"),
    ("ledger", "lvliang-reviewer", "/projects/"),
    ("project", "wenshui-editor", None),  # the first project of the ledger
    ("rounds", "province-admin", "/rounds/"),
    ("targets", "province-admin", "/rounds/targets/"),
    ("round", "province-viewer", None),  # round 2023-4, whose figures the seeds publish
    ("year-summary", "wenshui-viewer", "/summary/"),
    ("warnings", "lvliang-reviewer", "/warnings/"),
    ("import", "wenshui-editor", "/import/"),
    ("workdays", "province-admin", "/workdays/2025/"),
]


def log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state("networkidle")


def first_link(page, base, listing, pattern):
    page.goto(f"{base}{listing}")
    href = next(
        href
        for href in page.locator("main a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
        if href and re.fullmatch(pattern, href)
    )
    return href


def main(base, out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for kind, width in WIDTHS.items():
            for name, username, path in PAGES:
                context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
                page = context.new_page()
                if username:
                    log_in(page, base, username)
                if name == "project":
                    path = first_link(page, base, "/projects/", r"/projects/\d+/")
                elif name == "round":
                    path = first_link(page, base, "/rounds/", r"/rounds/\d{6}/2023-4/")
                page.goto(f"{base}{path}")
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(800)  # ECharts animates its first drawing
                page.screenshot(path=out / f"{name}-{kind}.png", full_page=True)
                context.close()
        browser.close()
    print(f"screenshots in {out}/")


if __name__ == "__main__":
    main(*sys.argv[1:])
