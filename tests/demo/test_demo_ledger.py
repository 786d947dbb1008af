"""The demo ledger holds what the seeds publish (DOMAIN.md §6), computed from the database."""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from zoneledger.accounts.models import User
from zoneledger.accounts.scope import user_scope_in
from zoneledger.audit.actions import Action
from zoneledger.audit.selectors import object_history
from zoneledger.milestones.models import Milestone, PlanTemplate
from zoneledger.progress.choices import ReportState
from zoneledger.progress.models import ReportVersion
from zoneledger.projects.choices import ProgressStatus
from zoneledger.projects.models import MonthlyProgress, Project, StageEvent
from zoneledger.projects.workflow import REACHED_FIELDS, LiveEvent, check_stage_order, current_stage, reached_on
from zoneledger.reports.figures import Period, SignedFigures, batch_figures
from zoneledger.zones.models import Zone

pytestmark = pytest.mark.django_db
AS_OF = date(2024, 12, 31)


def demo_figures(reference, period):
    viewer = User.objects.get(username="province-viewer")
    return batch_figures(user=viewer, scope=user_scope_in(viewer, reference), period=period, as_of=AS_OF)


def test_province_round_2023_4_has_233_signed_225_started_225_commissioned():
    figures = demo_figures("province", Period.for_round("2023-4"))
    assert (figures.signed.count, figures.started.count, figures.commissioned.count) == (233, 225, 225)


def test_wenshui_2024_matches_the_three_published_sentences():
    figures = demo_figures("文水经济开发区", Period.for_year(2024))
    assert figures.signed == SignedFigures(count=7, investment=Decimal("105500.00"), started=3)  # 10.55亿, 开工率43%
    assert (figures.started.count, figures.started.investment) == (4, Decimal("167400.00"))  # 16.74亿
    assert figures.started.completed == Decimal("33100.00")  # 3.31亿
    commissioned = figures.commissioned
    assert (commissioned.count, commissioned.investment, commissioned.at_capacity) == (3, Decimal("56500.00"), 3)


def test_the_demo_holds_four_rounds_in_2023_and_four_in_2024():
    from zoneledger.campaigns.models import Round

    assert [r.label for r in Round.objects.filter(province_id="140000")] == [
        f"{y}-{n}" for y in (2023, 2024) for n in (1, 2, 3, 4)
    ]


def test_every_city_has_zones_and_generated_projects_are_marked_illustrative():
    assert Zone.objects.filter(province_id="140000").values("city").distinct().count() == 11
    assert Project.objects.filter(name="恒旺高科年产2万吨电子级氧化铝项目", is_illustrative=False).exists()
    assert Project.objects.filter(is_illustrative=True).count() > 1000


def test_qixian_geothermal_project_has_its_task_force_and_milestones():
    project = Project.objects.get(zone__name="祁县经济开发区", name__contains="地热源供热")
    assert "专班" in project.task_force
    assert list(Milestone.objects.filter(project=project).values_list("planned_on", flat=True)) == [
        date(2025, 3, 31),
        date(2025, 4, 15),
    ]
    # Planned from the province's template (倒排工期 through the milestone services), not entered by hand; the
    # approvals that arrived before the project had its code were matched when the zone entered it.
    template = PlanTemplate.objects.get(province_code="140000", name="地热供热项目（协议→管网）")
    assert set(Milestone.objects.filter(project=project).values_list("plan", flat=True)) == {template.name}
    assert [step.title for step in template.schedule_steps()] == ["完成合作协议签订", "启动管网建设"]
    assert project.approval_items.count() == 3


def test_every_demo_project_obeys_the_lifecycle_rules_and_caches_its_stage_and_the_days_it_reached_stages():
    events_by_project = {}
    for project_id, stage, day in (
        StageEvent.objects.live().order_by("happened_on", "id").values_list("project_id", "stage", "happened_on")
    ):
        events_by_project.setdefault(project_id, []).append(LiveEvent(stage, day))
    caches = {pk: cache for pk, *cache in Project.objects.values_list("pk", "stage", *REACHED_FIELDS.values())}
    assert caches
    for project_id, (stage, *days) in caches.items():
        events = events_by_project.get(project_id, [])
        replayed = []
        for event in events:
            check_stage_order(replayed, event.stage, event.happened_on, today=date.today())
            replayed.append(event)
        assert stage == current_stage(event.stage for event in events)
        assert dict(zip(REACHED_FIELDS.values(), days, strict=True)) == reached_on(events), project_id


def test_every_approved_demo_month_was_submitted_and_reviewed_through_the_services():
    """The demo's months are reported as people report them: a zone's editor submits, its city's reviewer approves
    (四眼原则), each step dated when it would have happened and kept in the report's history and the audit log."""
    assert not MonthlyProgress.objects.filter(submitted_by=None).exists()
    assert not MonthlyProgress.objects.filter(status=ProgressStatus.APPROVED, reviewed_by=None).exists()
    assert not ReportVersion.objects.filter(state=ReportState.APPROVED, submitted_by=None).exists()
    assert not ReportVersion.objects.filter(state=ReportState.APPROVED, reviewed_by=None).exists()

    project = Project.objects.get(name__startswith="年产7万吨萤石球", zone__name="文水经济开发区")
    version = ReportVersion.objects.get(project=project, month=date(2024, 11, 1))
    beijing = ZoneInfo("Asia/Shanghai")
    assert (version.state, version.amount) == (ReportState.APPROVED, Decimal("3000.00"))
    assert (version.submitted_by.username, version.reviewed_by.username) == ("wenshui-editor", "lvliang-reviewer")
    assert version.submitted_at == datetime.combine(date(2024, 12, 3), time(10), tzinfo=beijing)
    assert version.reviewed_at == datetime.combine(date(2024, 12, 8), time(10), tzinfo=beijing)
    assert [(step.from_state, step.to_state) for step in version.transitions.all()] == [
        ("", ReportState.SUBMITTED),
        (ReportState.SUBMITTED, ReportState.APPROVED),
    ]
    viewer = User.objects.get(username="province-viewer")
    actions = {record.action for record in object_history(user=viewer, obj=project)}
    assert {Action.PROGRESS_SUBMIT, Action.PROGRESS_APPROVE} <= actions


def test_on_postgresql_the_loaded_demo_has_planner_statistics():
    """Planned as if empty (no statistics until autovacuum, which some servers run without), the demo's pages took
    seconds a query; the load gathers them."""
    if connection.vendor != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's; SQLite plans without them")
    tables = ("projects_project", "projects_stageevent", "progress_reportversion", "audit_auditrecord")
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tablename FROM pg_stats WHERE tablename = ANY(%s)", [list(tables)])
        assert {row[0] for row in cursor.fetchall()} == set(tables)
