"""The demo ledger holds what the seeds publish (DOMAIN.md §6), computed from the database."""

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Count, Exists, OuterRef, Q, Sum

from zoneledger.projects.choices import ProgressStatus, Stage
from zoneledger.projects.models import Milestone, MonthlyProgress, Project, StageEvent
from zoneledger.projects.workflow import LiveEvent, check_stage_order, current_stage
from zoneledger.zones.models import Zone

pytestmark = pytest.mark.django_db
AS_OF = date(2024, 12, 31)


def batch(stage, **round_filter):
    return StageEvent.objects.live().filter(stage=stage, **{f"round__{k}": v for k, v in round_filter.items()})


def reached(stage):
    return Exists(StageEvent.objects.live().filter(project=OuterRef("project"), stage=stage, happened_on__lte=AS_OF))


def test_province_round_2023_4_has_233_signed_225_started_225_commissioned():
    counts = (
        StageEvent.objects.live()
        .filter(round__year=2023, round__sequence=4)
        .aggregate(
            signed=Count("pk", filter=Q(stage=Stage.SIGNED)),
            started=Count("pk", filter=Q(stage=Stage.STARTED)),
            commissioned=Count("pk", filter=Q(stage=Stage.COMMISSIONED)),
        )
    )
    assert counts == {"signed": 233, "started": 225, "commissioned": 225}


def test_wenshui_2024_matches_the_three_published_sentences():
    wenshui = {"project__zone__name": "文水经济开发区"}
    signed = (
        batch(Stage.SIGNED, year=2024)
        .filter(**wenshui)
        .aggregate(
            count=Count("pk"),
            investment=Sum("project__total_investment"),
            started=Count("pk", filter=reached("started")),
        )
    )
    assert signed == {"count": 7, "investment": Decimal("105500.00"), "started": 3}  # 10.55亿, 开工率43%

    started = batch(Stage.STARTED, year=2024).filter(**wenshui)
    assert started.aggregate(count=Count("pk"), investment=Sum("project__total_investment")) == {
        "count": 4,
        "investment": Decimal("167400.00"),  # 16.74亿
    }
    completed = MonthlyProgress.objects.filter(
        project__in=started.values("project"), status=ProgressStatus.APPROVED, month__lte=AS_OF
    ).aggregate(total=Sum("completed_investment"))
    assert completed["total"] == Decimal("33100.00")  # 3.31亿

    commissioned = (
        batch(Stage.COMMISSIONED, year=2024)
        .filter(**wenshui)
        .aggregate(
            count=Count("pk"),
            investment=Sum("project__total_investment"),
            at_capacity=Count("pk", filter=reached("at_capacity")),
        )
    )
    assert commissioned == {"count": 3, "investment": Decimal("56500.00"), "at_capacity": 3}  # 5.65亿, 100%


def test_the_demo_holds_four_rounds_in_2023_and_four_in_2024():
    from zoneledger.campaigns.models import Round

    assert [r.label for r in Round.objects.all()] == [f"{y}-{n}" for y in (2023, 2024) for n in (1, 2, 3, 4)]


def test_every_city_has_zones_and_generated_projects_are_marked_illustrative():
    assert Zone.objects.values("city").distinct().count() == 11
    assert Project.objects.filter(name="恒旺高科年产2万吨电子级氧化铝项目", is_illustrative=False).exists()
    assert Project.objects.filter(is_illustrative=True).count() > 1000


def test_qixian_geothermal_project_has_its_task_force_and_milestones():
    project = Project.objects.get(zone__name="祁县经济开发区", name__contains="地热源供热")
    assert "专班" in project.task_force
    assert list(Milestone.objects.filter(project=project).values_list("due_on", flat=True)) == [
        date(2025, 3, 31),
        date(2025, 4, 15),
    ]


def test_every_demo_project_obeys_the_lifecycle_rules_and_caches_its_stage():
    events_by_project = {}
    for project_id, stage, day in (
        StageEvent.objects.live().order_by("happened_on", "id").values_list("project_id", "stage", "happened_on")
    ):
        events_by_project.setdefault(project_id, []).append(LiveEvent(stage, day))
    stages = dict(Project.objects.values_list("pk", "stage"))
    for project_id, events in events_by_project.items():
        replayed = []
        for event in events:
            check_stage_order(replayed, event.stage, event.happened_on, today=date.today())
            replayed.append(event)
        assert stages[project_id] == current_stage(event.stage for event in events)
