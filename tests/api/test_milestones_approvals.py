"""The API's milestones and approvals routers: the same selectors and services as the pages, problem documents
for refusals, Idempotency-Key honoured."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.api.helpers import assert_problem, csrf
from zoneledger.approvals.models import ApprovalItem
from zoneledger.milestones import services
from zoneledger.milestones.models import Milestone
from zoneledger.projects import services as project_services
from zoneledger.zones.models import Zone

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture(autouse=True)
def guess_unknown_years(settings):
    settings.ZONELEDGER_CALENDAR_UNKNOWN_YEAR = "weekends"


def post(client, url, body, **headers):
    return client.post(url, json.dumps(body), JSON, **csrf(client), **headers)


@pytest.fixture
def project(wenshui_editor):
    return project_services.project_create(
        actor=wenshui_editor,
        zone=Zone.objects.get(name="文水经济开发区"),
        name="接口节点测试项目",
        total_investment=Decimal("100.00"),
    )


def test_plan_list_and_complete(session_client, project):
    client = session_client("wenshui-editor")
    target = (timezone.localdate() + timedelta(days=400)).isoformat()

    planned = post(client, f"/api/v1/milestones/plan/{project.pk}", {"template": "工业新建项目", "target": target})

    assert planned.status_code == 201, planned.content
    milestones = planned.json()["milestones"]
    assert milestones[-1]["title"] == "开工"
    assert milestones[-1]["planned"] <= target
    assert {m["light"] for m in milestones} <= {"green", "yellow"}
    listed = client.get("/api/v1/milestones/", {"project": project.pk, "page_size": 50}).json()
    assert listed["count"] == len(milestones)

    first = milestones[0]["id"]
    done = post(client, f"/api/v1/milestones/{first}/complete", {"done_on": timezone.localdate().isoformat()})
    assert done.status_code == 200
    assert (done.json()["light"], done.json()["light_label"]) == ("grey", str(done.json()["light_label"]))


def test_an_impossible_target_is_400_with_the_first_step_and_writes_nothing(session_client, project):
    client = session_client("wenshui-editor")
    target = (timezone.localdate() + timedelta(days=10)).isoformat()

    response = post(client, f"/api/v1/milestones/plan/{project.pk}", {"template": "工业新建项目", "target": target})

    assert "备案/核准" in assert_problem(response, 400)["detail"]
    assert not Milestone.objects.filter(project=project).exists()


def test_an_unknown_template_is_422(session_client, project):
    client = session_client("wenshui-editor")

    response = post(client, f"/api/v1/milestones/plan/{project.pk}", {"template": "没有", "target": "2030-01-01"})

    assert_problem(response, 422)
    assert not Milestone.objects.filter(project=project).exists()


def test_a_repeat_with_the_same_idempotency_key_writes_nothing(session_client, project):
    client = session_client("wenshui-editor")
    body = {"template": "工业新建项目", "target": (timezone.localdate() + timedelta(days=400)).isoformat()}

    first = post(client, f"/api/v1/milestones/plan/{project.pk}", body, HTTP_IDEMPOTENCY_KEY="plan-1")
    count = Milestone.objects.filter(project=project).count()
    again = post(client, f"/api/v1/milestones/plan/{project.pk}", body, HTTP_IDEMPOTENCY_KEY="plan-1")

    assert again.status_code == first.status_code == 201
    assert again.json() == first.json()
    assert Milestone.objects.filter(project=project).count() == count


def test_a_viewer_may_not_complete_and_another_zone_gets_404(session_client, project, wenshui_editor):
    milestone = services.milestone_create(
        actor=wenshui_editor, project=project, title="节点", planned_on=date(2025, 5, 1)
    )

    viewer = post(
        session_client("wenshui-viewer"), f"/api/v1/milestones/{milestone.pk}/complete", {"done_on": "2025-05-01"}
    )
    other = post(
        session_client("xiaoyi-editor"), f"/api/v1/milestones/{milestone.pk}/complete", {"done_on": "2025-05-01"}
    )

    assert_problem(viewer, 403)
    assert_problem(other, 404)
    milestone.refresh_from_db()
    assert milestone.done_on is None


def test_the_templates(session_client):
    templates = session_client("wenshui-viewer").get("/api/v1/milestones/templates").json()

    industrial = next(t for t in templates if t["name"] == "工业新建项目")
    assert industrial["steps"][0] == {
        "title": "备案/核准",
        "working_days": 3,
        "after_previous": True,
        "kind": "approval",
        "stage": "",
    }


def test_approvals_save_list_and_refuse_bad_input(session_client):
    client = session_client("wenshui-editor")
    item = {"project_code": "2025-141121-30-03-00099C", "matter": "filing", "state": "in_progress"}
    before = ApprovalItem.objects.count()

    saved = post(client, "/api/v1/approvals/", item, HTTP_IDEMPOTENCY_KEY="approval-1")
    bad = post(client, "/api/v1/approvals/", item | {"matter": "other", "project_code": "x"})

    assert saved.status_code == 200, saved.content
    assert saved.json()["project"] is None
    document = assert_problem(bad, 422)
    assert {error["field"] for error in document["errors"]} == {"matter", "project_code"}
    assert ApprovalItem.objects.count() == before + 1
    listed = client.get("/api/v1/approvals/", {"unmatched": True}).json()
    assert [row["project_code"] for row in listed["items"]] == ["2025-141121-30-03-00099C"]
    assert_problem(post(session_client("wenshui-viewer"), "/api/v1/approvals/", item), 403)
