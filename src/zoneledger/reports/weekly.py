"""The weekly dispatch pack (周调度) of a scope or a task force: what the dispatch meeting reads (DOMAIN.md §9).

For a week (Monday to Sunday): the stage changes recorded as happening in it, the problems raised and solved in
it and those overdue at its end (with their owners and days overdue), and the 签约未开工 projects past the
warning thresholds at its end (`figures.signed_not_started`, the warnings page's own list). Missing monthly reports
and milestones due join it when their apps land. A fixed number of queries, whatever the size of the scope.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from zoneledger.accounts.scope import Scope
from zoneledger.problems import selectors as problem_selectors
from zoneledger.problems.models import TaskForce
from zoneledger.projects.models import StageEvent

from . import figures

if TYPE_CHECKING:
    from zoneledger.accounts.models import User


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
        events_where, problems_where = scope.q("project__zone__"), scope.q("zone__")
    changes = list(
        StageEvent.objects.visible_to(user)
        .live()
        .filter(events_where, happened_on__gte=start, happened_on__lte=end)
        .select_related("project__zone")
        .order_by("happened_on", "project__name", "pk")
    )
    warnings = [row for row in figures.signed_not_started(user=user, scope=scope, as_of=as_of) if row.level]
    if task_force is not None:
        warnings = [row for row in warnings if row.project_id in project_ids]
    return WeeklyPack(
        title=task_force.name if task_force is not None else scope.name,
        start=start,
        end=end,
        stage_changes=changes,
        problems=problem_selectors.week_problems(user=user, where=problems_where, start=start, end=end, today=today),
        signed_not_started=warnings,
    )
