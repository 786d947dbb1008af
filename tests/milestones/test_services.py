"""Milestone services: planning backwards, done, move with a reason, drop; scope; nothing half-written."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from zoneledger.audit.models import AuditRecord
from zoneledger.milestones import selectors, services
from zoneledger.milestones.choices import Light, MilestoneKind
from zoneledger.milestones.models import Milestone, MilestoneMove, PlanTemplate
from zoneledger.milestones.schedule import Infeasible
from zoneledger.projects import services as project_services
from zoneledger.zones.models import Zone

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def guess_unknown_years(settings):
    """Targets lie a year ahead, past the installed calendar package: count them Monday–Friday (the setting)."""
    settings.ZONELEDGER_CALENDAR_UNKNOWN_YEAR = "weekends"


@pytest.fixture
def wenshui():
    return Zone.objects.get(name="文水经济开发区")


@pytest.fixture
def project(wenshui, wenshui_editor):
    return project_services.project_create(
        actor=wenshui_editor, zone=wenshui, name="倒排工期测试项目", total_investment=Decimal("5000.00")
    )


@pytest.fixture
def industrial():
    return PlanTemplate.objects.get(province_code="", name="工业新建项目")


def far_target():
    return timezone.localdate() + timedelta(days=400)


def test_the_industrial_template_is_seeded_with_the_steps_of_domain_9(industrial):
    titles = [step.title for step in industrial.schedule_steps()]
    assert titles == [
        "备案/核准",
        "用地预审与选址",
        "土地出让",
        "建设用地规划许可",
        "建设工程规划许可",
        "环评批复",
        "节能审查",
        "施工许可",
        "开工",
    ]
    assert industrial.schedule_steps()[-1].stage == "started"


def test_planning_writes_one_milestone_per_step_ending_on_the_target(project, wenshui_editor, industrial):
    target = far_target()
    milestones = services.milestones_plan(actor=wenshui_editor, project=project, template=industrial, target=target)

    saved = list(project.milestones.order_by("position"))
    assert [m.title for m in saved] == [m.title for m in milestones]
    assert saved[-1].planned_on <= target
    assert saved[-1].kind == MilestoneKind.STAGE_TARGET
    assert saved[-1].stage == "started"
    assert all(m.plan == "工业新建项目" for m in saved)
    assert AuditRecord.objects.filter(action="milestone.plan", object_id=str(project.pk)).count() == 1


def test_a_target_that_cannot_be_met_writes_nothing_and_names_the_first_step(project, wenshui_editor, industrial):
    with pytest.raises(Infeasible) as refused:
        services.milestones_plan(
            actor=wenshui_editor, project=project, template=industrial, target=timezone.localdate() + timedelta(30)
        )

    assert "备案/核准" in str(refused.value)
    assert not project.milestones.exists()


def test_a_late_plan_may_be_written_on_purpose(project, wenshui_editor, industrial):
    services.milestones_plan(
        actor=wenshui_editor,
        project=project,
        template=industrial,
        target=timezone.localdate() + timedelta(30),
        allow_late=True,
    )

    lights = [m.light for m in selectors.project_milestones(user=wenshui_editor, project=project)]
    assert Light.RED in lights


def test_another_zones_editor_may_not_plan(project, xiaoyi_editor, industrial):
    with pytest.raises(PermissionDenied):
        services.milestones_plan(actor=xiaoyi_editor, project=project, template=industrial, target=far_target())
    assert not project.milestones.exists()


@pytest.fixture
def milestone(project, wenshui_editor):
    return services.milestone_create(
        actor=wenshui_editor, project=project, title="完成土地出让", planned_on=date(2025, 5, 20), owner="自然资源局"
    )


def test_moving_keeps_the_old_date_and_the_reason(milestone, wenshui_editor):
    moved = services.milestone_move(
        actor=wenshui_editor, milestone=milestone, planned_on=date(2025, 6, 10), reason="挂牌公告延期"
    )

    assert moved.planned_on == date(2025, 6, 10)
    assert list(MilestoneMove.objects.values_list("from_date", "to_date", "reason")) == [
        (date(2025, 5, 20), date(2025, 6, 10), "挂牌公告延期")
    ]
    assert AuditRecord.objects.filter(action="milestone.move", message="挂牌公告延期").exists()


def test_a_move_without_a_reason_changes_nothing(milestone, wenshui_editor):
    with pytest.raises(ValidationError):
        services.milestone_move(actor=wenshui_editor, milestone=milestone, planned_on=date(2025, 6, 10), reason=" ")

    milestone.refresh_from_db()
    assert milestone.planned_on == date(2025, 5, 20)
    assert not MilestoneMove.objects.exists()


def test_done_in_the_future_is_refused(milestone, wenshui_editor):
    with pytest.raises(ValidationError):
        services.milestone_complete(
            actor=wenshui_editor, milestone=milestone, done_on=timezone.localdate() + timedelta(days=1)
        )
    milestone.refresh_from_db()
    assert milestone.done_on is None


def test_done_turns_the_light_grey(milestone, wenshui_editor, project):
    services.milestone_complete(actor=wenshui_editor, milestone=milestone, done_on=date(2025, 5, 19))

    (shown,) = selectors.project_milestones(user=wenshui_editor, project=project)
    assert shown.light == Light.GREY


def test_a_dropped_milestone_needs_a_reason_counts_nowhere_and_cannot_be_changed(milestone, wenshui_editor, project):
    with pytest.raises(ValidationError):
        services.milestone_drop(actor=wenshui_editor, milestone=milestone, reason="")
    services.milestone_drop(actor=wenshui_editor, milestone=milestone, reason="方案调整，不再需要")

    assert not selectors.milestone_list(user=wenshui_editor, project=project).exists()
    with pytest.raises(ValidationError):
        services.milestone_complete(actor=wenshui_editor, milestone=milestone, done_on=date(2025, 5, 19))


def test_a_stale_version_is_refused(milestone, wenshui_editor):
    services.milestone_move(actor=wenshui_editor, milestone=milestone, planned_on=date(2025, 6, 1), reason="一")

    with pytest.raises(services.StaleMilestone):
        services.milestone_move(
            actor=wenshui_editor, milestone=milestone, planned_on=date(2025, 7, 1), reason="二", expected_version=1
        )
    milestone.refresh_from_db()
    assert milestone.planned_on == date(2025, 6, 1)


def test_lights_in_the_database_agree_with_the_rule(project, wenshui_editor):
    as_of = date(2025, 5, 10)
    for days in (-3, 0, 1, 7, 8, 30):
        services.milestone_create(
            actor=wenshui_editor, project=project, title=f"节点{days}", planned_on=as_of + timedelta(days=days)
        )
    from zoneledger.milestones.schedule import light

    for row in selectors.project_milestones(user=wenshui_editor, project=project, as_of=as_of):
        assert row.light == light(planned_on=row.planned_on, done_on=row.done_on, as_of=as_of, yellow_days=7)


def test_the_overdue_list_changes_as_the_as_of_date_passes_a_step(project, wenshui_editor, wenshui):
    from zoneledger.accounts.scope import zone_scope

    services.milestone_create(actor=wenshui_editor, project=project, title="环评批复", planned_on=date(2025, 5, 20))
    scope = zone_scope(wenshui)

    def overdue(day):
        return [m.title for m in selectors.milestone_list(user=wenshui_editor, scope=scope, as_of=day, light="red")]

    assert "环评批复" not in overdue(date(2025, 5, 20))
    assert "环评批复" in overdue(date(2025, 5, 21))


def test_a_stage_target_names_its_stage(project, wenshui_editor):
    with pytest.raises(ValidationError):
        services.milestone_create(
            actor=wenshui_editor,
            project=project,
            title="开工",
            planned_on=date(2025, 5, 20),
            kind=MilestoneKind.STAGE_TARGET,
        )
    assert not Milestone.objects.filter(project=project).exists()


def test_a_target_in_a_year_the_calendar_does_not_know_is_refused_plainly(
    project, wenshui_editor, industrial, settings
):
    from zoneledger.core.calendar import CalendarYearUnknown

    settings.ZONELEDGER_CALENDAR_UNKNOWN_YEAR = "error"
    with pytest.raises(CalendarYearUnknown):
        services.milestones_plan(actor=wenshui_editor, project=project, template=industrial, target=date(2039, 6, 1))
    assert not project.milestones.exists()
