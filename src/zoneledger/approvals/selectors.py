"""Reads of approval items that serve a user: each takes `user=` and starts from `visible_to(user)`."""

from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from zoneledger.accounts.scope import Scope
from zoneledger.projects.models import Project

from .choices import ApprovalState, Matter
from .models import ApprovalItem

if TYPE_CHECKING:
    from zoneledger.accounts.models import User


def project_approvals(*, user: "User", project: Project) -> list[tuple[str, str, ApprovalItem | None]]:
    """The project's checklist: every matter in order, with its item when there is one (matter, label, item).

    Items linked to the project, and any still unmatched that carry its code, count: the checklist is right the
    moment the code is set, before the match has run.
    """
    linked = Q(project=project)
    if project.code:
        linked |= Q(project__isnull=True, project_code=project.code)
    items = {item.matter: item for item in ApprovalItem.objects.visible_to(user).filter(linked)}
    return [(matter.value, str(matter.label), items.get(matter.value)) for matter in Matter]


def approval_list(
    *,
    user: "User",
    scope: Scope | None = None,
    unmatched: bool = False,
    state: str | None = None,
    decided_in: int | None = None,
) -> QuerySet[ApprovalItem]:
    """The items the user may see (of `scope`, through their project or their zone), unmatched ones only when
    asked, of one state and decided in one year when given; ordered by code and matter."""
    items = ApprovalItem.objects.visible_to(user).select_related("project__zone", "zone")
    if unmatched:
        items = items.unmatched()
    if scope is not None and scope.kind != "nation":
        items = items.filter(
            scope.q("project__zone__")
            | Q(project__isnull=True, zone__isnull=False) & scope.q("zone__")
            | Q(project__isnull=True, zone__isnull=True, province_code=scope.province)
        )
    if state:
        items = items.filter(state=state)
    if decided_in:
        items = items.filter(decided_on__year=decided_in)
    return items.order_by("project_code", "matter")


def done_by_zone(*, user: "User", scope: Scope, year: int) -> list[tuple[str | None, int]]:
    """How many items of `scope` each zone had done (已办) in `year` — handled online, through the platform — most
    first, zones without any left out: one grouped query over `approval_list(state=done, decided_in=year)`, the
    list the dashboard links to, so the counts add up to it. Items no zone holds yet (a province's unplaced ones)
    count under None."""
    rows = (
        approval_list(user=user, scope=scope, state=ApprovalState.DONE, decided_in=year)
        .order_by()
        .values("zone__name")
        .annotate(done=Count("pk"))
        .order_by("-done", "zone__name")
    )
    return [(row["zone__name"], row["done"]) for row in rows]
