"""The figures pages and the import page in a real Chromium: charts drawn under the CSP, the bulletin, an import."""

import io
import re
from datetime import date

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, log_in
from tests.browser.test_main_flow import upload, workbook
from zoneledger.accounts.models import User
from zoneledger.accounts.scope import user_scope_in
from zoneledger.projects.models import Project
from zoneledger.reports import figures

pytestmark = pytest.mark.browser

CHARTS = ["chart-funnel", "chart-bars", "chart-months"]


def problems_of(page):
    """Script errors, console errors such as a CSP refusal, and failed requests, collected as the test goes."""
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and not message.text.startswith("Failed to load resource")
            and problems.append(message.text)
        ),
    )
    page.on(
        "response",
        lambda response: (
            response.status >= 400 and not response.url.endswith("/favicon.ico") and problems.append(response.url)
        ),
    )
    return problems


def workbook_of(download):
    with open(download.path(), "rb") as handle:
        return openpyxl.load_workbook(io.BytesIO(handle.read()))


def test_the_dashboard_draws_its_charts_from_the_figures(page):
    problems = problems_of(page)
    log_in(page, "province-viewer")

    page.goto("/?year=2024&as_of=2024-12-31")

    for chart in CHARTS:
        expect(page.get_by_test_id(chart)).to_have_attribute("data-drawn", "true")
        expect(page.get_by_test_id(chart).locator("canvas")).to_have_count(1)
    user = User.objects.get(username="province-viewer")
    batch = figures.batch_figures(
        user=user,
        scope=user_scope_in(user, "province"),
        period=figures.Period.for_year(2024),
        as_of=date(2024, 12, 31),
    )
    expect(page.locator("[data-testid=kpi-year] [data-kpi=signed]")).to_have_text(str(batch.signed.count))
    assert problems == []


def test_the_dashboard_fits_a_phone(browser, site):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, base_url=site)
    page = context.new_page()
    log_in(page, "lvliang-viewer")

    page.goto("/")

    expect(page.get_by_test_id("chart-bars")).to_have_attribute("data-drawn", "true")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()


def test_the_round_bulletin_shows_the_seeds_totals_and_downloads(page):
    log_in(page, "province-viewer")
    page.goto("/rounds/")

    page.get_by_role("link", name="2023-4", exact=True).click()
    page.locator("#id_as_of").fill("2023-12-31")
    page.get_by_role("button", name="查询").click()

    total = page.locator("[data-testid=batch-table] tfoot tr td")
    expect(total.nth(0)).to_have_text("233")
    expect(total.nth(4)).to_have_text("225")
    expect(total.nth(8)).to_have_text("225")
    expect(page.get_by_test_id("chart-round")).to_have_attribute("data-drawn", "true")
    with page.expect_download() as download:
        page.get_by_test_id("bulletin-download").click()
    sheet = workbook_of(download.value).active
    assert "太原市" in [cell for row in sheet.values for cell in row]


def test_the_warnings_sort_in_place_and_export(page):
    log_in(page, "lvliang-reviewer")
    page.goto("/warnings/?as_of=2024-12-31")
    page.evaluate("window.stillTheSamePage = true")

    page.locator("thead a", has_text="签约天数").click()
    expect(page).to_have_url(re.compile(r"sort=days"))

    days = [int(text) for text in page.locator("#warnings-table tbody td:nth-child(5)").all_inner_texts()]
    assert days == sorted(days)
    page.locator("#id_level").select_option("yellow")
    expect(page).to_have_url(re.compile(r"level=yellow.*sort=days|sort=days.*level=yellow"))
    assert page.evaluate("window.stillTheSamePage") is True
    days = [int(text) for text in page.locator("#warnings-table tbody td:nth-child(5)").all_inner_texts()]
    assert days == sorted(days)
    with page.expect_download() as download:
        page.get_by_test_id("warnings-export").click()
    exported = [row[5] for row in workbook_of(download.value).active.iter_rows(min_row=2, values_only=True)]
    assert exported[: len(days)] == days

    # 低于序时进度 and 未按时填报 stand beside it, for the month whose reports were due by the page's day.
    expect(page.get_by_test_id("late-reports")).to_contain_text("2024-11")
    page.locator("#id_as_of").fill("2025-03-10")
    page.locator("#id_as_of").dispatch_event("change")
    expect(page.get_by_test_id("late-reports")).to_contain_text("2025-02")
    assert page.evaluate("window.stillTheSamePage") is True


def test_an_import_shows_the_bad_row_then_takes_the_fixed_file(page, tmp_path):
    log_in(page, "wenshui-editor")
    first = ("报表页导入项目甲", "文水经济开发区", 800)
    bad = workbook(tmp_path / "bad.xlsx", [first, ("报表页导入项目乙", "文水经济开发区", "很多")])
    good = workbook(tmp_path / "good.xlsx", [first, ("报表页导入项目乙", "文水经济开发区", 900)])
    page.goto("/import/")

    upload(page, bad)

    errors = page.get_by_test_id("import-errors")
    expect(errors.locator("tbody tr")).to_have_count(1)
    expect(errors.locator("tbody tr td").nth(1)).to_have_text("3")
    expect(errors.locator("tbody tr td").nth(2)).to_have_text("总投资（万元）")
    assert not Project.objects.filter(name__startswith="报表页导入项目").exists()

    upload(page, good)
    page.get_by_test_id("confirm-import").click()

    expect(page.get_by_test_id("job-applied")).to_be_visible()
    expect(page.locator("[data-sheet=项目台账] [data-count=created]")).to_have_text("2")
    assert Project.objects.filter(name__startswith="报表页导入项目", zone__name="文水经济开发区").count() == 2


def test_the_bulletin_prints_on_a_page_without_the_site_around_it(page):
    log_in(page, "province-viewer")
    page.goto("/rounds/140000/2023-4/")

    page.emulate_media(media="print")

    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_test_id("figures-filter")).to_be_hidden()
    expect(page.get_by_test_id("batch-table")).to_be_visible()
    pdf = page.pdf(format="A4", landscape=True)
    assert io.BytesIO(pdf).read(4) == b"%PDF"


def test_the_dashboard_prints_without_the_site_around_it_and_no_chart_across_pages(page):
    log_in(page, "province-viewer")
    page.goto("/")

    page.emulate_media(media="print")

    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator("form").first).to_be_hidden()
    expect(page.locator("[data-kpi=signed]").first).to_be_visible()
    assert page.evaluate(
        "[...document.querySelectorAll('.chart-figure')].every(f => getComputedStyle(f).breakInside === 'avoid')"
    )
    assert io.BytesIO(page.pdf(format="A4", landscape=True)).read(4) == b"%PDF"


def test_the_rounds_fit_a_phone_each_round_a_block(browser, site):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, base_url=site)
    page = context.new_page()
    log_in(page, "province-admin")

    page.goto("/rounds/")

    round_4 = page.get_by_test_id("round-list").locator("tr", has_text="2023-4")
    expect(round_4).to_contain_text("太原中北高新区")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Nothing is cut off inside the list's scrolling box either: every round's venues are within the screen.
    box = round_4.locator("td", has_text="太原中北高新区").bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"]
    context.close()
