"""Reads of problems that serve a user: each takes `user=` and starts from `Problem.objects.visible_to(user)`.

The queue (page, export, API) reads through `problem_filter`; its rows carry their colour for `as_of`, computed in
the database (filters.colour_expression), so a province's queue costs the same few queries whatever its size. A
problem out of the user's scope is `NotFound`, exactly like one that does not exist.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import BooleanField, Count, ExpressionWrapper, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import QueryDict
from django.utils import timezone

from zoneledger.core.errors import NotFound
from zoneledger.core.paging import IdsFirst
from zoneledger.projects.models import MonthlyProgress, Project

from . import clock
from .choices import OPEN_STATES, Deadline, DeadlineStatus, Level, State, Tier
from .filters import ProblemFilter, colour_expression, overdue_q
from .models import Problem, ProblemAttachment, ProblemStep, ProjectLeader, TaskForce, category_label
from .services import categories, province_calendar

if TYPE_CHECKING:
    from zoneledger.accounts.models import User


def _province_of(user: "User") -> str:
    """The province whose calendar dates the user's queue (the home province for the nation)."""
    from django.conf import settings

    from zoneledger.accounts.scope import org_province

    return (org_province(user.org) if user.org is not None else None) or settings.ZONELEDGER_HOME_PROVINCE


def queue_clock(*, user: "User", as_of: date | None = None) -> tuple[date, date]:
    """(as_of, due_by) for the user's queue: the day it is read and the last day a deadline counts as due.

    A year the calendar does not know is `CalendarYearUnknown` (a 400 with its message) unless the fallback is on.
    """
    as_of = as_of or timezone.localdate()
    return as_of, clock.due_by(as_of, province_calendar(_province_of(user)))


def problem_rows(*, user: "User", as_of: date | None = None) -> QuerySet[Problem]:
    """The problems the user may see, with their `colour` on `as_of`, as objects with their zone, project, owning
    org, the user who raised each and its owner (the API's rows, a problem's page)."""
    return _coloured(user=user, as_of=as_of).select_related("zone", "project", "owner_org", "owner", "raised_by")


def _coloured(*, user: "User", as_of: date | None) -> QuerySet[Problem]:
    as_of, due_by = queue_clock(user=user, as_of=as_of)
    return Problem.objects.visible_to(user).annotate(colour=colour_expression(as_of, due_by))


def problem_filter(
    *, user: "User", data: QueryDict | dict | None = None, as_of: date | None = None, listed: bool = False
) -> ProblemFilter:
    """The queue's filter set bound to `data` over the problems the user may see; `.qs` is the filtered list of
    `problem_rows`, or (`listed`) of the problems alone, which the queue page and its export read through
    `queue_rows` and `queue_list`: the columns they show, with no object and no join the filters do not ask for."""
    province = _province_of(user)
    rows = _coloured(user=user, as_of=as_of) if listed else problem_rows(user=user, as_of=as_of)
    return ProblemFilter(data, queryset=rows, user=user, categories=lambda: categories(province))


@dataclass(frozen=True)
class QueueRow:
    """A problem as the queue page and its export show it, read as values: a page of 50 problems as objects with
    their zone, project and owning org cost the page more than its queries."""

    pk: int
    colour: str
    title: str
    project_name: str | None  # None for a matter of the whole zone
    zone_name: str
    zone_short_name: str
    category: str
    level: str
    state: str
    tier: str
    owner_org: str  # the responsible organisation's name
    raised_at: datetime
    solve_due: date

    @property
    def category_label(self) -> str:
        return category_label(self.category)

    @property
    def level_label(self) -> str:
        return str(Level(self.level).label)

    @property
    def state_label(self) -> str:
        return str(State(self.state).label)

    @property
    def tier_label(self) -> str:
        return str(Tier(self.tier).label)


QUEUE_COLUMNS = (
    *("pk", "colour", "title", "project__name", "zone__name", "zone__short_name", "category", "level", "state"),
    *("tier", "owner_org__name", "raised_at", "solve_due"),
)


def queue_list(problems: QuerySet[Problem]) -> list[QueueRow]:
    """`problems` (the `.qs` of `problem_filter(…, listed=True)`: scoped, filtered, coloured, in the queue's order)
    as QueueRows, in one query (the export's rows)."""
    return [QueueRow(*values) for values in problems.values_list(*QUEUE_COLUMNS)]


def queue_rows(problems: QuerySet[Problem]) -> IdsFirst[QueueRow]:
    """`problems` (as for `queue_list`) for the queue's page: each page read ids first (`core.paging.IdsFirst`: the
    page's ids in the queue's order, then their QueueRows)."""
    return IdsFirst(problems, lambda ids: {row.pk: row for row in queue_list(problems.filter(pk__in=ids).order_by())})


def problem_get(*, user: "User", pk: int, as_of: date | None = None) -> Problem:
    """The problem `pk` if the user may see it, with its colour; NotFound otherwise."""
    problem = problem_rows(user=user, as_of=as_of).select_related("raised_by__org", "zone__city").filter(pk=pk).first()
    if problem is None:
        raise NotFound
    return problem


def problem_attachment_get(*, user: "User", pk: int) -> ProblemAttachment:
    """The problem's attachment `pk` if the user may see the problem; NotFound otherwise (missing alike)."""
    attachment = ProblemAttachment.objects.visible_to(user).select_related("problem__zone").filter(pk=pk).first()
    if attachment is None:
        raise NotFound
    return attachment


def problem_steps(*, user: "User", problem: Problem) -> QuerySet[ProblemStep]:
    """The problem's history, oldest first (the caller read `problem` through `problem_get`)."""
    return ProblemStep.objects.filter(problem=problem).select_related("actor")


@dataclass(frozen=True)
class DeadlineView:
    """One deadline of a problem as a page shows it."""

    name: str
    label: str
    due: date
    status: DeadlineStatus

    @property
    def status_label(self) -> str:
        return str(self.status.label)


def problem_deadlines(*, user: "User", problem: Problem, as_of: date | None = None) -> list[DeadlineView]:
    """The problem's three deadlines with their status on `as_of`."""
    as_of = as_of or timezone.localdate()
    calendar = province_calendar(problem.province_id)
    dates = clock.Deadlines(plan=problem.plan_due, reply=problem.reply_due, solve=problem.solve_due)
    return [
        DeadlineView(name=name, label=str(Deadline(name).label), due=dates.of(name), status=status)
        for name, status in clock.statuses(problem.state, dates, as_of, calendar).items()
    ]


def project_problems(*, user: "User", project: Project, as_of: date | None = None) -> QuerySet[Problem]:
    """The project's problems, open ones first (the caller read `project` through its scoped selector)."""
    return problem_rows(user=user, as_of=as_of).filter(project=project).order_by("state", "-raised_at")


def open_problem_count(*, user: "User") -> int:
    return Problem.objects.visible_to(user).filter(state__in=OPEN_STATES).count()


def leaders(*, user: "User") -> QuerySet[ProjectLeader]:
    """The leaders in charge of the projects the user may see, by leader."""
    return ProjectLeader.objects.visible_to(user).select_related("user", "project__zone").order_by("user_id")


def task_forces(*, user: "User") -> QuerySet[TaskForce]:
    """The task forces of the user's province (all, for the nation), with only the projects the user may see."""
    projects = Prefetch("projects", queryset=Project.objects.visible_to(user).select_related("zone"))
    return TaskForce.objects.visible_to(user).select_related("lead").prefetch_related("members", projects)


def task_force_projects(*, user: "User", task_force: TaskForce) -> QuerySet[Project]:
    """The task force's projects the user may see, with their open problems' count and next solve deadline."""
    open_problems = Q(problems__state__in=OPEN_STATES)
    return (
        Project.objects.visible_to(user)
        .filter(task_forces=task_force)
        .select_related("zone")
        .annotate(
            open_problems=Count("problems", filter=open_problems, distinct=True),
            next_deadline=Min("problems__solve_due", filter=open_problems),
        )
        .order_by("zone__name", "name")
    )


def task_force_problems(*, user: "User", task_force: TaskForce, as_of: date | None = None) -> QuerySet[Problem]:
    """The open problems of the task force's projects the user may see, with their colour, worst first."""
    return (
        problem_rows(user=user, as_of=as_of)
        .filter(task_force_where(task_force), state__in=OPEN_STATES)
        .order_by("solve_due", "pk")
    )


def task_force_get(*, user: "User", pk: int) -> TaskForce:
    task_force = task_forces(user=user).filter(pk=pk).first()
    if task_force is None:
        raise NotFound
    return task_force


@dataclass(frozen=True)
class WeekProblems:
    """The problems of a scope in a week (Monday `start` to Sunday `end`), for the weekly dispatch pack (周调度)."""

    raised: list[Problem]
    solved: list[Problem]
    overdue: list["Overdue"]  # open at the end of the week (or today, if earlier) past a running deadline
    as_of: date


@dataclass(frozen=True)
class Overdue:
    """An overdue problem and the days since its earliest missed deadline that still runs."""

    problem: Problem
    days: int


def _overdue(problem: Problem, as_of: date) -> Overdue:
    dates = clock.Deadlines(plan=problem.plan_due, reply=problem.reply_due, solve=problem.solve_due)
    missed = [dates.of(name) for name in clock.OPEN_DEADLINES[problem.state] if dates.of(name) < as_of]
    return Overdue(problem=problem, days=(as_of - min(missed)).days if missed else 0)


def week_problems(*, user: "User", where: Q, start: date, end: date, today: date | None = None) -> WeekProblems:
    """Problems raised and solved in the week, and those overdue at its end, among the user's problems matching
    `where` (a scope's or a task force's Q over problems), with the zone, project, owning org and owner the pack
    prints (no colour: the pack's lists say raised, solved or how many days overdue); one query for the three
    lists, whatever the number of problems (a problem raised in the week and overdue at its end is in both)."""
    today = today or timezone.localdate()
    as_of = min(end, today)
    first = timezone.make_aware(datetime.combine(start, time.min))
    after = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    raised_q, solved_q = Q(raised_at__gte=first, raised_at__lt=after), Q(solved_at__gte=first, solved_at__lt=after)
    rows = list(
        Problem.objects.visible_to(user)
        .filter(where)
        .filter(raised_q | solved_q | overdue_q(as_of))
        .select_related("zone", "project", "owner_org", "owner")
        .annotate(
            in_raised=ExpressionWrapper(raised_q, output_field=BooleanField()),
            in_solved=ExpressionWrapper(solved_q, output_field=BooleanField()),
            is_overdue=ExpressionWrapper(overdue_q(as_of), output_field=BooleanField()),
        )
        .order_by("pk")
    )
    return WeekProblems(
        raised=sorted((row for row in rows if row.in_raised), key=lambda row: (row.raised_at, row.pk)),
        solved=sorted((row for row in rows if row.in_solved), key=lambda row: (row.solved_at, row.pk)),
        overdue=[
            _overdue(row, as_of)
            for row in sorted((row for row in rows if row.is_overdue), key=lambda row: (row.solve_due, row.pk))
        ],
        as_of=as_of,
    )


def task_force_where(task_force: TaskForce, *, prefix: str = "") -> Q:
    """A Q selecting rows of the task force's projects (problems: prefix ""; events: "" too, by `project`)."""
    return Q(**{f"{prefix}project__task_forces": task_force})


def my_projects(*, user: "User", month: date | None = None) -> QuerySet[Project]:
    """The projects the user is the leader in charge of or pushes in a task force (as its lead or a member), with
    their open problems' count and next solve deadline, and given a `month` (its first day) the state of that
    month's report (`report_status`: submitted, approved, returned, or None when not reported); one query."""
    mine = Q(leader__user=user) | Q(task_forces__lead=user) | Q(task_forces__members=user)
    open_problems = Q(problems__state__in=OPEN_STATES)
    ids = Project.objects.visible_to(user).filter(mine).values("pk")
    projects = (
        Project.objects.filter(pk__in=ids)
        .select_related("zone")
        .annotate(
            open_problems=Count("problems", filter=open_problems, distinct=True),
            next_deadline=Min("problems__solve_due", filter=open_problems),
        )
        .order_by("zone__name", "name")
    )
    if month is not None:
        report = MonthlyProgress.objects.filter(project=OuterRef("pk"), month=month).values("status")[:1]
        projects = projects.annotate(report_status=Subquery(report))
    return projects


def my_problems(*, user: "User", as_of: date | None = None) -> QuerySet[Problem]:
    """The open problems the user must push: theirs or their org's to solve, or of the projects they lead or push in
    a task force; with their colour, the earliest solve deadline first. One query."""
    mine = (
        Q(owner=user)
        | Q(owner_org_id=user.org_id)
        | Q(project__leader__user=user)
        | Q(project__task_forces__lead=user)
        | Q(project__task_forces__members=user)
    )
    ids = Problem.objects.visible_to(user).filter(mine, state__in=OPEN_STATES).values("pk")
    return problem_rows(user=user, as_of=as_of).filter(pk__in=ids).order_by("solve_due", "pk")


def project_leader(*, user: "User", project: Project) -> ProjectLeader | None:
    """The project's leader in charge, if one is set (the caller read `project` through its scoped selector)."""
    return ProjectLeader.objects.visible_to(user).filter(project=project).select_related("user").first()
