"""The day of a zone editor and of a city reviewer, in a real Chromium."""

import re

import pytest
import xlsxwriter
from django.db.models import Q
from django.utils import timezone
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from tests.browser.conftest import log_in
from zoneledger.campaigns.models import Round
from zoneledger.ingest.columns import LEDGER_SHEET
from zoneledger.projects.choices import Stage
from zoneledger.projects.models import Project
from zoneledger.zones.models import Zone

pytestmark = pytest.mark.browser


def year_kpi(page, name):
    page.goto("/")
    return int(page.locator(f"[data-testid=kpi-year] [data-kpi={name}]").inner_text())


def dashboard_year(page):
    page.goto("/")
    return int(re.search(r"\d{4}", page.locator("#year-heading").inner_text())[0])


def a_signed_project_and_a_round_to_start_it_in(zone, year):
    """A signed project of the zone and a round of the dashboard's year held after it was signed."""
    for round_ in Round.objects.filter(year=year, held_on__lte=timezone.localdate()).order_by("-held_on"):
        project = Project.objects.filter(
            zone=zone, stage=Stage.SIGNED, events__stage=Stage.SIGNED, events__happened_on__lte=round_.held_on
        ).first()
        if project:
            return project, round_
    raise AssertionError(f"the demo has no signed project of {zone} to start in {year}")


def workbook(path, rows):
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet(LEDGER_SHEET)
    for number, row in enumerate([("项目名称", "开发区", "总投资（万元）"), *rows]):
        sheet.write_row(number, 0, row)
    book.close()
    return path


def upload(page, path):
    page.locator("#upload-form input[type=file]").set_input_files(path)
    page.locator("#upload-form button[type=submit]").click()


def test_a_zone_editor_works_through_the_day(page, tmp_path):
    wenshui = Zone.objects.get(name="文水经济开发区")
    log_in(page, "wenshui-editor")
    project, round_ = a_signed_project_and_a_round_to_start_it_in(wenshui, dashboard_year(page))

    # Only the zone's own projects.
    page.goto("/projects/")
    assert page.locator("#id_zone option").all_inner_texts()[1:] == [wenshui.name]
    expect(page.locator(".ledger-summary p")).to_have_text(f"{Project.objects.filter(zone=wenshui).count()} 个项目")

    # Record a stage in place, and the dashboard counts it.
    started_before = year_kpi(page, "started")
    page.goto(f"/projects/{project.pk}/")
    page.evaluate("window.stillTheSamePage = true")
    page.locator("#id_stage").select_option(Stage.STARTED)
    page.locator("#id_happened_on").fill(f"{timezone.localdate().year + 1}-01-01")
    page.get_by_role("button", name="录入", exact=True).click()
    expect(page.locator("#id_happened_on")).to_be_focused()
    expect(page.locator("#id_happened_on_error")).to_be_visible()
    page.locator("#id_happened_on").fill(f"{round_.held_on:%Y-%m-%d}")
    page.locator("#id_round").select_option(label=round_.label)
    page.locator("#id_note").fill("浏览器测试开工")
    page.get_by_role("button", name="录入", exact=True).click()
    started = page.get_by_test_id("event-started")
    expect(started).to_contain_text("浏览器测试开工")
    expect(page.locator("#messages")).to_contain_text("已录入")
    expect(page.get_by_test_id("current-stage")).to_contain_text("开工")  # the badge under the title too
    expect(page.locator("#history tbody tr").first).to_contain_text("录入阶段")
    expect(page.locator("#timeline-heading")).to_be_focused()
    assert page.evaluate("window.stillTheSamePage") is True, "the stage was recorded with a full page load"
    assert year_kpi(page, "started") == started_before + 1

    # Void it with a reason: struck through, the reason shown, and the dashboard takes it back.
    page.goto(f"/projects/{project.pk}/")
    started.locator("summary").click()
    started.get_by_label("原因").fill("日期录错了")
    started.get_by_role("button", name="作废").click()
    expect(started).to_have_class(re.compile("event-voided"))
    expect(started.locator("del")).to_be_visible()
    expect(started).to_contain_text("日期录错了")
    expect(page.get_by_test_id("current-stage")).to_contain_text("签约")
    assert year_kpi(page, "started") == started_before

    # Import a workbook with a bad row: the error names the row and the column; fix it and import.
    page.goto("/import/")
    upload(
        page,
        workbook(tmp_path / "bad.xlsx", [("浏览器导入甲", wenshui.name, 5000), ("浏览器导入乙", wenshui.name, "很多")]),
    )
    error = page.locator("[data-testid=import-errors] tr[data-row='3']")
    expect(error).to_contain_text("总投资（万元）")
    assert page.locator("[data-testid=import-errors] tbody tr").count() == 1
    upload(
        page,
        workbook(tmp_path / "fixed.xlsx", [("浏览器导入甲", wenshui.name, 5000), ("浏览器导入乙", wenshui.name, 6000)]),
    )
    page.get_by_test_id("confirm-import").click()
    expect(page.get_by_test_id("job-applied")).to_be_visible()
    assert set(Project.objects.filter(name__startswith="浏览器导入").values_list("zone__name", flat=True)) == {
        wenshui.name
    }

    # Filter the ledger without a reload, keep the filter in the URL, and export exactly those rows.
    page.goto("/projects/")
    page.evaluate("window.stillTheSamePage = true")
    page.locator("#id_stage").select_option(Stage.STARTED)
    expect(page).to_have_url(re.compile(r"stage=started"))
    expected = list(
        Project.objects.filter(zone=wenshui, stage=Stage.STARTED)
        .order_by("zone", "name", "pk")
        .values_list("name", flat=True)
    )
    expect(page.locator(".ledger-summary p")).to_have_text(f"{len(expected)} 个项目")
    expect(page.get_by_role("status").filter(has_text="个项目")).to_have_text(f"{len(expected)} 个项目")
    assert page.evaluate("window.stillTheSamePage") is True, "the filter reloaded the whole page"
    with page.expect_download() as download:
        page.get_by_test_id("export").click()
    saved = tmp_path / "ledger.xlsx"
    download.value.save_as(saved)
    rows = CalamineWorkbook.from_path(str(saved)).get_sheet_by_name(LEDGER_SHEET).to_python()
    name_column = [header.strip(" *") for header in rows[0]].index("项目名称")
    assert [row[name_column] for row in rows[1:]] == expected

    # Back goes to the unfiltered ledger (htmx asks the server again: no pages are kept in the browser).
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"stage="))
    expect(page.locator(".ledger-summary p")).to_have_text(f"{Project.objects.filter(zone=wenshui).count()} 个项目")

    # English, then log out.
    page.locator("#language-select").select_option("en")
    expect(page.get_by_role("link", name="Ledger", exact=True)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.goto("/projects/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_a_city_reviewer_sees_exactly_the_citys_zones(page):
    lvliang = Zone.objects.filter(city_id="141100")
    log_in(page, "lvliang-reviewer")

    page.goto("/projects/")

    assert page.locator("#id_zone option").all_inner_texts()[1:] == [zone.name for zone in lvliang]
    assert page.locator("#id_city option").all_inner_texts()[1:] == ["吕梁市"]
    expect(page.locator(".ledger-summary p")).to_have_text(f"{Project.objects.filter(zone__in=lvliang).count()} 个项目")
    page.locator("#id_zone").select_option(label="孝义经济开发区")
    expect(page).to_have_url(re.compile(r"zone=\d+"))
    zone_cells = page.locator(".ledger-table tbody td:nth-child(3)").all_inner_texts()
    xiaoyi = lvliang.get(name="孝义经济开发区")
    assert set(zone_cells) == {xiaoyi.short_name or xiaoyi.name}

    # Typing a search narrows the table as one types, and the URL keeps both filters.
    named = Project.objects.filter(zone=xiaoyi).order_by("name").first()
    text = named.name[:6]
    page.locator("#id_q").press_sequentially(text)
    expect(page).to_have_url(re.compile(r"zone=\d+.*q=|q=.*zone=\d+"))
    expected = (
        Project.objects.filter(zone=xiaoyi)
        .filter(Q(name__icontains=text) | Q(code__icontains=text) | Q(enterprise__name__icontains=text))
        .count()
    )
    expect(page.locator(".ledger-summary p")).to_have_text(f"{expected} 个项目")


PHONE_PAGES = ["/", "/projects/", "/projects/new/", "/rounds/", "/summary/", "/warnings/", "/import/"]


def test_the_main_pages_fit_a_phone(page):
    page.set_viewport_size({"width": 360, "height": 780})
    log_in(page, "wenshui-editor")
    project = Project.objects.filter(zone__name="文水经济开发区").first()

    for path in [*PHONE_PAGES, f"/projects/{project.pk}/"]:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width} px wide on a 360 px phone"


def test_on_a_phone_the_menu_is_a_drawer_and_the_content_starts_near_the_top(page):
    page.set_viewport_size({"width": 360, "height": 780})
    log_in(page, "province-admin")

    for path in PHONE_PAGES:
        page.goto(path)
        content_top = page.evaluate("document.getElementById('main').getBoundingClientRect().top")
        assert content_top <= 100, f"{path}: the header takes {content_top} px on a 360 px phone"
    ledger = page.get_by_role("link", name="项目台账", exact=True)
    expect(ledger).to_be_hidden()

    page.get_by_test_id("menu-toggle").click()

    expect(page.get_by_test_id("menu-toggle")).to_have_attribute("aria-expanded", "true")
    expect(ledger).to_be_visible()
    ledger.click()
    expect(page).to_have_url(re.compile("/projects/$"))


def test_on_a_desktop_the_navigation_shows_without_a_menu_button(page):
    page.set_viewport_size({"width": 1366, "height": 800})
    log_in(page, "province-admin")

    expect(page.get_by_test_id("menu-toggle")).to_be_hidden()
    expect(page.get_by_role("link", name="项目台账", exact=True)).to_be_visible()
    tops = set()
    for path in PHONE_PAGES:
        page.goto(path)
        tops.add(page.evaluate("document.getElementById('main').getBoundingClientRect().top"))
    assert len(tops) == 1, f"the header's height changes between pages: {tops}"
    assert tops.pop() <= 200


def test_the_keyboard_reaches_the_content_first_and_shows_where_it_is(page):
    log_in(page, "wenshui-editor")
    page.goto("/projects/")

    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_attribute("href", "#main")
    expect(skip).to_be_visible()
    outline = skip.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline != "none"
