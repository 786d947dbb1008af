"""Writes: the pages' services through the API, audited with the caller; every bad input a problem, nothing written."""

import io
import json

import openpyxl
import pytest

from tests.api.helpers import assert_problem, csrf, ledger_state, wenshui_project, xiaoyi_project
from zoneledger.accounts import session
from zoneledger.audit.actions import Action
from zoneledger.audit.models import AuditRecord
from zoneledger.ingest.columns import LEDGER_SHEET
from zoneledger.projects.models import Project
from zoneledger.zones.models import Zone

pytestmark = pytest.mark.django_db

JSON = "application/json"


def post(client, url, body, method="post"):
    return getattr(client, method)(url, body if isinstance(body, str) else json.dumps(body), JSON, **csrf(client))


def test_a_project_added_reads_back_as_written_and_is_audited(session_client):
    client = session_client("wenshui-editor")
    zone = Zone.objects.get(name="文水经济开发区")

    response = post(
        client,
        "/api/v1/projects/",
        {"name": "接口新增项目", "zone": zone.pk, "total_investment": "1234.50", "enterprise_name": "接口企业"},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    project = Project.objects.get(pk=body["id"])
    assert (project.name, project.total_investment, project.enterprise.name) == ("接口新增项目", 1234.5, "接口企业")
    assert body == client.get(f"/api/v1/projects/{project.pk}").json()
    assert body["total_investment"] == "1234.50"
    record = AuditRecord.objects.get(action=Action.PROJECT_CREATE, object_id=str(project.pk))
    assert record.actor.username == "wenshui-editor"


def test_a_known_enterprise_code_reads_back_with_the_name_given_not_another_zone_s(session_client):
    """Issue 20, C2, through the API as through the form."""
    from tests.factories import valid_uscc
    from zoneledger.accounts.models import User
    from zoneledger.enterprises.services import enterprise_resolve

    theirs = enterprise_resolve(
        actor=User.objects.get(username="xiaoyi-editor"), name="孝义内部备注：对接中的某公司", uscc=valid_uscc(404040)
    )
    client = session_client("wenshui-editor")
    zone = Zone.objects.get(name="文水经济开发区")
    body = {"name": "接口企业项目", "zone": zone.pk, "total_investment": "1.00"}
    body["enterprise_name"] = "文水录入的建设单位"

    response = post(client, "/api/v1/projects/", body | {"enterprise_uscc": valid_uscc(404040)})

    assert response.status_code == 201, response.content
    assert Project.objects.get(pk=response.json()["id"]).enterprise == theirs
    assert response.json()["enterprise"] == {"name": "文水录入的建设单位", "uscc": valid_uscc(404040)}
    assert "孝义内部备注" not in client.get("/api/v1/projects/", {"q": "接口企业项目"}).content.decode()


def test_an_update_changes_only_what_it_names_and_moves_the_version(session_client):
    client = session_client("wenshui-editor")
    project = wenshui_project()

    response = post(
        client, f"/api/v1/projects/{project.pk}", {"version": project.version, "leader_in_charge": "王主任"}, "patch"
    )

    assert response.status_code == 200, response.content
    project.refresh_from_db()
    assert (project.leader_in_charge, response.json()["version"]) == ("王主任", project.version)
    assert response.json()["name"] == project.name


def test_a_stale_version_is_409_with_the_project_as_it_is_now(session_client):
    client = session_client("wenshui-editor")
    project = wenshui_project()
    before = ledger_state()

    response = post(
        client, f"/api/v1/projects/{project.pk}", {"version": project.version - 1, "name": "旧版本"}, "patch"
    )

    document = assert_problem(response, 409)
    assert document["current"] == client.get(f"/api/v1/projects/{project.pk}").json()
    assert ledger_state() == before


def test_a_stage_recorded_and_voided(session_client):
    client = session_client("wenshui-editor")
    project = wenshui_project()

    recorded = post(
        client, f"/api/v1/projects/{project.pk}/events", {"stage": "terminated", "happened_on": "2025-06-30"}
    )
    assert recorded.status_code == 201, recorded.content
    event = recorded.json()
    project.refresh_from_db()
    assert project.stage == "terminated"

    voided = post(client, f"/api/v1/projects/{project.pk}/events/{event['id']}/void", {"reason": "录错了"})

    assert voided.status_code == 200, voided.content
    assert voided.json()["voided"] is True
    assert voided.json()["void_reason"] == "录错了"
    project.refresh_from_db()
    assert project.stage != "terminated"
    assert AuditRecord.objects.filter(action=Action.STAGE_VOID, actor__username="wenshui-editor").exists()


def _bad_writes():
    """(who, method, url, body, status): refusals that must write nothing."""
    return [
        ("wenshui-editor", "post", "/api/v1/projects/", "{not json", 400),
        ("wenshui-editor", "post", "/api/v1/projects/", {"name": "缺少投资", "zone": "{wenshui}"}, 422),
        (
            "wenshui-editor",
            "post",
            "/api/v1/projects/",
            {"name": "金额", "zone": "{wenshui}", "total_investment": "1.234"},
            422,
        ),
        (
            "wenshui-editor",
            "post",
            "/api/v1/projects/",
            {"name": "数字", "zone": "{wenshui}", "total_investment": 12},
            422,
        ),
        (
            "wenshui-editor",
            "post",
            "/api/v1/projects/",
            {"name": "别区", "zone": "{xiaoyi}", "total_investment": "1.00"},
            422,
        ),
        (
            "wenshui-viewer",
            "post",
            "/api/v1/projects/",
            {"name": "只读", "zone": "{wenshui}", "total_investment": "1.00"},
            403,
        ),
        ("wenshui-viewer", "patch", "/api/v1/projects/{project}", {"version": 1, "name": "x"}, 403),
        ("wenshui-editor", "patch", "/api/v1/projects/{project}", {"name": "无版本"}, 422),
        ("wenshui-editor", "patch", "/api/v1/projects/{project}", {"version": "{version}", "name": ""}, 422),
        ("wenshui-editor", "patch", "/api/v1/projects/{other}", {"version": 1, "name": "越权"}, 404),
        (
            "wenshui-editor",
            "post",
            "/api/v1/projects/{project}/events",
            {"stage": "flying", "happened_on": "2025-01-01"},
            422,
        ),
        (
            "wenshui-editor",
            "post",
            "/api/v1/projects/{project}/events",
            {"stage": "signed", "happened_on": "2025-02-30"},
            422,
        ),
        (
            "wenshui-editor",
            "post",
            "/api/v1/projects/{other}/events",
            {"stage": "terminated", "happened_on": "2025-01-01"},
            404,
        ),
        ("wenshui-editor", "post", "/api/v1/projects/{project}/events/{event}/void", {"reason": " "}, 422),
        ("wenshui-editor", "post", "/api/v1/projects/{project}/events/999999/void", {"reason": "x"}, 404),
        ("wenshui-viewer", "post", "/api/v1/projects/{project}/events/{event}/void", {"reason": "x"}, 403),
    ]


@pytest.mark.parametrize(("who", "method", "url", "body", "status"), _bad_writes())
def test_a_bad_write_is_a_problem_and_writes_nothing(session_client, who, method, url, body, status):
    project, other = wenshui_project(), xiaoyi_project()
    names = {
        "project": project.pk,
        "other": other.pk,
        "wenshui": project.zone_id,
        "xiaoyi": other.zone_id,
        "event": project.events.filter(voided=False).first().pk,
        "version": project.version,
    }
    url = url.format(**names)
    if isinstance(body, dict):
        body = {
            key: int(value.format(**names)) if isinstance(value, str) and value.startswith("{") else value
            for key, value in body.items()
        }
    client = session_client(who)
    before = ledger_state()

    document = assert_problem(post(client, url, body, method), status)

    assert ledger_state() == before
    if status == 422:
        assert document["errors"]


def test_a_session_write_without_the_csrf_token_is_refused(session_client):
    client = session_client("wenshui-editor")
    project = wenshui_project()
    before = ledger_state()

    response = client.patch(f"/api/v1/projects/{project.pk}", '{"version": 1, "name": "x"}', JSON)

    assert_problem(response, 403)
    assert ledger_state() == before


def test_no_log_in_is_401_never_a_redirect(client):
    response = client.get("/api/v1/projects/")

    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert_problem(client.post("/api/v1/projects/", "{}", JSON), 401)


def test_a_session_with_its_second_factor_due_is_401_not_a_redirect(client, django_user_model):
    client.force_login(django_user_model.objects.get(username="wenshui-editor"))
    store = client.session
    session.start(store, second_factor="verify")  # the password is checked, the authenticator's code not yet
    store.save()

    response = client.get("/api/v1/projects/")

    assert_problem(response, 401)


def test_an_unknown_address_under_the_api_is_a_problem(client):
    assert_problem(client.get("/api/v1/no-such-thing/"), 404)
    assert_problem(client.get("/api/v2/"), 404)


def test_a_write_to_an_unknown_address_is_a_404_problem_not_the_csrf_page(session_client):
    """Found by schemathesis: a PATCH to /api/v1/projects/<not a number> reached the site's CSRF failure page."""
    browser = session_client("wenshui-editor")

    assert_problem(browser.patch("/api/v1/projects/abc", "{}", "application/json"), 404)
    assert_problem(browser.post("/api/v2/projects/", "{}", "application/json"), 404)


def test_a_project_written_by_the_api_reads_back_the_same_on_its_page_and_in_the_export(session_client):
    """The API is a third face on the same services: what it writes, the page shows and the export carries."""
    client = session_client("wenshui-editor")
    zone = Zone.objects.get(name="文水经济开发区")
    facts = {
        "name": "接口对账项目",
        "zone": zone.pk,
        "total_investment": "1234.50",
        "land_mu": "12.25",
        "enterprise_name": "接口对账企业",
        "leader_in_charge": "王对账",
    }
    written = post(client, "/api/v1/projects/", facts).json()

    page = client.get(f"/projects/{written['id']}/").content.decode()
    export = client.get("/import/ledger.xlsx?q=接口对账项目")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content)))[LEDGER_SHEET]
    headers = [cell.value for cell in sheet[1]]
    rows = [dict(zip(headers, (cell.value for cell in row), strict=True)) for row in sheet.iter_rows(min_row=2)]

    for text in (written["name"], written["enterprise"]["name"], written["leader_in_charge"], zone.name):
        assert text in page
    assert "1,234.50" in page or "1234.50" in page
    [row] = rows
    assert (row["项目名称"], row["开发区"], row["建设单位"], row["包联领导"]) == (
        written["name"],
        written["zone"]["name"],
        written["enterprise"]["name"],
        written["leader_in_charge"],
    )
    assert (f"{row['总投资（万元）']:.2f}", f"{row['用地面积（亩）']:.2f}") == (
        written["total_investment"],
        written["land_mu"],
    )
