"""The auditor's pages: only the auditor reads the trail; search, export (audited) and the chain check."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tests.security.sessions import log_in
from zoneledger.accounts.models import User
from zoneledger.audit import services as audit
from zoneledger.audit.actions import Action
from zoneledger.audit.models import AuditRecord
from zoneledger.projects.models import Project

pytestmark = pytest.mark.django_db
LOG = reverse("audit:record_list")
EXPORT = reverse("audit:record_export")


@pytest.fixture
def auditor(client):
    """The nation's auditor: every chain, the national one too (where records made without a province go)."""
    user = User.objects.get(username="nation-auditor")
    log_in(client, user)
    return user


@pytest.mark.parametrize(
    "username",
    ["sysadmin", "secadmin", "province-admin", "province-viewer", "lvliang-reviewer", "wenshui-editor"],
)
def test_nobody_but_the_auditor_reads_the_audit_log(client, username):
    log_in(client, User.objects.get(username=username))
    record = AuditRecord.objects.first()
    for url in (LOG, EXPORT, reverse("audit:record_detail", args=[record.pk])):
        assert client.get(url).status_code == 403
    assert client.post(reverse("audit:chain_verify")).status_code == 403


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(LOG)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_auditor_searches_by_user_action_and_outcome(client, auditor):
    audit.record(actor=None, actor_name="mallory", action=Action.LOGIN_FAILED, success=False)
    audit.record(actor=None, actor_name="mallory", action=Action.LOGIN_FAILED, success=False)
    audit.record(actor=None, actor_name="alice", action=Action.LOGIN_FAILED, success=False)
    response = client.get(LOG, {"actor": "mallory", "action": "login.failed", "success": "false"})
    assert response.status_code == 200
    rows = list(response.context["page"])
    assert len(rows) == 2
    assert {row.actor_name for row in rows} == {"mallory"}


def test_the_filter_answers_htmx_with_the_table_only(client, auditor):
    response = client.get(LOG, {"action": "demo.load"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="audit-records"')
    assert "<html" not in page


def test_a_bad_date_is_named(client, auditor):
    response = client.get(LOG, {"since": "2024-13-45"})
    assert response.context["filter"].form.has_error("since")


def test_one_record_shows_before_and_after(client, auditor):
    entry = audit.record(
        actor=None, actor_name="x", action=Action.ADMIN_CHANGE, before={"name": "旧"}, after={"name": "新"}
    )
    page = client.get(reverse("audit:record_detail", args=[entry.pk])).content.decode()
    assert "旧" in page
    assert "新" in page
    assert entry.record_hash in page


def test_the_export_holds_exactly_the_filtered_records_and_is_audited(client, auditor):
    audit.record(actor=None, actor_name="=HYPERLINK(1)", action=Action.LOGIN_FAILED, success=False, message="@cmd")
    response = client.get(EXPORT, {"action": "login.failed"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    expected = AuditRecord.objects.filter(action__startswith="login.failed").count()
    assert len(rows) == expected + 1
    assert rows[0][:3] == ["ID", "时间（北京时间）", "用户"]
    hostile = next(row for row in rows if "HYPERLINK" in row[2])
    assert hostile[2] == "'=HYPERLINK(1)"
    assert hostile[12] == "'@cmd"
    record = AuditRecord.objects.get(pk=int(hostile[0]))
    assert hostile[1] == f"{timezone.localtime(record.at):%Y-%m-%d %H:%M:%S}"  # Beijing time, not UTC
    assert (hostile[6], hostile[7], hostile[11]) == (str(record.action_label), "login.failed", "失败")
    export = AuditRecord.objects.filter(action="export").first()
    assert (export.actor, export.after["what"], export.after["rows"]) == (auditor, "audit log", expected)


def test_the_chain_check_page_says_intact(client, auditor):
    response = client.post(reverse("audit:chain_verify"))
    assert response.context["report"].intact
    assert AuditRecord.objects.filter(action="audit.verify", actor=auditor, success=True).count() == 1


def test_the_chain_check_page_finds_a_tampered_record(client, auditor):
    entry = audit.record(actor=None, actor_name="x", action=Action.ADMIN_CHANGE)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditrecord SET actor_name = %s WHERE id = %s", ["y", entry.pk])
    response = client.post(reverse("audit:chain_verify"))
    assert [chain.broken_at for chain in response.context["report"].broken] == [entry.pk]


def test_the_verify_command_reports_an_intact_chain():
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert str(AuditRecord.objects.count()) in out.getvalue()


def test_the_verify_command_fails_on_a_tampered_record():
    entry = audit.record(actor=None, actor_name="x", action=Action.ADMIN_CHANGE, after={"amount": "1.00"})
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditrecord SET after = %s WHERE id = %s", ['{"amount": "9.00"}', entry.pk])
    with pytest.raises(CommandError, match=str(entry.pk)):
        call_command("audit_verify")


def test_the_verify_command_notices_removed_newest_records():
    audit.record(actor=None, actor_name="x", action=Action.ADMIN_ADD)
    newest = audit.record(actor=None, actor_name="x", action=Action.ADMIN_DELETE)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditrecord WHERE id = %s", [newest.pk])
    with pytest.raises(CommandError):
        call_command("audit_verify")


def test_opening_the_chain_check_shows_its_button_and_checks_nothing_yet(client, auditor):
    before = AuditRecord.objects.count()
    response = client.get(reverse("audit:chain_verify"))

    assert response.status_code == 200
    assert response.context["report"] is None
    assert f'action="{reverse("audit:chain_verify")}"' in response.content.decode()
    assert AuditRecord.objects.count() == before


def test_a_project_s_change_reads_field_by_field_with_the_fields_labels_in_local_time(client, auditor):
    project = Project.objects.first()
    entry = audit.record(
        actor=None,
        actor_name="x",
        action=Action.PROJECT_UPDATE,
        obj=project,
        before={"total_investment": "100.00", "name": "甲"},
        after={"total_investment": "120.00", "name": "甲"},
    )

    response = client.get(reverse("audit:record_detail", args=[entry.pk]))

    changes = {change.name: change for change in response.context["changes"]}
    assert changes["total_investment"].label == str(Project._meta.get_field("total_investment").verbose_name)
    assert (changes["total_investment"].before, changes["total_investment"].after) == ("100.00", "120.00")
    assert changes["total_investment"].changed
    assert not changes["name"].changed
    assert f"{timezone.localtime(entry.at):%Y-%m-%d %H:%M:%S}" in response.content.decode()


def test_a_key_naming_a_relation_from_another_model_reads_as_the_key_not_an_error(client, auditor):
    project = Project.objects.first()
    # `events` is the reverse side of StageEvent.project: a field of the model's, without a label of its own.
    entry = audit.record(
        actor=None, actor_name="x", action=Action.PROJECT_UPDATE, obj=project, before={"events": 1}, after={"events": 2}
    )

    response = client.get(reverse("audit:record_detail", args=[entry.pk]))

    assert response.status_code == 200
    assert [(change.name, change.label) for change in response.context["changes"]] == [("events", "events")]
