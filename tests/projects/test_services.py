from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import ProjectFactory, ZoneFactory
from zoneledger.accounts.choices import Role
from zoneledger.audit.models import AuditRecord
from zoneledger.projects.choices import Stage
from zoneledger.projects.models import MonthlyProgress, Project, StageEvent
from zoneledger.projects.services import (
    StaleEdit,
    project_create,
    project_update,
    record_stage,
    void_event,
)

pytestmark = pytest.mark.django_db


def counts():
    return (
        Project.objects.count(),
        StageEvent.objects.count(),
        MonthlyProgress.objects.count(),
        AuditRecord.objects.count(),
    )


def test_creating_a_project_keeps_money_exact_and_leaves_an_audit_record(project, editor):
    project.refresh_from_db()
    assert project.total_investment == Decimal("12000.50")
    record = AuditRecord.objects.get(action="project.create", object_id=str(project.pk))
    assert record.actor == editor
    assert record.after["total_investment"] == "12000.50"


@pytest.mark.parametrize(
    ("facts", "field"),
    [
        ({"code": "2024-14112-30-03-012345"}, "code"),
        ({"total_investment": Decimal("-1")}, "total_investment"),
        ({"industry_code": "X99"}, "industry_code"),
        ({"land_mu": Decimal("-3")}, "land_mu"),
    ],
)
def test_bad_facts_name_the_field_and_write_nothing(zone, editor, facts, field):
    before = counts()
    values = {"name": "坏数据项目", "total_investment": Decimal("100")} | facts
    with pytest.raises(ValidationError) as error:
        project_create(actor=editor, zone=zone, **values)
    assert field in error.value.message_dict
    assert counts() == before


def test_project_codes_are_unique_when_present(zone, editor):
    project_create(actor=editor, zone=zone, name="甲", total_investment=1, code="2024-141121-30-03-012345")
    project_create(actor=editor, zone=zone, name="乙", total_investment=1, code="")
    project_create(actor=editor, zone=zone, name="丙", total_investment=1, code="")
    with pytest.raises(ValidationError) as error:
        project_create(actor=editor, zone=zone, name="丁", total_investment=1, code="2024-141121-30-03-012345")
    assert "code" in error.value.message_dict


def test_a_project_name_is_unique_within_its_zone(zone, editor, project):
    with pytest.raises(ValidationError):
        project_create(actor=editor, zone=zone, name=project.name, total_investment=1)


def test_recording_stages_moves_the_current_stage_and_voiding_moves_it_back(project, editor):
    record_stage(actor=editor, project=project, stage=Stage.SIGNED, happened_on=date(2024, 1, 5))
    started = record_stage(actor=editor, project=project, stage=Stage.STARTED, happened_on=date(2024, 4, 1))
    assert Project.objects.get(pk=project.pk).stage == Stage.STARTED
    void_event(actor=editor, event=started, reason="录入错误")
    project.refresh_from_db()
    assert project.stage == Stage.SIGNED
    started.refresh_from_db()
    assert started.voided
    assert started.void_reason == "录入错误"
    assert started.voided_by == editor
    assert StageEvent.objects.filter(pk=started.pk).exists()  # nothing deleted


def test_a_voided_stage_may_be_recorded_again(project, editor):
    signed = record_stage(actor=editor, project=project, stage=Stage.SIGNED, happened_on=date(2024, 1, 5))
    void_event(actor=editor, event=signed, reason="日期错误")
    record_stage(actor=editor, project=project, stage=Stage.SIGNED, happened_on=date(2024, 1, 15))
    assert project.events.live().get().happened_on == date(2024, 1, 15)


def test_a_second_signed_event_is_refused_and_writes_nothing(project, editor):
    record_stage(actor=editor, project=project, stage=Stage.SIGNED, happened_on=date(2024, 1, 5))
    before = counts()
    with pytest.raises(ValidationError) as error:
        record_stage(actor=editor, project=project, stage=Stage.SIGNED, happened_on=date(2024, 2, 5))
    assert "stage" in error.value.message_dict
    assert counts() == before


def test_a_start_before_signing_is_refused(project, editor):
    record_stage(actor=editor, project=project, stage=Stage.SIGNED, happened_on=date(2024, 3, 1))
    with pytest.raises(ValidationError) as error:
        record_stage(actor=editor, project=project, stage=Stage.STARTED, happened_on=date(2024, 2, 1))
    assert "2024-03-01" in error.value.message_dict["happened_on"][0]


def test_termination_is_final(project, editor):
    record_stage(actor=editor, project=project, stage=Stage.TERMINATED, happened_on=date(2024, 3, 1))
    with pytest.raises(ValidationError):
        record_stage(actor=editor, project=project, stage=Stage.STARTED, happened_on=date(2024, 4, 1))


def test_voiding_needs_a_reason(project, editor):
    event = record_stage(actor=editor, project=project, stage=Stage.SIGNED, happened_on=date(2024, 3, 1))
    with pytest.raises(ValidationError) as error:
        void_event(actor=editor, event=event, reason="  ")
    assert "reason" in error.value.message_dict
    event.refresh_from_db()
    assert not event.voided


def test_a_stale_edit_is_refused_and_the_first_edit_survives(project, editor):
    loaded_version = project.version
    project_update(actor=editor, project=project, expected_version=loaded_version, leader_in_charge="张三")
    with pytest.raises(StaleEdit) as error:
        project_update(actor=editor, project=project, expected_version=loaded_version, leader_in_charge="李四")
    assert error.value.current.leader_in_charge == "张三"
    assert Project.objects.get(pk=project.pk).leader_in_charge == "张三"


def test_an_update_records_before_and_after(project, editor):
    project_update(actor=editor, project=project, expected_version=1, total_investment=Decimal("15000"))
    record = AuditRecord.objects.get(action="project.update", object_id=str(project.pk))
    assert record.before == {"total_investment": "12000.50"}
    assert record.after == {"total_investment": "15000.00"}


def test_a_viewer_cannot_write(zone, project, make_user):
    viewer = make_user(zone, Role.VIEWER)
    with pytest.raises(PermissionDenied):
        record_stage(actor=viewer, project=project, stage=Stage.SIGNED, happened_on=date(2024, 1, 1))


def test_an_editor_cannot_move_a_project_out_of_scope(project, editor):
    elsewhere = ZoneFactory()
    with pytest.raises(PermissionDenied):
        project_update(actor=editor, project=project, expected_version=project.version, zone=elsewhere)
    assert Project.objects.get(pk=project.pk).zone_id == project.zone_id


def test_the_database_refuses_a_second_live_event_even_around_the_service(project):
    from django.db import IntegrityError, transaction

    StageEvent.objects.create(project=project, stage=Stage.SIGNED, happened_on=date(2024, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        StageEvent.objects.create(project=project, stage=Stage.SIGNED, happened_on=date(2024, 2, 1))


def test_the_database_refuses_negative_investment(zone):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectFactory(zone=zone, total_investment=Decimal("-1"))
