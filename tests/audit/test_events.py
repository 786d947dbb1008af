"""Each audited event leaves exactly one record with time, user, org, address, request id, object and outcome."""

import pytest
from django.urls import reverse

from tests.security.sessions import log_in
from zoneledger.accounts.models import User
from zoneledger.audit import services as audit
from zoneledger.audit.context import RequestContext, current_request
from zoneledger.audit.models import AuditRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_request():
    token = current_request.set(RequestContext(source_address="192.0.2.7", request_id="req-123"))
    yield
    current_request.reset(token)


def test_an_export_leaves_one_record_with_its_size_and_filters(wenshui_editor, in_request):
    before = AuditRecord.objects.count()
    entry = audit.record_export(actor=wenshui_editor, what="ledger", count=42, filters={"stage": "signed"})
    assert AuditRecord.objects.count() == before + 1
    assert (entry.action, entry.actor, entry.org_name, entry.source_address, entry.request_id) == (
        "export",
        wenshui_editor,
        "文水经济开发区管委会",
        "192.0.2.7",
        "req-123",
    )
    assert entry.after == {"what": "ledger", "rows": 42, "filters": {"stage": "signed"}}
    assert entry.success


def test_a_refused_import_is_recorded_as_a_failure(wenshui_editor):
    entry = audit.record_import(
        actor=wenshui_editor, what="ledger.xlsx", count=0, success=False, message="3 rows with errors"
    )
    assert (entry.action, entry.success, entry.message, entry.after["rows"]) == (
        "import",
        False,
        "3 rows with errors",
        0,
    )


def test_every_request_carries_its_own_id_into_the_trail(client):
    response = client.post(reverse("accounts:login"), {"username": "wenshui-editor", "password": "Demo-2024-zl"})
    entry = AuditRecord.objects.filter(action="login").first()
    assert entry.request_id == response["X-Request-ID"]


def test_a_logout_is_recorded_once(client):
    user = User.objects.get(username="wenshui-viewer")
    log_in(client, user)
    before = AuditRecord.objects.filter(action="logout").count()
    client.post(reverse("accounts:logout"))
    client.post(reverse("accounts:logout"))
    assert AuditRecord.objects.filter(action="logout").count() == before + 1
