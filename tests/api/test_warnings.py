"""Warnings: the lists the pages show (签约未开工, 低于序时进度, 未按时填报, 节点逾期), from the same selectors, in the
user's scope, paged like every list of the API."""

from datetime import date
from decimal import Decimal

import pytest

from tests.api.helpers import assert_problem, wenshui_project
from zoneledger.accounts.models import User
from zoneledger.accounts.scope import user_scope
from zoneledger.milestones.models import Milestone
from zoneledger.progress.selectors import late_reports, plan_rows
from zoneledger.progress.services import plan_set
from zoneledger.reports.figures import signed_not_started

pytestmark = pytest.mark.django_db


def everything(client, url):
    """Every item of a list read page by page (a small page size, so paging itself is exercised)."""
    items, page = [], 1
    while True:
        document = client.get(f"{url}{'&' if '?' in url else '?'}page_size=7&page={page}").json()
        items += document["items"]
        if page >= document["pages"]:
            assert len(items) == document["count"]
            return items
        page += 1


def test_signed_not_started_is_the_warnings_page_list(session_client):
    client = session_client("lvliang-viewer")
    user = User.objects.get(username="lvliang-viewer")
    as_of = date(2025, 6, 30)
    expected = signed_not_started(user=user, scope=user_scope(user), as_of=as_of, sort="-days")
    assert expected

    items = everything(client, "/api/v1/warnings/signed-not-started?as_of=2025-06-30")

    assert [item["project"] for item in items] == [row.project_id for row in expected]
    first, row = items[0], expected[0]
    assert first["days"] == row.days == (as_of - row.signed_on).days
    assert first["level"] == row.level
    assert first["investment_wan"] == f"{row.investment:.2f}"
    assert first["signed_on"] == row.signed_on.isoformat()


def test_signed_not_started_filters_and_sorts_as_the_page(session_client):
    client = session_client("province-viewer")
    user = User.objects.get(username="province-viewer")
    expected = signed_not_started(
        user=user, scope=user_scope(user), as_of=date(2025, 1, 1), level="yellow", sort="name"
    )

    items = everything(client, "/api/v1/warnings/signed-not-started?as_of=2025-01-01&level=yellow&sort=name")

    assert [item["project"] for item in items] == [row.project_id for row in expected]
    assert {item["level"] for item in items} <= {"yellow"}


@pytest.mark.parametrize(
    "query", ["level=green", "sort=colour", "as_of=2025-02-30", "as_of=1800-01-01", "known_at=yesterday", "page=0"]
)
def test_a_filter_outside_its_choices_is_a_422(session_client, query):
    document = assert_problem(
        session_client("province-viewer").get(f"/api/v1/warnings/signed-not-started?{query}"), 422
    )
    assert document["errors"]


def test_warnings_are_the_users_scope_only(session_client):
    wenshui = everything(session_client("wenshui-viewer"), "/api/v1/warnings/signed-not-started?as_of=2025-06-30")
    zones = {item["zone"] for item in wenshui}
    assert zones <= {"文水经济开发区"}
    assert len(wenshui) < len(
        everything(session_client("lvliang-viewer"), "/api/v1/warnings/signed-not-started?as_of=2025-06-30")
    )


@pytest.mark.parametrize("path", ["signed-not-started", "behind-plan", "late-reports", "overdue-milestones"])
def test_an_administrator_reads_no_warnings(session_client, path):
    assert_problem(session_client("sysadmin").get(f"/api/v1/warnings/{path}"), 404)


@pytest.fixture
def planned(wenshui_editor):
    """A Wenshui project planned at 100,000 万元 for 2025, far beyond what it reported: behind all year."""
    project = wenshui_project()
    plan_set(actor=wenshui_editor, project=project, year=2025, amount=Decimal("100000"))
    return project


def test_behind_plan_lists_the_rows_the_plan_page_flags(session_client, planned):
    user = User.objects.get(username="lvliang-viewer")
    expected = [row for row in plan_rows(user=user, year=2025, month=6) if row.behind]
    assert planned.pk in {row.project.pk for row in expected}

    items = everything(session_client("lvliang-viewer"), "/api/v1/warnings/behind-plan?year=2025&month=6")

    assert [item["project"] for item in items] == [row.project.pk for row in expected]
    mine = next(item for item in items if item["project"] == planned.pk)
    assert (mine["plan_wan"], mine["planned_wan"]) == ("100000.00", "49999.98")  # 8333.33 a month, 8333.37 in December
    assert mine["completion_rate"] is not None
    assert Decimal(mine["completion_rate"]) < 80


def test_behind_plan_of_another_zone_is_empty(session_client, planned):
    items = everything(
        session_client("lvliang-viewer"), f"/api/v1/warnings/behind-plan?year=2025&zone={planned.zone_id + 10**6}"
    )
    assert items == []


def test_late_reports_are_the_plan_pages_list(session_client):
    user = User.objects.get(username="lvliang-viewer")
    expected = late_reports(user=user, month=date(2025, 3, 1))

    items = everything(session_client("lvliang-viewer"), "/api/v1/warnings/late-reports?year=2025&month=3")

    assert [(item["project"], item["state"]) for item in items] == [(row.project.pk, row.state) for row in expected]
    assert items


def test_overdue_milestones_are_the_milestones_red_light(session_client):
    project = wenshui_project()
    Milestone.objects.create(project=project, title="逾期节点", planned_on=date(2025, 3, 31))
    client = session_client("wenshui-viewer")

    overdue = everything(client, "/api/v1/warnings/overdue-milestones?as_of=2025-06-30")

    assert "逾期节点" in {item["title"] for item in overdue}
    assert {item["light"] for item in overdue} == {"red"}
    assert overdue == everything(client, "/api/v1/milestones/?light=red&as_of=2025-06-30")
