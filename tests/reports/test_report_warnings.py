"""低于序时进度 and 未按时填报 on the warnings page, beside 签约未开工 and 节点逾期: one list each (the progress
selectors the plan page and the API read), so the warnings page, the dashboard, the API and the export count the
same projects."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from tests.api.helpers import wenshui_project
from tests.security.sessions import log_in
from zoneledger.accounts.models import User
from zoneledger.progress.selectors import behind_plan, late_reports, warning_month
from zoneledger.progress.services import plan_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def month():
    """The month today's warnings are about: the latest whose reports were due."""
    return warning_month(timezone.localdate())


@pytest.fixture
def planned(wenshui_editor, month):
    """A Wenshui project planned far beyond anything it reported in the warnings' year: behind."""
    project = wenshui_project()
    plan_set(actor=wenshui_editor, project=project, year=month.year, amount=Decimal("100000"))
    return project


def todo_count(page, label):
    return next(todo.count for todo in page.context["todos"] if str(todo.label) == label)


@pytest.mark.parametrize("username", ["wenshui-editor", "lvliang-reviewer", "province-viewer"])
def test_the_page_the_dashboard_the_api_and_the_export_count_the_same_projects(
    client, session_client, planned, month, username
):
    user = User.objects.get(username=username)
    behind = behind_plan(user=user, month=month)
    late = late_reports(user=user, month=month)
    assert planned.pk in {row.project.pk for row in behind}
    assert late  # the demo's projects under construction have not reported the month
    log_in(client, user)

    page = client.get(reverse("reports:warnings"))
    assert (page.context["behind_count"], page.context["late_count"]) == (len(behind), len(late))
    html = page.content.decode()
    assert f'data-testid="behind-count" hidden>{len(behind)}<' in html
    assert f'data-testid="late-count" hidden>{len(late)}<' in html
    assert planned.name in html

    dashboard = client.get(reverse("reports:dashboard"))
    assert todo_count(dashboard, "低于序时进度") == len(behind)
    assert todo_count(dashboard, "未按时填报") == len(late)

    api = session_client(username)
    assert api.get("/api/v1/warnings/behind-plan").json()["count"] == len(behind)
    assert api.get("/api/v1/warnings/late-reports").json()["count"] == len(late)

    plans = client.get(reverse("progress:plans"), {"year": month.year, "month": month.month})
    assert (plans.context["behind"], len(plans.context["late"])) == (len(behind), len(late))

    workbook = openpyxl.load_workbook(io.BytesIO(client.get(reverse("reports:warnings_export")).content))
    _signed, behind_sheet, late_sheet = workbook.worksheets
    assert [row[0] for row in behind_sheet.iter_rows(min_row=2, values_only=True)] == [r.project.name for r in behind]
    assert [row[0] for row in late_sheet.iter_rows(min_row=2, values_only=True)] == [r.project.name for r in late]


def test_the_page_s_day_sets_the_month_the_warnings_are_about(client, wenshui_editor):
    log_in(client, wenshui_editor)
    # On 10 March the February reports were due (5 March); on 5 March itself, only January's.
    assert client.get(reverse("reports:warnings"), {"as_of": "2025-03-10"}).context["warning_month"] == date(2025, 2, 1)
    assert client.get(reverse("reports:warnings"), {"as_of": "2025-03-05"}).context["warning_month"] == date(2025, 1, 1)
    page = client.get(reverse("reports:warnings"), {"as_of": "2025-03-10"})
    assert page.context["late_count"] == len(
        late_reports(user=wenshui_editor, month=date(2025, 2, 1), today=date(2025, 3, 10))
    )


def test_a_new_day_redraws_every_list_and_a_sort_only_the_table(client, wenshui_editor):
    log_in(client, wenshui_editor)
    day = client.get(
        reverse("reports:warnings"),
        {"as_of": "2025-03-10"},
        headers={"HX-Request": "true", "HX-Target": "warnings-all"},
    )
    assert day.content.decode().lstrip().startswith('<div id="warnings-all"')
    assert 'id="late-reports"' in day.content.decode()
    sort = client.get(
        reverse("reports:warnings"), {"sort": "name"}, headers={"HX-Request": "true", "HX-Target": "warnings-table"}
    )
    assert sort.content.decode().lstrip().startswith('<div id="warnings-table"')


def test_another_province_s_reviewer_sees_none_of_these(client, planned, month):
    log_in(client, User.objects.get(username="hebei-reviewer"))
    page = client.get(reverse("reports:warnings"))
    assert planned.name not in page.content.decode()
    assert all(
        row.project.zone.province_id == "130000"
        for row in late_reports(user=User.objects.get(username="hebei-reviewer"), month=month)
    )
