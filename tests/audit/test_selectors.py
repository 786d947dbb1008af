"""The auditor's reads: only the auditor reads the trail; a record out of reach is NotFound, like a missing one."""

import pytest

from zoneledger.accounts.models import User
from zoneledger.audit import selectors
from zoneledger.audit.models import AuditRecord
from zoneledger.core.errors import NotFound

pytestmark = pytest.mark.django_db


def test_the_auditor_reads_records_and_filters_them():
    auditor = User.objects.get(username="auditor")
    record = AuditRecord.objects.filter(province="140000").order_by("-id").first()

    assert selectors.record_get(user=auditor, pk=record.pk) == record
    assert selectors.record_list(user=auditor).first() == record
    assert set(selectors.record_list(user=auditor, filters={"action": "stage"}).values_list("action", flat=True)) <= {
        "stage.record",
        "stage.void",
    }


@pytest.mark.parametrize("username", ["province-admin", "sysadmin", "secadmin", "wenshui-viewer"])
def test_nobody_else_reads_the_trail(username):
    user = User.objects.get(username=username)
    record = AuditRecord.objects.first()

    assert not selectors.record_list(user=user).exists()
    with pytest.raises(NotFound):
        selectors.record_get(user=user, pk=record.pk)


def test_a_missing_record_is_not_found():
    with pytest.raises(NotFound):
        selectors.record_get(user=User.objects.get(username="auditor"), pk=10**9)
