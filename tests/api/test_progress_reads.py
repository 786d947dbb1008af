"""A zone's month and the reviewer's queue through the API: the rows the pages show, read by the same selectors,
within the user's scope (a zone out of it is 404, as missing), bad input 422."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.api.helpers import assert_problem, wenshui_project
from zoneledger.accounts.models import User
from zoneledger.core.money import format_wan
from zoneledger.progress.choices import ReportState
from zoneledger.progress.forms import STATE_LABELS
from zoneledger.progress.models import ReportVersion
from zoneledger.progress.services import plan_set, progress_submit
from zoneledger.zones.models import Zone

pytestmark = pytest.mark.django_db


def month_url(zone, month):
    return f"/api/v1/progress/months/{zone.pk}/{month:%Y-%m}"


def wan(amount):
    return None if amount is None else format_wan(amount)


def a_month_of_wenshui():
    """The demo's latest reported month of 文水, with one project planned and reported the month before."""
    project = wenshui_project()
    month = ReportVersion.objects.filter(project__zone=project.zone).latest("month").month
    editor = User.objects.get(username="wenshui-editor")
    plan_set(actor=editor, project=project, year=month.year, amount=Decimal("1200"))
    before = date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
    if not ReportVersion.objects.filter(project=project, month=before).exists():
        progress_submit(actor=editor, project=project, month=before, amount=Decimal("95.50"))
    return project, month


def test_a_zone_s_month_is_the_month_page_s_rows(session_client):
    project, month = a_month_of_wenshui()
    client = session_client("wenshui-editor")

    answer = client.get(month_url(project.zone, month))
    page = client.get(reverse("progress:month"), {"month": f"{month:%Y-%m}", "zone": project.zone_id})

    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["zone"], body["month"]) == ({"id": project.zone_id, "name": project.zone.name}, f"{month:%Y-%m}")
    rows = page.context["rows"]
    assert rows
    assert [
        (
            item["project"]["id"],
            item["state"],
            item["amount"],
            item["correcting"],
            item["planned"],
            item["last"],
            item["physical_progress"],
            item["report"],
        )
        for item in body["projects"]
    ] == [
        (
            row.project.pk,
            row.state,
            wan(row.amount),
            wan(row.correcting),
            wan(row.planned),
            wan(row.last),
            row.physical_progress,
            (row.open or row.counting).pk if (row.open or row.counting) else None,
        )
        for row in rows
    ]
    planned = next(item for item in body["projects"] if item["project"]["id"] == project.pk)
    assert planned["planned"] == "100.00"
    assert planned["last"] is not None
    assert all(item["state_label"] == STATE_LABELS[item["state"]] for item in body["projects"])
    assert "未填报" in {item["state_label"] for item in body["projects"]}


def test_a_zone_s_month_outside_the_scope_is_not_found_and_a_bad_month_refused(session_client):
    client = session_client("wenshui-editor")
    xiaoyi = Zone.objects.get(name="孝义经济开发区")
    wenshui = Zone.objects.get(name="文水经济开发区")

    assert_problem(client.get(month_url(xiaoyi, date(2025, 6, 1))), 404)
    assert_problem(client.get("/api/v1/progress/months/999999/2025-06"), 404)
    assert_problem(client.get(f"/api/v1/progress/months/{2**70}/2025-06"), 404)
    for bad in ("2025-13", "June", "0000-01", "3000-01", "2025-6-1"):
        document = assert_problem(client.get(f"/api/v1/progress/months/{wenshui.pk}/{bad}"), 422)
        assert [error["field"] for error in document["errors"]] == ["month"]


@pytest.fixture
def waiting():
    """Corrections of the demo's June 2025 months (approved by their cities), submitted by the province's editor: a
    queue of a thousand reports over many zones, more than a page of 吕梁's among them."""
    from zoneledger.progress.services import MonthEntry, progress_submit_bulk

    june = ReportVersion.objects.filter(
        project__zone__province_id="140000", month=date(2025, 6, 1), state=ReportState.APPROVED
    ).select_related("project__zone")
    entries = [MonthEntry(version.project, version.month, version.amount + 1) for version in june]
    progress_submit_bulk(actor=User.objects.get(username="province-editor"), entries=entries)


def test_the_review_queue_is_the_review_page_s_a_page_at_a_time(session_client, waiting):
    client = session_client("lvliang-reviewer")
    wenshui = Zone.objects.get(name="文水经济开发区")
    month = ReportVersion.objects.filter(state=ReportState.SUBMITTED).latest("month").month

    for filters in ({}, {"zone": wenshui.pk}, {"month": f"{month:%Y-%m}"}, {"page": 2}):
        answer = client.get("/api/v1/progress/reviews", {**filters, "page_size": 50})
        page = client.get(reverse("progress:queue"), filters)

        assert answer.status_code == 200, answer.content
        body = answer.json()
        shown = page.context["page"]
        assert [item["id"] for item in body["items"]] == [version.pk for version in shown.object_list], filters
        assert body["count"] == shown.paginator.count
    first = client.get("/api/v1/progress/reviews", {"zone": wenshui.pk}).json()["items"][0]
    version = ReportVersion.objects.select_related("project__zone").get(pk=first["id"])
    assert (first["project"], first["project_name"], first["zone"]["name"], first["state"]) == (
        version.project_id,
        version.project.name,
        "文水经济开发区",
        "submitted",
    )
    assert first["photos"] == version.photos.count()


def test_the_review_queue_is_a_reviewer_s_in_their_scope(session_client):
    elsewhere = Zone.objects.exclude(city__code="141100").filter(province_id="140000").first()

    assert_problem(session_client("wenshui-editor").get("/api/v1/progress/reviews"), 403)
    reviewer = session_client("lvliang-reviewer")
    assert_problem(reviewer.get("/api/v1/progress/reviews", {"zone": elsewhere.pk}), 404)
    for bad in ({"month": "2025-13"}, {"month": "June"}, {"zone": 0}, {"zone": 2**70}, {"page": 0}):
        assert_problem(reviewer.get("/api/v1/progress/reviews", bad), 422)


def test_the_month_and_the_queue_take_the_same_queries_whatever_their_rows(session_client, waiting):
    client = session_client("province-reviewer")
    month = ReportVersion.objects.filter(state=ReportState.SUBMITTED).latest("month").month
    reporting = Zone.objects.filter(projects__report_versions__month=month).distinct()
    sizes = {zone: zone.projects.count() for zone in reporting}
    small, large = min(sizes, key=sizes.get), max(sizes, key=sizes.get)
    counts = []
    for zone, page_size in ((small, 5), (large, 200)):
        client.get(month_url(zone, month))
        with CaptureQueriesContext(connection) as month_queries:
            assert client.get(month_url(zone, month)).status_code == 200
        with CaptureQueriesContext(connection) as queue_queries:
            assert client.get("/api/v1/progress/reviews", {"page_size": page_size}).status_code == 200
        counts.append((len(month_queries), len(queue_queries)))

    assert sizes[large] > sizes[small]
    assert counts[0] == counts[1]
