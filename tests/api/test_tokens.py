"""Personal API tokens: shown once, kept hashed, acting as their user and never more; every refusal audited."""

import hashlib
import json
from datetime import timedelta
from io import StringIO
from urllib.request import Request, urlopen

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.api.helpers import assert_problem, ledger_state, wenshui_project, xiaoyi_project
from zoneledger.accounts.models import ApiToken, User
from zoneledger.accounts.tokens import token_create, token_revoke
from zoneledger.audit.actions import Action
from zoneledger.audit.models import AuditRecord

pytestmark = pytest.mark.django_db


def make_token(username, **options):
    user = User.objects.get(username=username)
    return token_create(actor=user, user=user, name="test", **options)


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_command_prints_the_token_once_and_keeps_only_its_hash():
    out, err = StringIO(), StringIO()

    call_command(
        "token", "create", "wenshui-editor", "--name=统计局", "--expires=30", "--read-only", stdout=out, stderr=err
    )

    secret = out.getvalue().strip()
    token = ApiToken.objects.get(name="统计局")
    assert secret.startswith("zl_")
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(list(ApiToken.objects.values_list()))
    assert token.read_only
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert AuditRecord.objects.filter(action=Action.API_TOKEN_CREATE, object_id=str(token.pk)).exists()
    assert Client().get("/api/v1/zones/", **bearer(secret)).status_code == 200


def test_a_token_acts_as_its_user_with_their_scope():
    _token, secret = make_token("wenshui-viewer")
    client = Client()

    assert client.get(f"/api/v1/projects/{wenshui_project().pk}", **bearer(secret)).status_code == 200
    assert_problem(client.get(f"/api/v1/projects/{xiaoyi_project().pk}", **bearer(secret)), 404)
    whole = {"name": "令牌新增", "zone": wenshui_project().zone_id, "total_investment": "1.00"}
    response = client.post("/api/v1/projects/", json.dumps(whole), "application/json", **bearer(secret))
    assert_problem(response, 403)  # a viewer's token writes no more than the viewer


def test_a_write_by_token_is_audited_as_its_user_without_csrf():
    _token, secret = make_token("wenshui-editor")
    project = wenshui_project()

    response = Client(enforce_csrf_checks=True).patch(
        f"/api/v1/projects/{project.pk}",
        json.dumps({"version": project.version, "task_force": "专班甲"}),
        "application/json",
        **bearer(secret),
    )

    assert response.status_code == 200, response.content
    record = AuditRecord.objects.filter(action=Action.PROJECT_UPDATE, object_id=str(project.pk)).latest("id")
    assert record.actor.username == "wenshui-editor"


def _refused_token(case):
    if case == "unknown":
        return "zl_" + "x" * 43
    if case == "malformed":
        return "not-a-token"
    user = User.objects.get(username="wenshui-editor")
    token, secret = make_token("wenshui-editor", expires_days=1)
    if case == "revoked":
        token_revoke(actor=user, pk=token.pk)
    elif case == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    elif case == "user disabled":
        User.objects.filter(pk=user.pk).update(is_active=False)
    return secret


@pytest.mark.parametrize("case", ["unknown", "malformed", "revoked", "expired", "user disabled"])
def test_a_refused_token_is_401_audited_and_writes_nothing(case):
    secret = _refused_token(case)
    project = wenshui_project()
    failures = AuditRecord.objects.filter(action=Action.API_TOKEN_FAILED).count()
    before = ledger_state()

    response = Client().patch(
        f"/api/v1/projects/{project.pk}",
        json.dumps({"version": project.version, "name": "x"}),
        "application/json",
        **bearer(secret),
    )

    assert_problem(response, 401)
    assert ledger_state() == before
    assert AuditRecord.objects.filter(action=Action.API_TOKEN_FAILED).count() == failures + 1
    assert secret not in str(
        AuditRecord.objects.filter(action=Action.API_TOKEN_FAILED).values_list("actor_name", "message")
    )


def test_a_read_only_token_reads_and_cannot_write():
    _token, secret = make_token("wenshui-editor", read_only=True)
    project = wenshui_project()
    before = ledger_state()

    assert Client().get(f"/api/v1/projects/{project.pk}", **bearer(secret)).status_code == 200
    for method, url, body in [
        ("patch", f"/api/v1/projects/{project.pk}", {"version": project.version, "name": "只读改名"}),
        ("post", f"/api/v1/projects/{project.pk}/events", {"stage": "terminated", "happened_on": "2025-06-30"}),
    ]:
        response = getattr(Client(), method)(url, json.dumps(body), "application/json", **bearer(secret))
        assert_problem(response, 403)
    assert ledger_state() == before


def test_refused_tokens_from_one_address_are_held_back(settings):
    settings.ZONELEDGER_API_TOKEN_FAILURES = 3
    client = Client()
    for _attempt in range(3):
        assert_problem(client.get("/api/v1/zones/", **bearer("zl_" + "y" * 43)), 401)
    _token, good = make_token("wenshui-viewer")
    recorded = AuditRecord.objects.filter(action=Action.API_TOKEN_FAILED).count()

    held = client.get("/api/v1/zones/", **bearer(good))

    assert_problem(held, 429)
    assert int(held["Retry-After"]) > 0
    assert AuditRecord.objects.filter(action=Action.API_TOKEN_FAILED).count() == recorded  # no flood in the trail


def test_a_token_over_real_http(live_server):
    """The API as a client on another machine sees it: a token over a socket, JSON back, problems on refusal."""
    _token, secret = make_token("wenshui-viewer")
    project = wenshui_project()

    def get(path, token=secret):
        request = Request(f"{live_server.url}{path}", headers={"Authorization": f"Bearer {token}"})
        try:
            with urlopen(request, timeout=30) as response:
                return response.status, response.headers["Content-Type"], json.load(response)
        except Exception as error:  # urllib raises for 4xx: the problem document is the error's body
            return error.code, error.headers["Content-Type"], json.load(error)

    status, kind, body = get(f"/api/v1/projects/{project.pk}")
    assert (status, kind, body["name"]) == (200, "application/json; charset=utf-8", project.name)
    status, kind, body = get(f"/api/v1/projects/{xiaoyi_project().pk}")
    assert (status, kind, body["status"]) == (404, "application/problem+json", 404)
    status, kind, body = get("/api/v1/zones/", token="zl_nonsense")
    assert (status, kind, body["status"]) == (401, "application/problem+json", 401)


def test_a_repeated_idempotency_key_returns_the_first_answer_and_writes_nothing():
    _token, secret = make_token("wenshui-editor")
    zone = wenshui_project().zone_id
    body = json.dumps({"name": "幂等项目", "zone": zone, "total_investment": "10.00"})
    headers = bearer(secret) | {"HTTP_IDEMPOTENCY_KEY": "order-42"}

    first = Client().post("/api/v1/projects/", body, "application/json", **headers)
    state = ledger_state()
    again = Client().post("/api/v1/projects/", body, "application/json", **headers)

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert ledger_state() == state
    other = Client().patch(f"/api/v1/projects/{first.json()['id']}", '{"version": 1}', "application/json", **headers)
    assert_problem(other, 409)  # the key names another request
    assert ledger_state() == state


def test_an_idempotency_key_of_a_refused_write_is_not_kept():
    _token, secret = make_token("wenshui-editor")
    headers = bearer(secret) | {"HTTP_IDEMPOTENCY_KEY": "k1"}
    zone = wenshui_project().zone_id

    assert_problem(Client().post("/api/v1/projects/", '{"name": "x", "zone": 1}', "application/json", **headers), 422)
    good = json.dumps({"name": "后来成功", "zone": zone, "total_investment": "1.00"})

    assert Client().post("/api/v1/projects/", good, "application/json", **headers).status_code == 201


def test_a_token_past_its_rate_is_held_back_alone(settings, session_client):
    settings.ZONELEDGER_API_RATE_PER_MINUTE = 3
    _token, busy = make_token("wenshui-viewer")
    _token, other = make_token("wenshui-viewer")
    client = Client()

    answers = [client.get("/api/v1/zones/", **bearer(busy)).status_code for _attempt in range(3)]
    held = client.get("/api/v1/zones/", **bearer(busy))

    assert answers == [200] * 3
    assert_problem(held, 429)
    assert 0 < int(held["Retry-After"]) <= 60
    assert client.get("/api/v1/zones/", **bearer(other)).status_code == 200  # counted per token
    browser = session_client("wenshui-viewer")
    assert {browser.get("/api/v1/zones/").status_code for _attempt in range(5)} == {200}  # a person at a page
    settings.ZONELEDGER_API_RATE_PER_MINUTE = 0
    assert client.get("/api/v1/zones/", **bearer(busy)).status_code == 200  # 0: no limit


def test_a_body_over_the_apis_limit_is_413_and_writes_nothing(settings):
    settings.ZONELEDGER_API_MAX_BODY_KB = 1
    _token, secret = make_token("wenshui-editor")
    before = ledger_state()
    body = json.dumps({"name": "大" * 2000, "zone": wenshui_project().zone_id, "total_investment": "1.00"})

    response = Client().post("/api/v1/projects/", body, "application/json", **bearer(secret))

    assert "1 KB" in assert_problem(response, 413)["detail"]
    assert ledger_state() == before
