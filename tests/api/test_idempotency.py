"""Every write of the API honours `Idempotency-Key`: sent again, the first answer comes back and nothing is written
(no row, no version, no audit record); and a stale `version` is 409 with the object as it is now."""

import json
from datetime import date

import pytest

from tests.api.helpers import assert_problem, csrf, wenshui_project
from tests.rows import rows_of
from zoneledger.audit.models import AuditRecord
from zoneledger.milestones import services as milestones
from zoneledger.milestones.models import Milestone
from zoneledger.problems.models import Problem
from zoneledger.progress.models import ReportTransition, ReportVersion
from zoneledger.projects.models import Project, StageEvent
from zoneledger.projects.services import record_stage

pytestmark = pytest.mark.django_db
JSON = "application/json"


def send(client, method, url, body, key=None):
    headers = csrf(client) | ({"HTTP_IDEMPOTENCY_KEY": key} if key else {})
    return getattr(client, method)(url, json.dumps(body), JSON, **headers)


def everything_written():
    """What a write leaves behind, whichever it is."""
    return {
        "audit": AuditRecord.objects.count(),
        "versions": rows_of(Project.objects.order_by("pk").values_list("pk", "version")),
        "events": rows_of(StageEvent.objects.order_by("pk").values_list("pk", "voided")),
        "milestones": sorted(Milestone.objects.values_list("pk", "version", "done_on")),
        "problems": sorted(Problem.objects.values_list("pk", "state", "version")),
        "reports": rows_of(ReportVersion.objects.order_by("pk").values_list("pk", "state")),
        "transitions": ReportTransition.objects.count(),
    }


def project_update(project, editor):
    return "patch", f"/api/v1/projects/{project.pk}", {"version": project.version, "name": f"{project.name}（改）"}


def event_create(project, editor):
    return "post", f"/api/v1/projects/{project.pk}/events", {"stage": "terminated", "happened_on": "2025-12-30"}


def event_void(project, editor):
    event = record_stage(actor=editor, project=project, stage="terminated", happened_on=date(2025, 12, 30))
    return "post", f"/api/v1/projects/{project.pk}/events/{event.pk}/void", {"reason": "录入错误"}


def milestone_complete(project, editor):
    milestone = milestones.milestone_create(actor=editor, project=project, title="节点", planned_on=date(2025, 5, 1))
    return "post", f"/api/v1/milestones/{milestone.pk}/complete", {"done_on": "2025-05-02"}


def report_submit(project, editor):
    return "post", f"/api/v1/progress/projects/{project.pk}/reports", {"month": "2025-06", "amount": "3.00"}


@pytest.mark.parametrize("write", [project_update, event_create, event_void, milestone_complete, report_submit])
def test_a_repeated_key_returns_the_first_answer_and_writes_nothing(session_client, wenshui_editor, write):
    project = wenshui_project()
    method, url, body = write(project, wenshui_editor)
    client = session_client("wenshui-editor")

    first = send(client, method, url, body, key=f"{write.__name__}-1")
    written = everything_written()
    again = send(client, method, url, body, key=f"{write.__name__}-1")

    assert first.status_code in (200, 201), first.content
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert everything_written() == written


def test_review_steps_are_idempotent_too(session_client):
    project = wenshui_project()
    report = send(session_client("wenshui-editor"), *report_submit(project, None)).json()
    reviewer = session_client("lvliang-reviewer")

    first = send(reviewer, "post", f"/api/v1/progress/reports/{report['id']}/approve", {}, key="approve-1")
    written = everything_written()
    again = send(reviewer, "post", f"/api/v1/progress/reports/{report['id']}/approve", {}, key="approve-1")

    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert everything_written() == written


def test_acting_on_a_problem_is_idempotent(session_client, raise_problem):
    problem = raise_problem()
    client = session_client("wenshui-editor")

    first = send(client, "post", f"/api/v1/problems/{problem.pk}/act", {"step": "plan"}, key="act-1")
    written = everything_written()
    again = send(client, "post", f"/api/v1/problems/{problem.pk}/act", {"step": "plan"}, key="act-1")

    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert everything_written() == written


def test_a_key_is_the_users_own(session_client):
    """Another user sending the same key is another request: keys are kept per user."""
    project = wenshui_project()
    body = {"month": "2025-06", "amount": "3.00"}
    url = f"/api/v1/progress/projects/{project.pk}/reports"

    mine = send(session_client("wenshui-editor"), "post", url, body, key="shared")
    theirs = send(session_client("lvliang-editor"), "post", url, body | {"amount": "4.00"}, key="shared")

    assert mine.status_code == theirs.status_code == 201
    assert (mine.json()["amount"], theirs.json()["amount"]) == ("3.00", "4.00")  # theirs written, not my answer
    assert theirs.json()["submitted_by"] == "lvliang-editor"


def test_a_stale_milestone_version_is_409_with_the_milestone_as_it_is_now(session_client, wenshui_editor):
    project = wenshui_project()
    milestone = milestones.milestone_create(
        actor=wenshui_editor, project=project, title="节点", planned_on=date(2025, 5, 1)
    )
    client = session_client("wenshui-editor")
    written = everything_written()

    response = send(
        client, "post", f"/api/v1/milestones/{milestone.pk}/complete", {"done_on": "2025-05-02", "version": 7}
    )

    current = assert_problem(response, 409)["current"]
    assert (current["id"], current["version"], current["done"]) == (milestone.pk, milestone.version, None)
    assert everything_written() == written


def test_a_key_too_long_is_422_and_writes_nothing(session_client):
    client = session_client("wenshui-editor")
    written = everything_written()

    response = send(client, *report_submit(wenshui_project(), None), key="k" * 201)

    assert assert_problem(response, 422)["errors"][0]["field"] == "Idempotency-Key"
    assert everything_written() == written
