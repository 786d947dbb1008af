import hashlib
from datetime import date

import pytest
from django.db import connection

from tests.factories import ProjectFactory, ZoneFactory
from zoneledger.accounts.choices import Role
from zoneledger.audit.models import AuditIsAppendOnly, AuditRecord
from zoneledger.audit.services import compute_hash, hash_parts, verify_chain
from zoneledger.projects.choices import Stage
from zoneledger.projects.services import record_stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(make_user):
    zone = ZoneFactory()
    editor = make_user(zone, Role.EDITOR)
    project = ProjectFactory(zone=zone)
    record_stage(actor=editor, project=project, stage=Stage.SIGNED, happened_on=date(2024, 1, 1))
    return AuditRecord.objects.get(action="stage.record", object_id=str(project.pk))


def test_a_write_leaves_one_record_with_actor_and_after(recorded):
    assert recorded.actor_name.startswith("user")
    assert recorded.after["stage"] == "signed"
    assert recorded.org_name.endswith("管委会")


def test_the_intact_chain_verifies(recorded):
    report = verify_chain()
    assert report.intact
    assert report.checked == AuditRecord.objects.count()


def test_records_cannot_be_changed_or_deleted_through_the_app(recorded):
    recorded.message = "改动"
    with pytest.raises(AuditIsAppendOnly):
        recorded.save()
    with pytest.raises(AuditIsAppendOnly):
        recorded.delete()
    with pytest.raises(AuditIsAppendOnly):
        AuditRecord.objects.filter(pk=recorded.pk).update(message="x")
    with pytest.raises(AuditIsAppendOnly):
        AuditRecord.objects.all().delete()


def test_tampering_with_the_table_is_found(recorded):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditrecord SET message = %s WHERE id = %s", ["篡改", recorded.pk])
    report = verify_chain()
    assert [chain.broken_at for chain in report.broken] == [recorded.pk]


def test_removing_a_record_is_found(recorded):
    earlier = AuditRecord.objects.filter(pk__lt=recorded.pk).order_by("-pk").first()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditrecord WHERE id = %s", [earlier.pk])
    assert not verify_chain().intact


def test_a_record_s_hash_parts_give_its_hash_after_any_record(recorded):
    """What an apply carried over from its copy of the database (`StagedChains`) uses to move its records to the end
    of a chain others wrote to meanwhile: the hash is the one the record would have had there."""
    head, tail = hash_parts(recorded)
    assert hashlib.sha256(head + recorded.previous_hash.encode() + tail).hexdigest() == recorded.record_hash
    elsewhere = "f" * 64
    recorded.previous_hash = elsewhere
    assert hashlib.sha256(head + elsewhere.encode() + tail).hexdigest() == compute_hash(recorded)
