"""Reads of monthly reports that serve a user: each takes `user=` and starts from `visible_to(user)`.

Out of scope is `NotFound`, exactly like missing. The zone's month and the reviewer's queue read in a fixed number
of queries whatever their rows (tests pin them).
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from zoneledger.core.errors import NotFound
from zoneledger.core.money import percent_text
from zoneledger.projects.choices import ProgressStatus, Stage, stage_and_later
from zoneledger.projects.models import MonthlyProgress, Project, StageEvent

from .choices import OPEN_STATES, ReportState
from .models import AnnualPlan, ReportPhoto, ReportTransition, ReportVersion
from .workflow import CENT, completion_rate, is_behind, month_start, report_due, schedule_share

if TYPE_CHECKING:
    from zoneledger.accounts.models import User
    from zoneledger.accounts.scope import Scope


def _next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def parse_month(text: str | None, *, default: date | None = None) -> date:
    """'2025-06' as date(2025, 6, 1); the default (this month) for a missing or malformed one."""
    try:
        year, number = (int(part) for part in (text or "").split("-"))
        return date(year, number, 1)
    except ValueError:
        return default or month_start(timezone.localdate())


def must_report(month: date, *, events_of: Q | None = None) -> Q:
    """Projects that report `month` (DOMAIN §9): started by its end and not commissioned before it began.

    A project reports from the month it started until the month it is commissioned; one terminated before the
    month does not report. `events_of` narrows the events read to those of the projects' scope (`Scope.shard_q`).
    """
    events = StageEvent.objects.live().filter(events_of or Q(), project=OuterRef("pk"))
    end = _next_month(month)
    started = events.filter(happened_on__lt=end).exist_in(stage_and_later(Stage.STARTED))
    commissioned_before = events.filter(happened_on__lt=month).exist_in(stage_and_later(Stage.COMMISSIONED))
    terminated_before = Exists(events.filter(stage=Stage.TERMINATED, happened_on__lt=month))
    return started & ~commissioned_before & ~Q(terminated_before)


@dataclass
class MonthRow:
    """One project of a zone's month: the open version (being written or reviewed) and the amount that counts."""

    project: Project
    open: ReportVersion | None
    counting: ReportVersion | None
    head: MonthlyProgress | None
    photos: list[ReportPhoto]  # the open version's, else the counting one's
    planned: Decimal | None = None  # the month's share of the year's plan (`month_rows_beside`), None without one
    last: Decimal | None = None  # last month's amount as it stands (`month_rows_beside`), None without a report

    @property
    def state(self) -> str:
        """missing, draft, submitted, returned or approved: what the month waits for."""
        if self.open is not None:
            return self.open.state
        if self.counting is not None or (self.head is not None and self.head.status == ReportState.APPROVED):
            return ReportState.APPROVED
        if self.head is not None:
            return self.head.status
        return "missing"

    @property
    def physical_progress(self) -> str:
        if self.open is not None:
            return self.open.physical_progress
        return self.head.progress_note if self.head is not None else ""

    @property
    def note(self) -> str:
        """The note of the version shown (open, else counting): entering the month in place keeps it."""
        shown = self.open or self.counting
        return shown.note if shown is not None else ""

    @property
    def return_reason(self) -> str:
        return self.open.return_reason if self.open is not None else ""

    @property
    def correcting(self) -> Decimal | None:
        """The approved amount that counts while a correction waits, else None."""
        return cast(Decimal, self.counting.amount) if self.open is not None and self.counting is not None else None

    @property
    def amount(self) -> Decimal | None:
        if self.open is not None:
            return cast(Decimal, self.open.amount)
        return cast(Decimal, self.head.completed_investment) if self.head is not None else None


def month_rows(
    *,
    user: "User",
    month: date,
    zone_id: int | None = None,
    scope: "Scope | None" = None,
    project_ids: Collection[int] | None = None,
) -> list[MonthRow]:
    """Every project in the user's scope (or one zone or `scope` in it) that must report `month`; or, given
    `project_ids`, those of them in the user's scope whether they must report or only may (a project commissioned
    may go on reporting until the year ends); 4 queries."""
    named = Q(pk__in=project_ids) if project_ids is not None else must_report(month)
    return _rows_of(list(_month_projects(user=user, zone_id=zone_id, scope=scope).filter(named)), month)


def _month_projects(*, user: "User", zone_id: int | None, scope: "Scope | None") -> QuerySet[Project]:
    return (
        Project.objects.visible_to(user)
        .filter(scope.q("zone__", province="province_id") if scope is not None else Q())
        .filter(**({"zone_id": zone_id} if zone_id else {}))
        .select_related("zone")
        .order_by("zone__name", "name")
    )


def _rows_of(projects: list[Project], month: date) -> list[MonthRow]:
    """The month's rows of `projects`: their live versions, heads and shown photos (3 queries; none without
    projects, no photos query without a version)."""
    ids = [project.pk for project in projects]
    live = Q(state__in=OPEN_STATES) | Q(state=ReportState.APPROVED, counted_until__isnull=True)
    opened: dict[int, ReportVersion] = {}
    counting: dict[int, ReportVersion] = {}
    for version in ReportVersion.objects.filter(live, project_id__in=ids, month=month).order_by():
        (counting if version.state == ReportState.APPROVED else opened)[version.project_id] = version
    heads = {head.project_id: head for head in MonthlyProgress.objects.filter(project_id__in=ids, month=month)}
    shown = {project_id: version.pk for project_id, version in (counting | opened).items()}
    photos: dict[int, list[ReportPhoto]] = {}
    for photo in ReportPhoto.objects.filter(version_id__in=shown.values()):
        photos.setdefault(photo.version_id, []).append(photo)
    return [
        MonthRow(
            project,
            opened.get(project.pk),
            counting.get(project.pk),
            heads.get(project.pk),
            photos.get(shown.get(project.pk, 0), []),
        )
        for project in projects
    ]


def month_rows_beside(*, rows: list[MonthRow], month: date) -> list[MonthRow]:
    """The zone's month page's rows (read through `month_rows`, so in scope) with what a person fills the month
    beside: the month's planned amount and last month's amount. Two queries."""
    ids = [row.project.pk for row in rows]
    plans = {plan.project_id: plan for plan in AnnualPlan.objects.filter(project_id__in=ids, year=month.year)}
    previous = date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
    last = dict(
        MonthlyProgress.objects.filter(project_id__in=ids, month=previous).values_list(
            "project_id", "completed_investment"
        )
    )
    for row in rows:
        plan = plans.get(row.project.pk)
        row.planned = plan.monthly[month.month - 1].quantize(CENT) if plan is not None else None
        row.last = cast(Decimal | None, last.get(row.project.pk))
    return rows


def review_queue(*, user: "User", zone_id: int | None = None, month: date | None = None) -> QuerySet[ReportVersion]:
    """The submitted reports the user may review (a reviewer's scope), oldest submission first."""
    if not user.can_review:
        return ReportVersion.objects.none()
    queue = ReportVersion.objects.visible_to(user).filter(state=ReportState.SUBMITTED)
    if zone_id:
        queue = queue.filter(project__zone_id=zone_id)
    if month:
        queue = queue.filter(month=month)
    return (
        queue.select_related("project__zone", "submitted_by").prefetch_related("photos").order_by("submitted_at", "pk")
    )


def review_count(*, user: "User") -> int:
    """How many reports wait for this reviewer (the header's 待审核 N)."""
    return review_queue(user=user).count() if user.can_review else 0


def version_get(*, user: "User", pk: int) -> ReportVersion:
    """The report version `pk` if the user may see it; NotFound otherwise."""
    version = ReportVersion.objects.visible_to(user).select_related("project__zone").filter(pk=pk).first()
    if version is None:
        raise NotFound
    return version


def project_versions(*, user: "User", project: Project) -> QuerySet[ReportVersion]:
    """Every version of every month of a project the user may see, newest month first."""
    return (
        ReportVersion.objects.visible_to(user)
        .filter(project=project)
        .select_related("submitted_by", "reviewed_by")
        .prefetch_related("photos")
        .order_by("-month", "-number")
    )


def report_photo_get(*, user: "User", pk: int) -> ReportPhoto:
    """The report photo `pk` if the user may see its project; NotFound otherwise (missing and out of scope alike)."""
    photo = ReportPhoto.objects.visible_to(user).select_related("version__project__zone").filter(pk=pk).first()
    if photo is None:
        raise NotFound
    return photo


def project_transitions(*, user: "User", project: Project) -> QuerySet[ReportTransition]:
    """The history of a project's reports (who, when, from, to, reason), newest first."""
    return (
        ReportTransition.objects.visible_to(user)
        .filter(project=project)
        .select_related("version", "actor")
        .order_by("-at", "-pk")
    )


# -- the annual plan and 序时进度 ------------------------------------------------------------------------------------


@dataclass
class PlanRow:
    """One project's plan against its approved investment, to the end of a month of the plan's year."""

    project: Project
    plan: AnnualPlan
    planned: Decimal  # 序时进度: planned cumulative to the month
    approved: Decimal  # approved cumulative of the year to the month
    rate: Decimal | None  # 完成率, exact (rounded only where shown)
    behind: bool  # 低于序时进度

    @property
    def rate_text(self) -> str:
        """完成率 as a percentage at one decimal, half up, or — without a plan to date."""
        return percent_text(self.rate * 100 if self.rate is not None else None)


def plan_threshold() -> Decimal:
    """The share of the planned cumulative under which a project is 低于序时进度 (setting, default 0.8)."""
    return Decimal(settings.ZONELEDGER_PLAN_WARNING_SHARE)


def report_due_day() -> int:
    """The day of the next month a month's report is due by (setting, default 5)."""
    return settings.ZONELEDGER_REPORT_DUE_DAY


def plan_rows(
    *, user: "User", year: int, month: int, zone_id: int | None = None, scope: "Scope | None" = None
) -> list[PlanRow]:
    """Every planned project of `year` in the user's scope (or one zone or `scope` in it) with 序时进度 and 完成率 to
    the end of `month`; 2 queries."""
    plans = list(
        AnnualPlan.objects.visible_to(user)
        .filter(year=year, **({"project__zone_id": zone_id} if zone_id else {}))
        .filter(scope.q("project__zone__", province="province_id") if scope is not None else Q())
        .select_related("project__zone")
        .order_by("project__zone__name", "project__name")
    )
    approved = dict(
        MonthlyProgress.objects.filter(
            project_id__in=[plan.project_id for plan in plans],
            status=ProgressStatus.APPROVED,
            month__gte=date(year, 1, 1),
            month__lte=date(year, month, 1),
        )
        .order_by()
        .values("project_id")
        .annotate(total=Sum("completed_investment"))
        .values_list("project_id", "total")
    )
    threshold = plan_threshold()
    rows = []
    for plan in plans:
        planned = schedule_share(plan.monthly, month)
        done = cast(Decimal, approved.get(plan.project_id) or Decimal("0.00"))
        rate = completion_rate(done, planned)
        rows.append(PlanRow(plan.project, plan, planned, done, rate, is_behind(rate, threshold)))
    return rows


@dataclass
class YearMonth:
    """One month of a project's year: plan and 序时进度, the amount that counts, the approved cumulative, 完成率."""

    month: date
    planned: Decimal | None  # the month's share of the plan, None without a plan
    planned_to_date: Decimal | None  # 序时进度: the planned cumulative to the month
    amount: Decimal | None  # the month's amount as it stands (approved, else submitted or returned)
    status: str  # the MonthlyProgress status, "" without a report
    approved_to_date: Decimal  # the year's approved cumulative to the month
    rate: Decimal | None  # 完成率 as a percentage, exact (rounded where shown)

    @property
    def status_label(self) -> str:
        return str(ProgressStatus(self.status).label) if self.status else "—"

    @property
    def rate_text(self) -> str:
        """完成率 at one decimal, half up (core.money), or — without a plan to date."""
        return percent_text(self.rate)


def project_year(*, user: "User", project: Project, year: int) -> list[YearMonth]:
    """A project's twelve months of `year` (the caller read `project` through its scoped selector); 2 queries."""
    plan = AnnualPlan.objects.visible_to(user).filter(project=project, year=year).first()
    heads = {
        head.month: head
        for head in MonthlyProgress.objects.visible_to(user).filter(
            project=project, month__gte=date(year, 1, 1), month__lte=date(year, 12, 1)
        )
    }
    months, approved = [], Decimal("0.00")
    for number in range(1, 13):
        month = date(year, number, 1)
        head = heads.get(month)
        if head is not None and head.status == ProgressStatus.APPROVED:
            approved += cast(Decimal, head.completed_investment)
        planned_to_date = schedule_share(plan.monthly, number).quantize(CENT) if plan is not None else None
        rate = completion_rate(approved, planned_to_date) if planned_to_date is not None else None
        months.append(
            YearMonth(
                month=month,
                planned=plan.monthly[number - 1].quantize(CENT) if plan is not None else None,
                planned_to_date=planned_to_date,
                amount=cast(Decimal, head.completed_investment) if head is not None else None,
                status=head.status if head is not None else "",
                approved_to_date=approved,
                rate=rate * 100 if rate is not None else None,
            )
        )
    return months


# How a plan's project's zone names the part it belongs to, as `reports.figures.breakdown` keys its rows.
PLAN_PARTS = {
    "province": lambda zone: zone.province_id,
    "city": lambda zone: zone.city_id,
    "zone": lambda zone: zone.pk,
}


def plan_totals(rows: list[PlanRow], *, by: str) -> dict[object, tuple[Decimal, Decimal]]:
    """The planned cumulative (序时进度) and the approved cumulative of `rows` (from `plan_rows`) summed per
    province, city or zone (`by`) of their projects; a part without a plan is absent. The part's 完成率 is the second
    ÷ the first. No query."""
    part_of = PLAN_PARTS[by]
    totals: dict[object, tuple[Decimal, Decimal]] = {}
    for row in rows:
        planned, approved = totals.get(part_of(row.project.zone), (Decimal(0), Decimal(0)))
        totals[part_of(row.project.zone)] = (planned + row.planned, approved + row.approved)
    return totals


def behind_plan(
    *, user: "User", month: date, zone_id: int | None = None, scope: "Scope | None" = None
) -> list[PlanRow]:
    """低于序时进度 to the end of `month`: the planned projects of the user's scope (or one zone or `scope` in it)
    whose 完成率 is under the threshold share — the rows `plan_rows` flags, and the one list the plan page, the
    warnings page, the dashboard and the API give; 2 queries."""
    rows = plan_rows(user=user, year=month.year, month=month.month, zone_id=zone_id, scope=scope)
    return [row for row in rows if row.behind]


def warning_month(day: date) -> date:
    """The month the warnings of `day` (低于序时进度, 未按时填报) are about when none is asked: the latest month whose
    reports were due before `day`, so that what a project owed by then is what it is measured by."""
    return last_due_month(day)


def plan_get(*, user: "User", project: Project, year: int) -> AnnualPlan | None:
    """The project's plan of `year`, or None."""
    return AnnualPlan.objects.visible_to(user).filter(project=project, year=year).first()


def late_reports(
    *,
    user: "User",
    month: date,
    today: date | None = None,
    zone_id: int | None = None,
    scope: "Scope | None" = None,
) -> list[MonthRow]:
    """未按时填报: projects (of one zone or `scope`, when given) that had to report `month` and have not submitted it
    by its due day (empty before then) — the one list the plan page, the warnings page, the dashboard and the API
    give. One query for the late projects; a month with a draft then reads its versions and monthly rows (3 more)."""
    today = today or timezone.localdate()
    if today <= report_due(month, due_day=report_due_day()):
        return []
    versions = ReportVersion.objects.filter(project=OuterRef("pk"), month=month)
    # The events read in must_report's EXISTS are the scope's province's alone (`Scope.shard_q`): one province's
    # index entries instead of every province's events hashed for the anti-joins.
    late = list(
        _month_projects(user=user, zone_id=zone_id, scope=scope)
        .filter(must_report(month, events_of=scope.shard_q() if scope is not None else None))
        .annotate(drafted=Exists(versions.filter(state=ReportState.DRAFT)))
        .filter(Q(drafted=True) | _unreported(month, versions))
    )
    drafted = {row.project.pk: row for row in _rows_of([project for project in late if project.drafted], month)}
    return [drafted.get(project.pk) or MonthRow(project, None, None, None, []) for project in late]


def _unreported(month: date, versions: QuerySet[ReportVersion]) -> Q:
    """Projects whose `month` stands `missing` (`MonthRow.state`), in the database: no open version, none counting
    and no monthly row — so a province reads its late projects, not all of its months (with a draft it is `draft`)."""
    opened = Exists(versions.filter(state__in=OPEN_STATES))
    counting = Exists(versions.filter(state=ReportState.APPROVED, counted_until__isnull=True))
    head = Exists(MonthlyProgress.objects.filter(project=OuterRef("pk"), month=month))
    return ~Q(opened) & ~Q(counting) & ~Q(head)


def last_due_month(day: date) -> date:
    """The latest month whose reports were due before `day` (so that a missing one is late on `day`)."""
    month = month_start(day)
    while day <= report_due(month, due_day=report_due_day()):
        month = month_start(month - timedelta(days=1))
    return month
