"""倒排工期 in a real Chromium: a zone editor plans 开工 backwards from a target date, records two steps done and
moves the next one with a reason; the project's light and the overdue list (节点逾期) change as the as-of date
passes that step."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, log_in
from zoneledger.milestones.models import Milestone
from zoneledger.projects.models import Project

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def guess_unknown_years(settings):
    """The target lies months ahead, maybe past the installed calendar package: count such days Monday–Friday."""
    settings.ZONELEDGER_CALENDAR_UNKNOWN_YEAR = "weekends"


def light_of_project(page, project, as_of):
    page.goto(f"/projects/{project.pk}/?as_of={as_of.isoformat()}#milestones")
    return page.get_by_test_id("project-light").locator("[data-light]").get_attribute("data-light")


def overdue_titles(page, project, as_of):
    page.goto(f"/milestones/?light=red&as_of={as_of.isoformat()}")
    table = page.get_by_test_id("milestone-table")
    return [row.inner_text() for row in table.locator("tbody tr").all() if project.name in row.inner_text()]


def test_a_zone_editor_plans_backwards_records_progress_and_watches_the_lights(page):
    project = Project.objects.filter(zone__name="文水经济开发区", milestones__isnull=True, stage="signed").first()
    today = timezone.localdate()
    target = today + timedelta(days=240)
    log_in(page, "wenshui-editor")

    # Plan 开工 backwards from the target through the province's industrial template.
    page.goto(f"/projects/{project.pk}/#milestones")
    plan = page.get_by_test_id("plan-form")
    plan.locator("select[name=template]").select_option(label="工业新建项目")
    plan.locator("input[name=target]").fill(target.isoformat())
    plan.locator("button[type=submit]").click()
    expect(page.locator("#messages")).to_contain_text("工业新建项目")
    steps = list(Milestone.objects.filter(project=project).order_by("planned_on", "position"))
    assert steps[-1].title == "开工"
    assert steps[-1].planned_on <= target
    assert light_of_project(page, project, today) == "green"

    # The first two steps done (today, the form's default), the third moved earlier with a reason.
    page.goto(f"/projects/{project.pk}/#milestones")
    for step in steps[:2]:
        row = page.get_by_test_id(f"milestone-{step.pk}")
        row.locator("summary").first.click()
        row.locator("form").first.locator("button[type=submit]").click()
        expect(page.get_by_test_id(f"milestone-{step.pk}").locator("[data-light=grey]")).to_be_visible()
    third = steps[2]
    moved_to = third.planned_on - timedelta(days=3)
    row = page.get_by_test_id(f"milestone-{third.pk}")
    row.locator("summary").nth(1).click()
    row.locator(f"#move-date-{third.pk}").fill(moved_to.isoformat())
    row.locator(f"#move-reason-{third.pk}").fill("土地出让提前挂牌")
    row.locator(f"#move-date-{third.pk}").locator("xpath=..").locator("button[type=submit]").click()
    moved = page.get_by_test_id(f"milestone-{third.pk}")
    expect(moved).to_contain_text(moved_to.isoformat())
    expect(moved).to_contain_text("土地出让提前挂牌")

    # On the moved step's day it is due; the day after, it is overdue, the project red and on the overdue list.
    assert light_of_project(page, project, moved_to) == "yellow"
    assert overdue_titles(page, project, moved_to) == []
    assert light_of_project(page, project, moved_to + timedelta(days=1)) == "red"
    overdue = overdue_titles(page, project, moved_to + timedelta(days=1))
    assert len(overdue) == 1
    assert third.title in overdue[0]
    # Two steps done stay grey whatever the day.
    page.goto(f"/projects/{project.pk}/?as_of={(moved_to + timedelta(days=1)).isoformat()}#milestones")
    for step in steps[:2]:
        expect(page.get_by_test_id(f"milestone-{step.pk}").locator("[data-light=grey]")).to_be_visible()

    # The same panel on a phone: nothing wider than the screen but its scrolling table.
    page.set_viewport_size(PHONE)
    page.goto(f"/projects/{project.pk}/#milestones")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
