"""A zone's month entered in place in a real Chromium: the editor fills two rows on the month page itself, a bad
amount is refused in its row with nothing submitted, corrected, and "全部报送" submits both at once; the same page
at phone width shows each project as a card, nothing wider than the screen."""

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, log_in
from zoneledger.accounts.models import User
from zoneledger.progress.choices import ReportState
from zoneledger.progress.models import ReportVersion
from zoneledger.progress.selectors import month_rows
from zoneledger.zones.models import Zone

pytestmark = pytest.mark.browser


def two_missing_rows(editor, zone):
    """A month of the zone (latest first) with two projects that must report it and have not."""
    for year in (2025, 2024):
        for number in range(12, 0, -1):
            month = date(year, number, 1)
            missing = [
                row.project for row in month_rows(user=editor, month=month, zone_id=zone.pk) if row.state == "missing"
            ]
            if len(missing) >= 2:
                return month, missing[:2]
    raise AssertionError(f"no month of {zone} has two projects still to report")


def test_two_rows_entered_in_place_and_submitted_at_once(page, tmp_path):
    wenshui = Zone.objects.get(name="文水经济开发区")
    editor = User.objects.get(username="wenshui-editor")
    month, (first, second) = two_missing_rows(editor, wenshui)
    log_in(page, "wenshui-editor")
    page.goto(f"/progress/?month={month:%Y-%m}&zone={wenshui.pk}")

    page.locator(f"#id_p{first.pk}-amount").fill("120.50")
    page.locator(f"#id_p{first.pk}-physical_progress").fill("主体结构施工")
    page.locator(f"#id_p{second.pk}-amount").fill("3.456")  # three decimals: refused in its row
    page.locator(f"#id_p{second.pk}-physical_progress").fill("设备安装")
    page.get_by_test_id("submit-all").click()
    bad = page.locator(f"#month-row-{second.pk}")
    expect(bad.locator(".field-error")).to_contain_text("小数不超过 2 位")
    expect(page.get_by_test_id("month-error")).to_be_visible()
    assert not ReportVersion.objects.filter(project__in=[first, second], month=month).exists()  # nothing submitted
    expect(page.locator(f"#id_p{first.pk}-amount")).to_have_value("120.50")  # what was typed stays

    # Keyboard only: the corrected amount, then Tab to the next field and on to 全部报送.
    amount = page.locator(f"#id_p{second.pk}-amount")
    amount.fill("80")
    amount.press("Enter")  # Enter in an amount submits nothing (no other row's button is pressed)
    assert not ReportVersion.objects.filter(project__in=[first, second], month=month).exists()
    page.get_by_test_id("submit-all").focus()
    page.keyboard.press("Enter")
    for project in (first, second):
        expect(page.locator(f"#month-row-{project.pk}")).to_have_attribute("data-state", "submitted")
    expect(page.locator("#messages")).to_contain_text("已报送：2个")
    submitted = {
        v.project_id: (v.state, str(v.amount), v.physical_progress)
        for v in ReportVersion.objects.filter(month=month, project__in=[first, second])
    }
    assert submitted == {
        first.pk: (ReportState.SUBMITTED, "120.50", "主体结构施工"),
        second.pk: (ReportState.SUBMITTED, "80.00", "设备安装"),
    }


def test_one_row_saved_in_place_and_the_page_fits_a_phone(page, tmp_path):
    wenshui = Zone.objects.get(name="文水经济开发区")
    editor = User.objects.get(username="wenshui-editor")
    month, (first, _second) = two_missing_rows(editor, wenshui)
    page.set_viewport_size(PHONE)
    log_in(page, "wenshui-editor")
    page.goto(f"/progress/?month={month:%Y-%m}&zone={wenshui.pk}")
    row = page.locator(f"#month-row-{first.pk}")
    row.locator(f"#id_p{first.pk}-amount").fill("66")
    row.get_by_role("button", name="保存草稿").click()
    expect(page.locator(f"#month-row-{first.pk}")).to_have_attribute("data-state", "draft")
    expect(page.locator(f"#month-row-{first.pk} .row-done")).to_have_text("已存为草稿。")
    assert ReportVersion.objects.get(project=first, month=month).state == ReportState.DRAFT
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    page.screenshot(path=str(tmp_path / "month-360.png"), full_page=False)
    page.locator(f"#month-row-{first.pk}").screenshot(path="/tmp/i14-month-row-360.png")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path="/tmp/i14-month-1366.png")
