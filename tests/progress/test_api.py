"""The API's progress router: the same services as the pages, over the test client; refusals write nothing."""

import json

import pytest

from tests.api.helpers import assert_problem, csrf, wenshui_project, xiaoyi_project
from tests.progress.conftest import state_of_everything
from zoneledger.progress.choices import ReportState
from zoneledger.progress.models import ReportVersion

pytestmark = pytest.mark.django_db
JSON = "application/json"


def post(client, url, body=None, **headers):
    return client.post(url, json.dumps(body or {}), JSON, **csrf(client), **headers)


def submit_url(project):
    return f"/api/v1/progress/projects/{project.pk}/reports"


def a_month(project):
    """A month the project may report (its start or later, not in the future)."""
    started = project.events.filter(voided=False, stage__in=["started", "commissioned", "at_capacity"]).first()
    return f"{started.happened_on:%Y-%m}" if started else "2025-06"


def test_submit_approve_and_list(session_client):
    project = wenshui_project()
    editor, reviewer = session_client("wenshui-editor"), session_client("lvliang-reviewer")
    response = post(editor, submit_url(project), {"month": a_month(project), "amount": "12.30", "note": "接口"})
    assert response.status_code == 201, response.content
    report = response.json()
    assert (report["state"], report["amount"], report["submitted_by"]) == ("submitted", "12.30", "wenshui-editor")

    approved = post(reviewer, f"/api/v1/progress/reports/{report['id']}/approve")
    assert approved.status_code == 200, approved.content
    assert approved.json()["state"] == "approved"
    listed = editor.get(submit_url(project)).json()
    assert approved.json() in listed


def test_approving_twice_is_a_409_and_changes_nothing(session_client):
    project = wenshui_project()
    editor, reviewer = session_client("wenshui-editor"), session_client("lvliang-reviewer")
    report = post(editor, submit_url(project), {"month": a_month(project), "amount": "1"}).json()
    post(reviewer, f"/api/v1/progress/reports/{report['id']}/approve")
    before = state_of_everything()
    assert_problem(post(reviewer, f"/api/v1/progress/reports/{report['id']}/approve"), 409)
    assert_problem(post(reviewer, f"/api/v1/progress/reports/{report['id']}/return", {"reason": "x"}), 409)
    assert state_of_everything() == before


def test_refusals_write_nothing(session_client):
    project = wenshui_project()
    editor, other, viewer, reviewer = (
        session_client(name) for name in ("wenshui-editor", "xiaoyi-editor", "wenshui-viewer", "lvliang-reviewer")
    )
    report = post(editor, submit_url(project), {"month": a_month(project), "amount": "1"}).json()
    before = state_of_everything()
    assert_problem(post(editor, f"/api/v1/progress/reports/{report['id']}/approve"), 403)  # an editor
    assert_problem(post(other, submit_url(project), {"month": "2025-06", "amount": "1"}), 404)
    assert_problem(post(viewer, submit_url(project), {"month": "2025-06", "amount": "1"}), 403)
    assert_problem(post(editor, submit_url(project), {"month": a_month(project), "amount": "-1"}), 422)
    assert_problem(post(editor, submit_url(project), {"month": "2099-01", "amount": "1"}), 422)
    assert_problem(post(editor, submit_url(project), {"month": "June", "amount": "1"}), 422)
    assert_problem(post(reviewer, f"/api/v1/progress/reports/{report['id']}/return"), 422)
    assert_problem(post(other, f"/api/v1/progress/reports/{report['id']}/approve"), 404)
    assert_problem(other.get(submit_url(project)), 404)
    assert state_of_everything() == before
    assert xiaoyi_project() is not None


def test_an_idempotency_key_returns_the_first_answer_and_writes_once(session_client):
    project = wenshui_project()
    editor = session_client("wenshui-editor")
    body = {"month": a_month(project), "amount": "5"}
    first = post(editor, submit_url(project), body, HTTP_IDEMPOTENCY_KEY="progress-1")
    again = post(editor, submit_url(project), body | {"amount": "6"}, HTTP_IDEMPOTENCY_KEY="progress-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    version = ReportVersion.objects.get(pk=first.json()["id"])
    assert (version.amount, version.state) == (5, ReportState.SUBMITTED)
    assert version.transitions.count() == 1
