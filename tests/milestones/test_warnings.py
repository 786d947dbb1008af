"""A 开工 target past without a start makes a project red in 签约未开工, whatever its days since signing."""

from datetime import date
from decimal import Decimal

import pytest

from zoneledger.accounts.scope import zone_scope
from zoneledger.milestones import services
from zoneledger.milestones.choices import MilestoneKind
from zoneledger.projects import services as project_services
from zoneledger.projects.choices import Stage
from zoneledger.reports import figures
from zoneledger.zones.models import Zone

pytestmark = pytest.mark.django_db
AS_OF = date(2025, 6, 30)


@pytest.fixture
def signed(wenshui_editor):
    zone = Zone.objects.get(name="文水经济开发区")
    project = project_services.project_create(
        actor=wenshui_editor, zone=zone, name="刚签约的项目", total_investment=Decimal("1000.00")
    )
    project_services.record_stage(
        actor=wenshui_editor, project=project, stage=Stage.SIGNED, happened_on=date(2025, 6, 1)
    )
    return project


def level_of(project, user, as_of=AS_OF):
    rows = figures.signed_not_started(user=user, scope=zone_scope(project.zone), as_of=as_of)
    return {row.project_id: row for row in rows}[project.pk]


def test_a_missed_start_target_is_red_from_the_day_after_it(signed, wenshui_editor):
    services.milestone_create(
        actor=wenshui_editor,
        project=signed,
        title="开工",
        planned_on=date(2025, 6, 20),
        kind=MilestoneKind.STAGE_TARGET,
        stage=Stage.STARTED,
    )

    assert level_of(signed, wenshui_editor, date(2025, 6, 20)).level == ""
    row = level_of(signed, wenshui_editor)
    assert (row.days, row.level, row.target_missed) == (29, "red", True)
    reds = figures.signed_not_started(user=wenshui_editor, scope=zone_scope(signed.zone), as_of=AS_OF, level="red")
    assert signed.pk in {row.project_id for row in reds}
    plain = figures.signed_not_started(user=wenshui_editor, scope=zone_scope(signed.zone), as_of=AS_OF, level="")
    assert signed.pk not in {row.project_id for row in plain}
    counts = figures.warning_counts(user=wenshui_editor, scope=zone_scope(signed.zone), as_of=AS_OF)
    assert counts["red"] == len(reds)


def test_a_target_done_dropped_or_not_a_start_leaves_the_level_alone(signed, wenshui_editor):
    done = services.milestone_create(
        actor=wenshui_editor,
        project=signed,
        title="开工",
        planned_on=date(2025, 6, 20),
        kind=MilestoneKind.STAGE_TARGET,
        stage=Stage.STARTED,
    )
    services.milestone_complete(actor=wenshui_editor, milestone=done, done_on=date(2025, 6, 19))
    services.milestone_create(actor=wenshui_editor, project=signed, title="环评", planned_on=date(2025, 6, 2))

    assert level_of(signed, wenshui_editor).level == ""


def test_the_target_counts_only_once_entered_for_a_known_at_reproduction(signed, wenshui_editor):
    from django.utils import timezone

    before = timezone.now()
    services.milestone_create(
        actor=wenshui_editor,
        project=signed,
        title="开工",
        planned_on=date(2025, 6, 20),
        kind=MilestoneKind.STAGE_TARGET,
        stage=Stage.STARTED,
    )

    rows = figures.signed_not_started(user=wenshui_editor, scope=zone_scope(signed.zone), as_of=AS_OF, known_at=before)
    assert signed.pk not in {row.project_id for row in rows if row.target_missed}
