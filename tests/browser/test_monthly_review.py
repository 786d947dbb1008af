"""A month's report from 填报 to 审核 in a real Chromium: a zone editor submits it with a photo, a city reviewer
returns it with a reason, the editor reads the reason and resubmits, the reviewer approves; the dashboard's 完成投资
moves only then, by exactly the approved amount."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.images import image_bytes
from zoneledger.core.money import format_yi
from zoneledger.progress.models import ReportVersion
from zoneledger.projects.choices import Stage
from zoneledger.projects.models import MonthlyProgress, Project
from zoneledger.zones.models import Zone

pytestmark = pytest.mark.browser
YEAR = 2024
REASON = "完成投资与形象进度不符，请补充设备到货照片"


def a_month_to_report(zone):
    """A project of the zone's 2024 开工一批 (the dashboard's 完成投资 counts it) and a month of it with no report."""
    for project in Project.objects.filter(
        zone=zone, events__stage=Stage.STARTED, events__happened_on__year=YEAR, events__voided=False
    ).order_by("name"):
        started = project.events.get(stage=Stage.STARTED, voided=False).happened_on
        reported = set(MonthlyProgress.objects.filter(project=project).values_list("month", flat=True))
        for number in range(started.month, 13):
            if date(YEAR, number, 1) not in reported:
                return project, date(YEAR, number, 1)
    raise AssertionError(f"every month of {zone}'s 2024 started batch is reported")


def completed(page):
    """The dashboard's 完成投资 of the 2024 开工一批, as the page shows it (亿元)."""
    page.goto(f"/?year={YEAR}")
    return page.locator("[data-testid=kpi-year] [data-kpi=completed]").inner_text().strip()


def switch_user(page, username):
    page.context.clear_cookies()
    log_in(page, username)


def test_a_month_is_returned_resubmitted_and_approved_and_counts_only_then(page, tmp_path):
    wenshui = Zone.objects.get(name="文水经济开发区")
    project, month = a_month_to_report(wenshui)
    month_page = f"/progress/?month={month:%Y-%m}&zone={wenshui.pk}"
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(image_bytes("JPEG", size=(640, 480), gps=True))

    log_in(page, "wenshui-editor")
    before = completed(page)
    page.goto(month_page)
    row = page.locator(f"tr[data-project='{project.pk}']")
    expect(row).to_have_attribute("data-state", "missing")
    row.get_by_role("link", name="照片与备注").click()  # the photo is added on the month's own form
    page.locator("#id_amount").fill("800.00")
    page.locator("#id_physical_progress").fill("主体结构施工")
    page.locator("input[name=photos]").set_input_files(photo)
    page.locator("[data-testid=report-form] button[value=submit]").click()
    expect(page.locator(f"tr[data-project='{project.pk}']")).to_have_attribute("data-state", "submitted")
    assert completed(page) == before  # submitted is not counted

    switch_user(page, "lvliang-reviewer")  # the city's reviewer: another person
    page.goto(f"/progress/review/?zone={wenshui.pk}&month={month:%Y-%m}")
    version = ReportVersion.objects.get(project=project, month=month)
    queued = page.locator(f"tr[data-version='{version.pk}']")
    expect(queued.locator(".photos img")).to_have_count(1)
    queued.locator("input[type=checkbox]").check()
    page.locator("#review-reason").fill(REASON)
    page.locator("button[name=action][value=return]").click()
    expect(page.locator(f"tr[data-version='{version.pk}']")).to_have_count(0)

    switch_user(page, "wenshui-editor")
    page.goto(month_page)
    row = page.locator(f"tr[data-project='{project.pk}']")
    expect(row).to_have_attribute("data-state", "returned")
    expect(row.locator(".return-reason")).to_contain_text(REASON)
    row.get_by_role("link", name="照片与备注").click()
    expect(page.get_by_test_id("return-reason")).to_contain_text(REASON)
    page.locator("#id_amount").fill("1000.00")  # 0.10亿元: the shown figure moves by exactly that
    page.locator("[data-testid=report-form] button[value=submit]").click()
    expect(page.locator(f"tr[data-project='{project.pk}']")).to_have_attribute("data-state", "submitted")
    assert completed(page) == before

    switch_user(page, "lvliang-reviewer")
    page.goto(f"/progress/review/?zone={wenshui.pk}&month={month:%Y-%m}")
    page.locator(f"tr[data-version='{version.pk}'] input[type=checkbox]").check()
    page.locator("button[name=action][value=approve]").click()
    expect(page.locator(f"tr[data-version='{version.pk}']")).to_have_count(0)

    switch_user(page, "wenshui-editor")
    assert Decimal(completed(page)) == Decimal(before) + Decimal(format_yi(Decimal("1000.00")))
    page.goto(f"/progress/projects/{project.pk}/")
    history = page.get_by_test_id("report-history")
    expect(history).to_contain_text(REASON)
    # The demo's other months of the project have their own history (submitted, approved): this month's is four steps.
    this_month = history.locator("tbody tr", has_text=f"{month:%Y-%m} · v")
    expect(this_month).to_have_count(4)  # submitted, returned, submitted, approved
