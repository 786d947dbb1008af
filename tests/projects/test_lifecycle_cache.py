"""The days a project first reached 开工, 投产 and 达产 (`Project.started_on` …) are kept exact by every verb that
writes stage events, single or bulk; the live figures read them (reports.figures._reached)."""

import importlib
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from zoneledger.audit import services as audit
from zoneledger.projects.choices import Stage
from zoneledger.projects.models import Project
from zoneledger.projects.services import (
    projects_create_bulk,
    record_stage,
    stage_events_record_bulk,
    void_event,
)
from zoneledger.projects.workflow import REACHED_FIELDS

pytestmark = pytest.mark.django_db
REACHED = list(REACHED_FIELDS.values())


def stored(project):
    """(started_on, commissioned_on, at_capacity_on) as the database holds them."""
    return tuple(Project.objects.filter(pk=project.pk).values_list(*REACHED).get())


def test_a_project_recorded_straight_to_production_has_started_that_day(project, editor):
    record_stage(actor=editor, project=project, stage=Stage.SIGNED, happened_on=date(2024, 1, 5))
    assert stored(project) == (None, None, None)
    record_stage(actor=editor, project=project, stage=Stage.COMMISSIONED, happened_on=date(2024, 9, 1))
    assert stored(project) == (date(2024, 9, 1), date(2024, 9, 1), None)
    assert (project.started_on, project.commissioned_on) == (date(2024, 9, 1), date(2024, 9, 1))


def test_an_earlier_start_recorded_later_moves_the_start_back_and_voiding_it_moves_it_forward(project, editor):
    record_stage(actor=editor, project=project, stage=Stage.SIGNED, happened_on=date(2024, 1, 5))
    record_stage(actor=editor, project=project, stage=Stage.AT_CAPACITY, happened_on=date(2024, 12, 1))
    started = record_stage(actor=editor, project=project, stage=Stage.STARTED, happened_on=date(2024, 3, 1))
    assert stored(project) == (date(2024, 3, 1), date(2024, 12, 1), date(2024, 12, 1))

    void_event(actor=editor, event=started, reason="日期错误")
    assert stored(project) == (date(2024, 12, 1), date(2024, 12, 1), date(2024, 12, 1))
    at_capacity = project.events.live().get(stage=Stage.AT_CAPACITY)
    void_event(actor=editor, event=at_capacity, reason="录入错误")
    assert stored(project) == (None, None, None)
    assert Project.objects.get(pk=project.pk).stage == Stage.SIGNED


def test_a_refused_stage_leaves_the_days_as_they_were(project, editor):
    record_stage(actor=editor, project=project, stage=Stage.STARTED, happened_on=date(2024, 3, 1))
    with pytest.raises(ValidationError):
        record_stage(actor=editor, project=project, stage=Stage.COMMISSIONED, happened_on=date(2024, 2, 1))
    assert stored(project) == (date(2024, 3, 1), None, None)


def test_the_bulk_verbs_store_the_days_of_new_and_existing_projects(zone):
    at = timezone.now()
    fresh = Project(zone=zone, name="批量新建项目", total_investment=Decimal("500.00"))
    fresh.full_clean()
    events = [(Stage.SIGNED, date(2023, 5, 1), None), (Stage.COMMISSIONED, date(2024, 6, 1), None)]
    projects_create_bulk(actor=None, projects=[(fresh, events)], batch=audit.new_batch(), at=at)
    assert stored(fresh) == (date(2024, 6, 1), date(2024, 6, 1), None)

    stage_events_record_bulk(
        actor=None, events=[(fresh, (Stage.STARTED, date(2023, 11, 1), None))], batch=audit.new_batch(), at=at
    )
    assert stored(fresh) == (date(2023, 11, 1), date(2024, 6, 1), None)


def test_the_migration_fills_each_project_with_the_days_the_services_store():
    migration = importlib.import_module("zoneledger.projects.migrations.0010_reached_days")
    fills = [operation for operation in migration.Migration.operations if hasattr(operation, "value_sql")]
    assert [fill.column for fill in fills] == REACHED
    columns = ", ".join(f"({fill.value_sql})" for fill in fills)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {columns} FROM projects_project")
        filled = {row[0]: tuple(_day(value) for value in row[1:]) for row in cursor.fetchall()}
    assert filled == {pk: tuple(days) for pk, *days in Project.objects.values_list("pk", *REACHED)}


def _day(value):
    """A date as SQLite returns it from raw SQL (text) or PostgreSQL (a date)."""
    return date.fromisoformat(value) if isinstance(value, str) else value
