"""The enterprise registry: one enterprise per USCC, found again whatever name is given; bad codes write nothing."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import ZoneFactory, valid_uscc
from zoneledger.accounts.choices import Role
from zoneledger.audit import services as audit
from zoneledger.audit.models import AuditRecord
from zoneledger.enterprises.models import Enterprise
from zoneledger.enterprises.services import enterprise_resolve, enterprises_resolve_bulk

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(make_user):
    return make_user(ZoneFactory(), Role.EDITOR)


def test_a_bad_uscc_names_the_field_and_creates_no_enterprise(editor):
    before = Enterprise.objects.count(), AuditRecord.objects.count()
    with pytest.raises(ValidationError) as error:
        enterprise_resolve(actor=editor, name="某公司", uscc="91140000123456789X")
    assert "uscc" in error.value.message_dict
    assert (Enterprise.objects.count(), AuditRecord.objects.count()) == before


def test_enterprises_are_found_again_by_uscc(editor):
    code = valid_uscc(4242)
    first = enterprise_resolve(actor=editor, name="晋能科技", uscc=code)
    assert enterprise_resolve(actor=editor, name="晋能科技有限公司", uscc=code.lower()) == first


def test_in_bulk_a_known_uscc_wins_over_the_name_and_each_new_enterprise_is_audited_in_the_batch(editor):
    known = enterprise_resolve(actor=editor, name="晋能科技", uscc=valid_uscc(4343))
    batch = audit.new_batch()
    wanted = {
        ("uscc", known.uscc): "晋能科技有限公司（另一个名字）",
        ("uscc", valid_uscc(4444)): "新材料有限公司",
        ("name", "无代码的建设单位"): "无代码的建设单位",
    }
    found = enterprises_resolve_bulk(actor=editor, wanted=wanted, batch=batch)
    assert found[("uscc", known.uscc)] == known
    assert known.name == Enterprise.objects.get(pk=known.pk).name == "晋能科技"
    created = {found[("uscc", valid_uscc(4444))].pk, found[("name", "无代码的建设单位")].pk}
    records = AuditRecord.objects.filter(batch=batch)
    assert {(r.action, int(r.object_id), r.actor_id) for r in records} == {
        ("enterprise.create", pk, editor.pk) for pk in created
    }
    again = audit.new_batch()
    assert enterprises_resolve_bulk(actor=editor, wanted=wanted, batch=again) == found
    assert not AuditRecord.objects.filter(batch=again).exists()  # nothing new, nothing recorded
