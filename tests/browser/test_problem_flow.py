"""A problem across roles in a real Chromium (issue 15): a zone editor raises it (yellow: planning is due the next
working day) and the zone replies (green); the clock moves
on past its deadline; the city's reviewer finds it escalated and red — in words too — in their queue, with a
notification behind the bell; they solve and close it; the weekly pack lists it as solved that week.

Set SCREENSHOTS_DIR to keep the problem pages as they look on a desktop (1366) and a phone (360)."""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, log_in
from zoneledger.accounts.models import User
from zoneledger.notifications.models import Notification
from zoneledger.problems import services
from zoneledger.problems.models import Problem
from zoneledger.projects.models import Project

pytestmark = pytest.mark.browser

RED = "rgb(153, 27, 27)"  # .problem-colour-red and .deadline-overdue


def shoot(page, name):
    """Keep the page as it looks at desktop and phone size, when SCREENSHOTS_DIR says where."""
    folder = os.environ.get("SCREENSHOTS_DIR")
    if not folder:
        return
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.screenshot(path=Path(folder) / f"{name}-{size}.png", full_page=True)
    page.set_viewport_size(DESKTOP)


def log_out(page):
    page.context.clear_cookies()


def act(page, step, note=""):
    page.locator(f"input[name=step][value={step}]").check()
    page.locator("#id_note").fill(note)
    page.locator("form.problem-act button[type=submit]").click()
    expect(page.locator(".message-success")).to_be_visible()


def test_a_problem_from_raised_to_closed_across_roles(page):
    project = Project.objects.filter(zone__name="文水经济开发区").order_by("pk").first()
    zone_org = User.objects.get(username="wenshui-editor").org
    Notification.objects.all().delete()  # what the demo's own problems told: the bell counts this test's only

    # The zone's editor raises it: on time, green, in words.
    log_in(page, "wenshui-editor")
    page.goto(f"/problems/project/{project.pk}/raise/")
    page.locator("#id_title").fill("施工用电增容未批复")
    page.locator("#id_description").fill("变电站增容申请已报送供电公司两周，尚无答复。")
    page.locator("#id_category").select_option("utilities")
    page.locator("input[name=level][value=ordinary]").check()
    page.locator("#id_owner_org").select_option(str(zone_org.pk))
    page.get_by_role("button", name="提出").click()
    problem = Problem.objects.get(title="施工用电增容未批复")
    expect(page.get_by_test_id("state")).to_have_text("已提出")
    # Its plan is due the next working day: yellow at once, in words.
    expect(page.locator(".problem-colour")).to_have_attribute("data-colour", "yellow")
    expect(page.locator(".problem-colour")).to_contain_text("一个工作日内到期")

    # The zone plans and replies (an empty reply is refused on the page, nothing saved).
    act(page, "plan")
    page.locator("input[name=step][value=reply]").check()
    page.locator("form.problem-act button[type=submit]").click()
    expect(page.locator(".field-error")).to_be_visible()
    problem.refresh_from_db()
    assert problem.state == "planned"
    act(page, "reply", "已协调供电公司，本周内现场踏勘。")
    expect(page.get_by_test_id("state")).to_have_text("已答复")
    expect(page.locator(".problem-colour")).to_have_attribute("data-colour", "green")  # only the solve deadline runs
    expect(page.locator(".problem-colour")).to_contain_text("正常")
    shoot(page, "problem-detail")

    # The clock moves on: the worker's escalation runs the day after the solve deadline.
    escalated_on = problem.solve_due + timedelta(days=1)
    services.problem_escalate(as_of=escalated_on)
    problem.refresh_from_db()
    assert problem.tier == "city"
    later = problem.solve_due + timedelta(days=1)  # past the city's deadline too: red
    log_out(page)

    # The city's reviewer: a notification behind the bell, the problem red and escalated in their queue.
    log_in(page, "lvliang-reviewer")
    expect(page.get_by_test_id("bell-count")).to_have_text("1")
    page.get_by_test_id("bell").click()
    # One notice: of this problem, or — when the demo's own overdue problems reached the city in the same run —
    # counting them all and opening the city's queue.
    notice = page.locator(".notification")
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text("升级至您这一级")
    shoot(page, "notifications")
    notice.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/problems/({problem.pk}/|\?tier=city)$"))

    page.goto(f"/problems/?tier=city&as_of={later.isoformat()}")
    row = page.get_by_test_id(f"problem-{problem.pk}")
    colour = row.locator(".problem-colour")
    expect(colour).to_have_attribute("data-colour", "red")
    expect(colour).to_contain_text("超期")
    assert colour.evaluate("element => getComputedStyle(element).color") == RED
    shoot(page, "problem-queue")

    page.goto(f"/problems/{problem.pk}/?as_of={later.isoformat()}")
    solve = page.get_by_test_id("deadline-solve").locator(".deadline-status")
    expect(solve).to_have_text("超期")
    assert solve.evaluate("element => getComputedStyle(element).color") == RED
    expect(page.get_by_test_id("deadline-plan").locator(".deadline-status")).to_have_text("已完成")

    # Solved and closed (销号) by the reviewer above the side that raised it; read in the inbox.
    act(page, "solve", "供电公司已批复增容，已通电。")
    expect(page.get_by_test_id("state")).to_have_text("已解决")
    act(page, "close", "现场核实，同意销号。")
    expect(page.get_by_test_id("state")).to_contain_text("已销号")
    expect(page.get_by_test_id("step-escalate")).to_be_visible()
    page.goto("/notifications/")
    page.get_by_test_id("read-all").click()
    expect(page.get_by_test_id("bell-count")).to_have_count(0)

    # The week's dispatch pack lists it as solved.
    page.goto(f"/weekly/?week={timezone.localdate().isoformat()}")
    expect(page.get_by_test_id("solved").get_by_test_id(f"problem-{problem.pk}")).to_be_visible()
    shoot(page, "weekly")


def test_a_task_force_kept_on_its_page(page):
    reviewer = User.objects.get(username="lvliang-reviewer")
    project = Project.objects.filter(zone__name="文水经济开发区").order_by("pk").first()
    log_in(page, "lvliang-reviewer")

    page.goto("/problems/task-forces/new/")
    page.locator("#id_name").fill("文水新材料专班")
    page.locator("#id_lead").select_option(str(reviewer.pk))
    page.locator(f"input[name=members][value='{User.objects.get(username='wenshui-editor').pk}']").check()
    page.locator("#id_projects").fill(f"{project.code or project.pk}  {project.name}\nno-such-project")
    shoot(page, "task-force-edit")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".field-error")).to_contain_text("no-such-project")  # nothing saved

    page.locator("#id_projects").fill(f"{project.code or project.pk}  {project.name}")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id(f"project-{project.pk}")).to_be_visible()
    expect(page.get_by_test_id("people")).to_contain_text(str(reviewer))
    shoot(page, "task-force")
    page.get_by_test_id("weekly").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("文水新材料专班")
