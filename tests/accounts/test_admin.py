"""The Django admin: org units are edited there (audited); accounts and the audit trail are read-only there."""

import pytest
from django.urls import reverse

from tests.security.sessions import log_in
from zoneledger.accounts.models import OrgUnit, User
from zoneledger.audit.models import AuditRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, make_user):
    user = make_user("province", is_staff=True, is_superuser=True)
    log_in(client, user)
    return user


def test_an_org_unit_changed_in_the_admin_is_audited(client, staff):
    org = OrgUnit.objects.get(name="文水经济开发区管委会")
    form = {
        "kind": org.kind,
        "name": "文水经济开发区管理委员会",
        "division": org.division_id or "",
        "zone": org.zone_id,
        "parent": org.parent_id,
    }
    response = client.post(reverse("admin:accounts_orgunit_change", args=[org.pk]), form)
    assert response.status_code == 302
    entry = AuditRecord.objects.get(action="admin.change", object_id=str(org.pk))
    assert entry.actor == staff
    assert entry.object_repr == "文水经济开发区管理委员会"


def test_accounts_cannot_be_changed_in_the_admin(client, staff):
    user = User.objects.get(username="wenshui-viewer")
    url = reverse("admin:accounts_user_change", args=[user.pk])
    assert client.post(url, {"username": user.username, "role": "admin"}).status_code == 403
    user.refresh_from_db()
    assert user.role == "viewer"


def test_the_audit_trail_cannot_be_deleted_in_the_admin(client, staff):
    record = AuditRecord.objects.first()
    assert client.post(reverse("admin:audit_auditrecord_delete", args=[record.pk]), {"post": "yes"}).status_code == 403
    assert AuditRecord.objects.filter(pk=record.pk).exists()


def test_only_the_auditor_reads_the_trail_in_the_admin(client, staff, make_user):
    assert client.get(reverse("admin:audit_auditrecord_changelist")).status_code == 403
    auditor = make_user("province", "auditor", is_staff=True)
    log_in(client, auditor)
    assert client.get(reverse("admin:audit_auditrecord_changelist")).status_code == 200
