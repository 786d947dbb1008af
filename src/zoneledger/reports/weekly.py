"""The weekly dispatch pack (周调度) of a scope or a task force: what the dispatch meeting reads (DOMAIN.md §9).

For a week (Monday to Sunday): the stage changes recorded as happening in it, the problems raised and solved in
it and those overdue at its end (with their owners and days overdue), the 签约未开工 projects past the warning
thresholds at its end (`figures.signed_not_started`, the warnings page's own list), the milestones due by the end
of the next week (the overdue among them) and the monthly reports still missing (of the latest month already due).
A fixed number of queries, whatever the size of the scope.

`pack_parts` lays the lists out as the printed pack's parts (title, columns, rows of plain values), so that the
workbook and the Word document print the same columns from one definition.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zoneledger.accounts.scope import Scope
from zoneledger.milestones import selectors as milestone_selectors
from zoneledger.problems import selectors as problem_selectors
from zoneledger.problems.models import Problem, TaskForce
from zoneledger.progress import selectors as progress_selectors
from zoneledger.projects.models import StageEvent

from . import figures
from .presenters import LEVEL_TEXT

if TYPE_CHECKING:
    from zoneledger.accounts.models import User

# Milestones due "in the next two weeks": to the end of the week after the pack's.
MILESTONE_WEEKS = 2
REPORT_STATE_TEXT = {"missing": gettext_lazy("Not submitted"), "draft": gettext_lazy("Draft, not submitted")}


def week_of(day: date) -> tuple[date, date]:
    """The Monday and Sunday of the week `day` falls in."""
    start = day - timedelta(days=day.weekday())
    return start, start + timedelta(days=6)


@dataclass(frozen=True)
class WeeklyPack:
    title: str  # the scope's or the task force's name
    start: date
    end: date
    stage_changes: list[StageEvent]
    problems: problem_selectors.WeekProblems
    signed_not_started: list[figures.SignedNotStarted]
    milestones: list[milestone_selectors.DueMilestone]  # due by `milestones_until`, not done
    milestones_until: date
    report_month: date  # the latest month whose reports were due by the pack's day
    missing_reports: list[progress_selectors.MonthRow]


def weekly_pack(
    *, user: "User", scope: Scope, day: date, task_force: TaskForce | None = None, today: date | None = None
) -> WeeklyPack:
    """The pack of the week `day` falls in, for `scope` or, when given, the projects of `task_force`."""
    start, end = week_of(day)
    today = today or timezone.localdate()
    as_of = min(end, today)
    if task_force is not None:
        project_ids = list(task_force.projects.values_list("pk", flat=True))
        events_where, problems_where = Q(project__in=project_ids), Q(project__in=project_ids)
    else:
        events_where, problems_where = (
            scope.q("project__zone__", province="province_id"),
            scope.q("zone__", province="province_id"),
        )
    changes = list(
        StageEvent.objects.visible_to(user)
        .live()
        .filter(events_where, happened_on__gte=start, happened_on__lte=end)
        .select_related("project__zone")
        .order_by("happened_on", "project__name", "pk")
    )
    warnings = [row for row in figures.signed_not_started(user=user, scope=scope, as_of=as_of) if row.level]
    until = start + timedelta(weeks=MILESTONE_WEEKS, days=-1)
    milestones = milestone_selectors.milestones_due(
        user=user, scope=scope, as_of=as_of, until=until, projects=project_ids if task_force is not None else None
    )
    report_month = progress_selectors.last_due_month(as_of)
    missing = progress_selectors.late_reports(user=user, month=report_month, today=as_of, scope=scope)
    if task_force is not None:
        warnings = [row for row in warnings if row.project_id in project_ids]
        missing = [row for row in missing if row.project.pk in project_ids]
    return WeeklyPack(
        title=task_force.name if task_force is not None else scope.name,
        start=start,
        end=end,
        stage_changes=changes,
        problems=problem_selectors.week_problems(user=user, where=problems_where, start=start, end=end, today=today),
        signed_not_started=warnings,
        milestones=milestones,
        milestones_until=until,
        report_month=report_month,
        missing_reports=missing,
    )


@dataclass(frozen=True)
class Column:
    heading: str
    width: int  # characters in the workbook; the document gives each column its share of the page's width


@dataclass(frozen=True)
class Part:
    """One part of the printed pack: its title, its columns and its rows (text, whole numbers or dates)."""

    title: str
    columns: list[Column]
    rows: list[tuple[str | int | date, ...]]


def _problem_columns() -> list[Column]:
    return [
        Column(_("Problem"), 30),
        Column(_("Project"), 26),
        Column(_("Zone"), 18),
        Column(_("Responsible"), 22),
        Column(_("State"), 10),
        Column(_("Solve due"), 11),
    ]


def _problem_row(problem: Problem, *extra: str | int) -> tuple[str | int | date, ...]:
    owner = str(problem.owner_org) + (f" · {problem.owner}" if problem.owner_id else "")
    return (
        problem.title,
        problem.project.name if problem.project else _("(whole zone)"),
        problem.zone.name,
        owner,
        problem.get_state_display(),
        problem.solve_due,
        *extra,
    )


def pack_parts(pack: WeeklyPack) -> list[Part]:
    """The pack's lists in print order, each as a part of the workbook (a sheet) and of the document (a table)."""
    month = f"{pack.report_month:%Y-%m}"
    light_label = milestone_selectors.light_label
    return [
        Part(
            _("Stage changes"),
            [Column(_("Date"), 11), Column(_("Project"), 36), Column(_("Zone"), 24), Column(_("Stage"), 16)],
            [
                (event.happened_on, event.project.name, event.project.zone.name, event.get_stage_display())
                for event in pack.stage_changes
            ],
        ),
        Part(_("Problems raised"), _problem_columns(), [_problem_row(p) for p in pack.problems.raised]),
        Part(_("Problems solved"), _problem_columns(), [_problem_row(p) for p in pack.problems.solved]),
        Part(
            _("Problems overdue"),
            [*_problem_columns(), Column(_("Days overdue"), 8), Column(_("Sits at"), 8)],
            [_problem_row(late.problem, late.days, late.problem.get_tier_display()) for late in pack.problems.overdue],
        ),
        Part(
            _("Signed, not started"),
            [
                Column(_("Project"), 36),
                Column(_("Zone"), 24),
                Column(_("Signed on"), 11),
                Column(_("Days since signing"), 10),
                Column(_("Level"), 8),
            ],
            [
                (row.name, row.zone, row.signed_on, row.days, str(LEVEL_TEXT[row.level]))
                for row in pack.signed_not_started
            ],
        ),
        Part(
            _("Milestones due by %(date)s") % {"date": pack.milestones_until.isoformat()},
            [
                Column(_("Planned date"), 11),
                Column(_("Milestone"), 30),
                Column(_("Project"), 30),
                Column(_("Zone"), 20),
                Column(_("Owner"), 14),
                Column(_("Light"), 8),
            ],
            [
                (m.planned_on, m.title, m.project.name, m.project.zone, m.owner or "—", light_label(m))
                for m in pack.milestones
            ],
        ),
        Part(
            _("Monthly reports missing for %(month)s") % {"month": month},
            [Column(_("Project"), 40), Column(_("Zone"), 28), Column(_("Report"), 16)],
            [
                (row.project.name, row.project.zone.name, str(REPORT_STATE_TEXT[row.state]))
                for row in pack.missing_reports
            ],
        ),
    ]
