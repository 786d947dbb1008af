"""The problems router: list, detail, raise and act through the same selectors and services as the pages; refused
writes change nothing; an Idempotency-Key repeat returns the first answer and writes nothing."""

import json

import pytest

from tests.api.helpers import assert_problem, csrf
from tests.problems.test_services import fingerprint
from zoneledger.problems.choices import State

pytestmark = pytest.mark.django_db

JSON = "application/json"


def post(client, url, body, **headers):
    return client.post(url, json.dumps(body), JSON, **csrf(client), **headers)


def test_the_queue_and_a_problem_read_as_on_the_pages(session_client, raise_problem):
    problem = raise_problem()
    client = session_client("lvliang-viewer")

    listed = client.get("/api/v1/problems/", {"as_of": "2025-10-10", "colour": "red"})

    assert listed.status_code == 200, listed.content
    item = next(item for item in listed.json()["items"] if item["id"] == problem.pk)
    assert item["colour"] == "red"
    assert item["escalated_to"] == "zone"
    assert item["deadlines"] == {"plan": "2025-10-09", "reply": "2025-10-11", "solve": "2025-10-16"}
    detail = client.get(f"/api/v1/problems/{problem.pk}")
    assert detail.json()["title"] == problem.title


def test_a_problem_out_of_scope_is_404(session_client, raise_problem):
    problem = raise_problem()
    assert_problem(session_client("xiaoyi-editor").get(f"/api/v1/problems/{problem.pk}"), 404)


def test_raising_and_acting_with_an_idempotency_key(session_client, problem_project, user, settings):
    settings.ZONELEDGER_CALENDAR_UNKNOWN_YEAR = "weekends"
    client = session_client("wenshui-editor")
    body = {
        "project": problem_project.pk,
        "title": "接口提出的问题",
        "category": "funding",
        "level": "major",
        "owner_org": user("wenshui-editor").org_id,
    }

    first = post(client, "/api/v1/problems/", body, HTTP_IDEMPOTENCY_KEY="raise-1")
    before = fingerprint()
    again = post(client, "/api/v1/problems/", body, HTTP_IDEMPOTENCY_KEY="raise-1")

    assert first.status_code == 201, first.content
    assert again.json() == first.json()
    assert fingerprint() == before
    acted = post(client, f"/api/v1/problems/{first.json()['id']}/act", {"step": "plan", "note": "已部署"})
    assert acted.status_code == 200, acted.content
    assert acted.json()["state"] == State.PLANNED


@pytest.mark.parametrize(
    ("who", "body", "status"),
    [
        ("wenshui-viewer", {"step": "plan"}, 403),
        ("xiaoyi-editor", {"step": "plan"}, 404),
        ("wenshui-editor", {"step": "reply", "note": "方案"}, 422),  # out of order
        ("wenshui-editor", {"step": "close"}, 422),  # not solved
        ("wenshui-editor", {"step": "explode"}, 422),
    ],
)
def test_refused_steps_are_problem_documents_and_change_nothing(session_client, raise_problem, who, body, status):
    problem = raise_problem()
    client = session_client(who)
    before = fingerprint()

    assert_problem(post(client, f"/api/v1/problems/{problem.pk}/act", body), status)

    assert fingerprint() == before


def test_an_empty_reply_is_422_and_changes_nothing(session_client, raise_problem):
    problem = raise_problem()
    client = session_client("wenshui-editor")
    post(client, f"/api/v1/problems/{problem.pk}/act", {"step": "plan"})
    before = fingerprint()
    document = assert_problem(post(client, f"/api/v1/problems/{problem.pk}/act", {"step": "reply", "note": ""}), 422)
    assert document["errors"][0]["field"] == "note"
    assert fingerprint() == before


def test_a_viewer_raising_is_refused(session_client, problem_project, user):
    client = session_client("wenshui-viewer")
    before = fingerprint()
    body = {"project": problem_project.pk, "title": "x", "category": "land", "owner_org": user("wenshui-viewer").org_id}
    assert_problem(post(client, "/api/v1/problems/", body), 403)
    assert fingerprint() == before
