"""Reads of milestones that serve a user: each takes `user=` and starts from `visible_to(user)`.

Lights are computed in the database (a CASE over the planned and done dates, `light_case`), so the list can be
filtered by light and paged without reading every row; `schedule.light` is the same rule in Python, and the tests
hold the two together. Dropped milestones show on the project's page, struck out, and count nowhere else.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from zoneledger.accounts.scope import Scope
from zoneledger.core.errors import NotFound
from zoneledger.projects.choices import Stage
from zoneledger.projects.models import Project
from zoneledger.workdays.permissions import kept_province

from .choices import LIGHT_SEVERITY, Light, MilestoneKind
from .models import Milestone, MilestoneMove, PlanTemplate
from .schedule import worst_light

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from zoneledger.accounts.models import User


if TYPE_CHECKING:

    class _LightAnnotation(TypedDict):
        light: str

    # A milestone read with its `light` annotated (`light_case`), as every list of this module returns them.
    LitMilestone = WithAnnotations[Milestone, _LightAnnotation]


def yellow_days() -> int:
    return settings.ZONELEDGER_MILESTONE_YELLOW_DAYS


def light_case(as_of: date, *, prefix: str = "") -> Case:
    """The light of a milestone as of `as_of`, as a database expression (schedule.light's rule)."""
    done, planned = f"{prefix}done_on", f"{prefix}planned_on"
    return Case(
        When(Q(**{f"{done}__isnull": False, f"{done}__lte": as_of}), then=Value(Light.GREY.value)),
        When(Q(**{f"{planned}__lt": as_of}), then=Value(Light.RED.value)),
        When(Q(**{f"{planned}__lte": as_of + timedelta(days=yellow_days())}), then=Value(Light.YELLOW.value)),
        default=Value(Light.GREEN.value),
    )


def _open_as_of(as_of: date) -> Q:
    return Q(done_on__isnull=True) | Q(done_on__gt=as_of)


def template_list(*, user: "User", province: str | None = None) -> QuerySet[PlanTemplate]:
    """The plan templates the user's province plans with (its own and the national ones)."""
    if province is None and getattr(user, "is_authenticated", False) and user.org_id:
        province = user.audit_province
    return PlanTemplate.objects.for_province(province)


def template_get(*, user: "User", name: str, province: str | None = None) -> PlanTemplate:
    """The template of that name the user's province plans with; NotFound otherwise."""
    template = template_list(user=user, province=province).filter(name=name).order_by("-province_code").first()
    if template is None:
        raise NotFound
    return template


def template_kept(*, user: "User", pk: int) -> PlanTemplate:
    """A template of the province the user keeps the templates of (workdays.permissions.kept_province); NotFound
    for any other, a national one included."""
    template = PlanTemplate.objects.filter(pk=pk, province_code=kept_province(user) or "-").first()
    if template is None:
        raise NotFound
    return template


def project_milestones(*, user: "User", project: Project, as_of: date | None = None) -> QuerySet["LitMilestone"]:
    """The project's milestones, dropped ones too, in planned order, each annotated with `light` as of `as_of`."""
    as_of = as_of or timezone.localdate()
    return (
        Milestone.objects.visible_to(user)
        .filter(project=project)
        .annotate(light=light_case(as_of))
        .prefetch_related("moves")
        .order_by("planned_on", "position", "pk")
    )


def milestone_get(*, user: "User", project: Project | None = None, pk: int) -> Milestone:
    """One milestone the user may see (of `project` when given); NotFound for any other."""
    milestones = Milestone.objects.visible_to(user).select_related("project__zone")
    if project is not None:
        milestones = milestones.filter(project=project)
    milestone = milestones.filter(pk=pk).first()
    if milestone is None:
        raise NotFound
    return milestone


@dataclass(frozen=True)
class ProjectLight:
    light: Light | None
    overdue: int
    due_soon: int


def project_light(*, milestones: list["LitMilestone"]) -> ProjectLight:
    """A project's light from its annotated milestones (project_milestones): its worst live one."""
    live = [milestone_light(milestone) for milestone in milestones if not milestone.dropped]
    return ProjectLight(worst_light(live), live.count(Light.RED), live.count(Light.YELLOW))


def milestone_list(
    *,
    user: "User",
    scope: Scope | None = None,
    as_of: date | None = None,
    light: str | None = None,
    kind: str | None = None,
    project: Project | None = None,
) -> QuerySet["LitMilestone"]:
    """Live milestones the user may see in `scope`, each with `light` as of `as_of`, overdue first.

    `light` keeps one light (red = 节点逾期); `kind` one kind. Order: worst light, then planned date.
    """
    as_of = as_of or timezone.localdate()
    rows = (
        Milestone.objects.visible_to(user)
        .live()
        .select_related("project__zone__city")
        .annotate(light=light_case(as_of))
        .annotate(
            severity=Case(
                *(When(light=value.value, then=Value(-rank)) for value, rank in LIGHT_SEVERITY.items()),
                default=Value(0),
            )
        )
    )
    if scope is not None:
        rows = rows.filter(scope.q("project__zone__", province="province_id"))
    if project is not None:
        rows = rows.filter(project=project)
    if light:
        rows = rows.filter(light=light)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("severity", "planned_on", "project__zone__name", "project__name", "position", "pk")


def milestone_light(milestone: "LitMilestone | DueMilestone") -> Light:
    """A milestone's annotated `light` as the choice it is."""
    return Light(milestone.light)


def light_label(milestone: "LitMilestone | DueMilestone") -> str:
    """The words of a milestone's annotated `light` (a light is never shown by colour alone)."""
    return str(milestone_light(milestone).label)


@dataclass(frozen=True)
class DueProject:
    """The project of a milestone due, as the weekly pack names it."""

    pk: int
    name: str
    zone: str  # the zone's name


@dataclass(frozen=True)
class DueMilestone:
    """A milestone due with what the weekly pack prints, read as values: a province's overdue milestones run to
    hundreds, and as model instances with their project and zone they cost the pack more than its queries."""

    pk: int
    project_id: int
    title: str
    planned_on: date
    owner: str
    light: str
    project: DueProject


def milestones_due(
    *, user: "User", scope: Scope, as_of: date, until: date, projects: list[int] | None = None
) -> list[DueMilestone]:
    """Live milestones of `scope` (of `projects`, when given) not done by `as_of` and planned by `until` (the overdue
    among them), each with `light` as of `as_of`, worst first: what a dispatch meeting must push (周调度). One query."""
    due = milestone_list(user=user, scope=scope, as_of=as_of).filter(_open_as_of(as_of), planned_on__lte=until)
    if projects is not None:
        due = due.filter(project__in=projects)
    columns = ("pk", "project_id", "title", "planned_on", "owner", "light", "project__name", "project__zone__name")
    return [
        DueMilestone(pk, project_id, title, planned_on, owner, light, DueProject(project_id, name, zone))
        for pk, project_id, title, planned_on, owner, light, name, zone in due.values_list(*columns)
    ]


def overdue_count(*, user: "User", scope: Scope, as_of: date | None = None) -> int:
    """How many live milestones of `scope` are overdue (节点逾期) as of `as_of`: one query."""
    as_of = as_of or timezone.localdate()
    return (
        Milestone.objects.visible_to(user)
        .live()
        .filter(scope.q("project__zone__", province="province_id"), _open_as_of(as_of), planned_on__lt=as_of)
        .count()
    )


def start_target_missed(as_of: date, *, known_at: datetime | None = None, project_ref: str = "pk") -> Exists:
    """Whether a project (OuterRef `project_ref`) has a live 开工 target planned before `as_of` and still open
    (entered by `known_at`, when given).

    reports.figures reads it for 签约未开工: such a project is red whatever its days since signing.
    """
    targets = Milestone.objects.live()
    if known_at is not None:
        targets = targets.filter(created_at__lte=known_at)
    return Exists(
        targets.filter(
            _open_as_of(as_of),
            project=OuterRef(project_ref),
            kind=MilestoneKind.STAGE_TARGET,
            stage=Stage.STARTED,
            planned_on__lt=as_of,
        )
    )


def milestone_moves(*, user: "User", milestone: Milestone) -> QuerySet[MilestoneMove]:
    return MilestoneMove.objects.visible_to(user).filter(milestone=milestone).select_related("moved_by")
