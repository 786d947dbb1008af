"""Every write to problems, leaders in charge and task forces: named verbs, keyword-only, typed, one transaction
each, audited in it (a project's problem on the project's history).

Each step of a problem is a conditional update (`state` as the actor saw it), a `ProblemStep` row and an audit
record; a step that lost a race to another is a `Conflict`, a step out of order a `ValidationError`. Services check
the actor's scope and role themselves, so a page, the API, a command or a task cannot write where the actor may not.
"""

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zoneledger.accounts.choices import BUSINESS_RANK
from zoneledger.accounts.models import OrgUnit
from zoneledger.accounts.scope import org_province, org_scope, zone_is_visible, zone_is_writable, zone_scope
from zoneledger.audit import services as audit
from zoneledger.audit.actions import Action
from zoneledger.core import bulk
from zoneledger.core.attachments import attachment_delete, attachments_add
from zoneledger.core.calendar import WorkingCalendar
from zoneledger.core.errors import Conflict, NotAllowed
from zoneledger.notifications.choices import Kind as NoticeKind
from zoneledger.notifications.services import Notice, notify
from zoneledger.projects.models import Project
from zoneledger.zones.choices import DivisionLevel
from zoneledger.zones.models import Division, Zone

from . import clock, workflow
from .choices import OPEN_STATES, Category, Level, State, Step, Tier
from .models import (
    Problem,
    ProblemAttachment,
    ProblemCategory,
    ProblemStep,
    ProjectLeader,
    TaskForce,
    TaskForceMember,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from zoneledger.accounts.models import User

STEP_ACTIONS = {
    Step.PLAN: Action.PROBLEM_PLAN,
    Step.REPLY: Action.PROBLEM_REPLY,
    Step.SOLVE: Action.PROBLEM_SOLVE,
    Step.CLOSE: Action.PROBLEM_CLOSE,
    Step.REOPEN: Action.PROBLEM_REOPEN,
}
CalendarFor = Callable[[str], clock.Calendar]


def province_calendar(province: str) -> WorkingCalendar:
    """The working-day calendar of a province, with its corrections (one query)."""
    return WorkingCalendar(province)


def categories(province: str) -> list[tuple[str, str]]:
    """The categories a problem of `province` may have: the common ten, then the province's own."""
    own = ProblemCategory.objects.filter(province_id=province).values_list("name", flat=True)
    return [(str(value), str(label)) for value, label in Category.choices] + [(name, name) for name in own]


def _snapshot(problem: Problem) -> dict[str, Any]:
    return {
        "problem": problem.pk,
        "title": problem.title,
        "state": problem.state,
        "tier": problem.tier,
        "solve_due": problem.solve_due,
    }


@transaction.atomic
def problem_raise(
    *,
    actor: "User",
    title: str,
    category: str,
    level: str,
    owner_org: OrgUnit,
    project: Project | None = None,
    zone: Zone | None = None,
    description: str = "",
    owner: "User | None" = None,
    raised_at: datetime | None = None,
    calendar: clock.Calendar | None = None,
) -> Problem:
    """Raise a problem of a project (or, without one, of `zone` as a whole) and start its clock.

    The responsible organisation must cover the problem's zone (the zone's own, its city's or its province's), and
    the responsible person, when given, must belong to it. A year the calendar does not know is refused
    (`CalendarYearUnknown`) unless the operator chose the weekday fallback.
    """
    if project is not None:
        zone = project.zone
    if zone is None:
        raise ValidationError({"project": _("Give the project, or the zone for a matter of the whole zone.")})
    if not zone_is_writable(actor, zone):
        raise NotAllowed(_("You may not raise problems in %(zone)s.") % {"zone": zone})
    errors: dict[str, str] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("Give the problem a title.")
    if category not in dict(categories(zone.province_id)):
        errors["category"] = _("“%(value)s” is not a category of problems.") % {"value": category}
    if level not in Level.values:
        errors["level"] = _("“%(value)s” is not a level of problems.") % {"value": level}
    if not org_scope(owner_org).covers(zone_scope(zone)):
        errors["owner_org"] = _("%(org)s is not responsible for %(zone)s.") % {"org": owner_org, "zone": zone}
    elif owner is not None and owner.org_id != owner_org.pk:
        errors["owner"] = _("%(person)s is not of %(org)s.") % {"person": owner, "org": owner_org}
    if errors:
        raise ValidationError(errors)
    raised_at = raised_at or timezone.now()
    dates = clock.deadlines(raised_at, level, calendar or province_calendar(zone.province_id))
    problem = Problem(
        province_id=zone.province_id,
        zone=zone,
        project=project,
        title=title,
        description=(description or "").strip(),
        category=category,
        level=level,
        raised_by=actor,
        raised_at=raised_at,
        owner_org=owner_org,
        owner=owner,
        plan_due=dates.plan,
        reply_due=dates.reply,
        solve_due=dates.solve,
    )
    problem.full_clean()
    problem.save()
    ProblemStep.objects.create(
        problem=problem,
        step=Step.RAISE,
        to_state=State.RAISED,
        at=raised_at,
        actor=actor,
        note=problem.description,
        tier=problem.tier,
        solve_due=problem.solve_due,
    )
    audit.record(
        actor=actor,
        action=Action.PROBLEM_RAISE,
        obj=problem,
        after=_snapshot(problem) | {"category": category, "level": level, "owner_org": owner_org.pk},
    )
    notify([_owner_notice(problem, kind=NoticeKind.PROBLEM_ASSIGNED, key="assigned", exclude=[actor.pk])])
    return problem


def _url(problem_id: int) -> str:
    return reverse("problems:problem_detail", args=[problem_id])


def _owner_notice(problem: Problem, *, kind: str, key: str, exclude: list[int] | None = None, **params: str) -> Notice:
    """A notice to whoever must act on `problem`: its responsible person, or else its responsible organisation."""
    return Notice(
        kind=kind,
        key=f"problem:{problem.pk}:{key}",
        url=_url(problem.pk),
        params={"title": problem.title, "zone": problem.zone.name} | params,
        province=problem.province_id,
        users=[problem.owner_id] if problem.owner_id else [],
        orgs=[] if problem.owner_id else [problem.owner_org_id],
        exclude=exclude or [],
    )


def actor_facts(actor: "User", problem: Problem) -> workflow.Actor:
    """What the transition rules need to know of `actor` about `problem`."""
    org = actor.org if actor.org_id else None
    return workflow.Actor(
        org_id=actor.org_id,
        org_kind=org.kind if org else "",
        can_edit=bool(actor.can_edit),
        can_review=bool(actor.can_review),
        writes_zone=zone_is_writable(actor, problem.zone),
    )


def may_take(actor: "User", problem: Problem, step: str) -> bool:
    """Whether `actor` may take `step` on `problem` now (its state aside)."""
    raised_by_org = problem.raised_by.org
    return workflow.may_take(
        step,
        actor_facts(actor, problem),
        raised_by_org_id=problem.raised_by.org_id,
        raised_by_org_kind=raised_by_org.kind if raised_by_org else "",
    )


@transaction.atomic
def problem_act(
    *,
    actor: "User",
    problem: Problem,
    step: str,
    note: str = "",
    at: datetime | None = None,
    calendar: clock.Calendar | None = None,
) -> Problem:
    """Take `step` (plan, reply, solve, close, reopen) on `problem`, with the actor's words.

    Refused: NotFound-free 403 for whoever may not take it (`NotAllowed`), a step out of order or without the words
    it needs (`ValidationError`), a problem someone else moved meanwhile (`Conflict`). Reopening starts a new solve
    deadline from the moment it is reopened, at the tier where the problem sits.
    """
    if not zone_is_visible(actor, problem.zone):
        raise NotAllowed
    if step not in workflow.ACTIONS:
        raise ValidationError({"step": _("“%(value)s” is not a step of a problem.") % {"value": step}})
    if not may_take(actor, problem, step):
        if step in workflow.CONFIRMING:
            raise NotAllowed(
                _("Only the side that raised the problem, or a reviewer above it, may close or reopen it.")
            )
        raise NotAllowed(_("You may not act on problems of %(zone)s.") % {"zone": problem.zone})
    target = workflow.next_state(problem.state, step)
    note = workflow.check_note(step, note)
    at = at or timezone.now()
    changes: dict[str, Any] = {"state": target, "version": F("version") + 1}
    if step == Step.SOLVE:
        changes["solved_at"] = at
    if step == Step.CLOSE:
        changes["closed_at"] = at
    if step == Step.REOPEN:
        changes |= {
            "solved_at": None,
            "closed_at": None,
            "solve_due": clock.solve_deadline(at, problem.level, calendar or province_calendar(problem.province_id)),
        }
    before = _snapshot(problem)
    moved = Problem.objects.filter(pk=problem.pk, state=problem.state, version=problem.version).update(**changes)
    if not moved:
        raise Conflict(_("Someone else acted on this problem meanwhile; nothing was saved."), current=problem)
    problem.refresh_from_db()
    ProblemStep.objects.create(
        problem=problem,
        step=step,
        from_state=before["state"],
        to_state=target,
        at=at,
        actor=actor,
        note=note,
        tier=problem.tier,
        solve_due=problem.solve_due,
    )
    audit.record(
        actor=actor,
        action=STEP_ACTIONS[Step(step)],
        obj=problem,
        before={"state": before["state"]},
        after={"state": target, "solve_due": problem.solve_due},
        message=note,
    )
    return problem


@dataclass(frozen=True)
class EscalationRun:
    """What one run of `problem_escalate` did: how many problems moved up, and how many steps they took."""

    problems: int
    steps: int


# What escalation reads of each candidate: no model instances, only the values the rules and the records need.
_ESCALATION_FIELDS = (
    "pk", "province_id", "level", "tier", "solve_due", "state", "title", "project_id", "zone__name", "zone__city_id"
)  # fmt: skip


@transaction.atomic
def problem_escalate(
    *, as_of: date, province: str | None = None, calendar_for: CalendarFor | None = None
) -> EscalationRun:
    """Escalate every open problem past its solve deadline on `as_of` (of one province, or all), as the worker's
    periodic task and `zoneledger escalate` do.

    Idempotent: a problem moves only when its solve deadline has passed, and each move sets a later deadline, so
    a second run for the same day finds nothing to do (clock.escalations). Each problem moved gets one history row
    per tier climbed and one audit record, by no user (the clock moved it).

    Set-based: problems of one province, level, tier and solve deadline make the same moves, so the clock runs once
    per such group and each group moves in one conditional UPDATE (still open, still at that tier and deadline); the
    history rows and the audit records go in as an import's rows do (core.bulk). The candidates are locked first,
    so a group that moved fewer rows than were read means someone acted meanwhile: the run is a `Conflict`, and
    nothing is written (the next run retries). A province's 20,000 problems are a handful of queries per group.
    """
    if province and not Division.objects.filter(code=province, level=DivisionLevel.PROVINCE).exists():
        raise ValidationError({"province": _("“%(value)s” is not the code of a province.") % {"value": province}})
    calendar_for = calendar_for or _calendars()
    candidates = Problem.objects.filter(state__in=OPEN_STATES, solve_due__lt=as_of).exclude(tier=Tier.PROVINCE)
    if province:
        candidates = candidates.filter(province_id=province)
    groups: defaultdict[tuple[str, str, str, date], list[tuple]] = defaultdict(list)
    for row in candidates.select_for_update().order_by("pk").values_list(*_ESCALATION_FIELDS):
        groups[(row[1], row[2], row[3], row[4])].append(row)
    now = timezone.now()
    history: list[tuple] = []
    entries: list[audit.Entry] = []
    arrived: defaultdict[tuple[str, str, str], list[tuple]] = defaultdict(list)  # (tier, division, province) → rows
    for (province_id, level, tier, solve_due), rows in groups.items():
        moves = clock.escalations(
            state=State.RAISED,  # any open state: the candidates are open
            tier=tier,
            level=level,
            solve_due=solve_due,
            as_of=as_of,
            calendar=calendar_for(province_id),
        )
        if not moves:
            continue
        last = moves[-1]
        moved = Problem.objects.filter(
            province_id=province_id, level=level, tier=tier, solve_due=solve_due, state__in=OPEN_STATES
        ).update(tier=last.tier, escalated_on=last.on, solve_due=last.solve_due, version=F("version") + 1)
        if moved != len(rows):
            raise Conflict(_("Problems changed while they were escalated; nothing was escalated."))
        notes = [
            _("Not solved by %(date)s: escalated to the %(tier)s.")
            % {"date": f"{move.on - timedelta(days=1):%Y-%m-%d}", "tier": Tier(move.tier).label}
            for move in moves
        ]
        before = {"tier": tier, "solve_due": solve_due}
        after = {"tier": last.tier, "solve_due": last.solve_due, "escalated_on": last.on}
        for row in rows:
            pk, _province, _level, _tier, _due, state, title, project_id, _zone, city = row
            division = city if last.tier == Tier.CITY else province_id
            arrived[(last.tier, division, province_id)].append(row)
            history.extend(
                (pk, province_id, state, state, move.tier, move.solve_due, note)
                for move, note in zip(moves, notes, strict=True)
            )
            entries.append(
                audit.Entry(
                    obj=_stand_in(id=pk, project_id=project_id, title=title),
                    related=Project.from_db(None, ["id"], [project_id]) if project_id else None,
                    province=province_id,
                    before=before,
                    after=after,
                )
            )
    if not entries:
        return EscalationRun(problems=0, steps=0)
    bulk.insert_rows(
        ProblemStep,
        ["problem", "province", "from_state", "to_state", "tier", "solve_due", "note"],
        history,
        step=Step.ESCALATE.value,
        at=now,
        actor=None,
    )
    batch = audit.new_batch()
    audit.record_bulk(actor=None, action=Action.PROBLEM_ESCALATE, entries=entries, batch=batch)
    notify(_escalation_notices(arrived, batch=str(batch)))
    return EscalationRun(problems=len(entries), steps=len(history))


def _escalation_notices(arrived: dict[tuple[str, str, str], list[tuple]], *, batch: str) -> list[Notice]:
    """Tell each level what reached it: the city's or the province's org, one notice per problem, or one for many."""
    orgs = {
        (kind, division): pk
        for pk, kind, division in OrgUnit.objects.filter(
            Q(kind=Tier.CITY, division_id__in={division for tier, division, _p in arrived if tier == Tier.CITY})
            | Q(kind=Tier.PROVINCE, division_id__in={division for tier, division, _p in arrived if tier != Tier.CITY})
        ).values_list("pk", "kind", "division_id")
    }
    notices = []
    for (tier, division, province), rows in arrived.items():
        org = orgs.get((tier, division))
        if org is None:
            continue
        if len(rows) == 1:
            pk, title, zone = rows[0][0], rows[0][6], rows[0][8]
            notices.append(
                Notice(
                    kind=NoticeKind.PROBLEM_ESCALATED,
                    key=f"problem:{pk}:escalated:{tier}",
                    url=_url(pk),
                    params={"title": title, "zone": zone},
                    province=province,
                    orgs=[org],
                )
            )
        else:
            notices.append(
                Notice(
                    kind=NoticeKind.PROBLEMS_ESCALATED,
                    key=f"escalated:{batch}:{tier}:{division}",
                    url=f"{reverse('problems:problem_list')}?tier={tier}",
                    params={"count": len(rows)},
                    province=province,
                    orgs=[org],
                )
            )
    return notices


def problem_remind(*, as_of: date, calendar_for: CalendarFor | None = None) -> int:
    """Tell whoever must act on an open problem that one of its running deadlines is the next working day after
    `as_of` ("due tomorrow"); how many problems. Each deadline is told once (the notice's key), so the worker may
    run this every hour."""
    calendar_for = calendar_for or _calendars()
    notices = []
    provinces = Problem.objects.open().values_list("province_id", flat=True).distinct().order_by()
    for province in sorted(set(provinces)):
        due = clock.due_by(as_of, calendar_for(province))
        if due <= as_of:
            continue
        running = (
            Q(state=State.RAISED, plan_due=due)
            | Q(state__in=[State.RAISED, State.PLANNED], reply_due=due)
            | Q(state__in=OPEN_STATES, solve_due=due)
        )
        for problem in Problem.objects.filter(running, province_id=province).select_related("zone"):
            dates = clock.Deadlines(plan=problem.plan_due, reply=problem.reply_due, solve=problem.solve_due)
            name = next(name for name in clock.OPEN_DEADLINES[problem.state] if dates.of(name) == due)
            notices.append(
                _owner_notice(
                    problem, kind=NoticeKind.PROBLEM_DUE, key=f"due:{name}:{due}", deadline=name, date=f"{due}"
                )
            )
    notify(notices)
    return len(notices)


def _stand_in(**values: Any) -> Problem:
    """A problem holding only `values` (its id, project and title: what its audit record reads), built as a row read
    from the database is — at a fraction of the constructor's cost, for thousands at a time."""
    names = [field.attname for field in Problem._meta.concrete_fields if field.attname in values]
    return Problem.from_db(None, names, [values[name] for name in names])


def _calendars() -> CalendarFor:
    """A calendar per province, read once for the run."""
    cache: dict[str, clock.Calendar] = {}

    def calendar_for(province: str) -> clock.Calendar:
        if province not in cache:
            cache[province] = province_calendar(province)
        return cache[province]

    return calendar_for


@transaction.atomic
def leader_set(*, actor: "User", project: Project, user: "User | None") -> ProjectLeader | None:
    """Make `user` the leader in charge (包联领导) of `project`, or remove the leader (None).

    The leader must be a business user whose scope covers the project's zone.
    """
    if not zone_is_writable(actor, project.zone):
        raise NotAllowed(_("You may not change projects of %(zone)s.") % {"zone": project.zone})
    current = ProjectLeader.objects.filter(project=project).select_related("user").first()
    before = {"leader": current.user.get_username() if current else ""}
    if user is not None and not zone_is_visible(user, project.zone):
        raise ValidationError(
            {"user": _("%(person)s does not read %(zone)s.") % {"person": user, "zone": project.zone}}
        )
    if user is None:
        if current is not None:
            current.delete()
        leader = None
    else:
        leader, _created = ProjectLeader.objects.update_or_create(
            project=project, defaults={"user": user, "province_id": project.zone.province_id, "since": timezone.now()}
        )
    after = {"leader": user.get_username() if user else ""}
    if after != before:
        audit.record(actor=actor, action=Action.LEADER_SET, obj=project, before=before, after=after)
    return leader


def actor_province(actor: "User") -> str:
    """The province of the actor's org ('' for the nation or an actor without one)."""
    return (org_province(actor.org) or "") if actor.org is not None else ""


def may_keep_task_forces(actor: "User", province: str) -> bool:
    """Whether `actor` may add or change task forces of `province`: a reviewer of a city or the province, in it."""
    kind = actor.org.kind if actor.org is not None else ""
    return bool(actor.can_review) and kind in ("province", "city") and actor_province(actor) == province


def _require_task_force_admin(actor: "User", province: str) -> None:
    if not may_keep_task_forces(actor, province):
        raise NotAllowed(_("Only a reviewer of a city or the province keeps task forces."))


def task_force_people(province: str) -> "QuerySet[User]":
    """Who may lead or join a task force of `province`: the active business users of its orgs (province, its cities
    and zones)."""
    from zoneledger.accounts.models import User

    return (
        User.objects.filter(is_active=True, role__in=list(BUSINESS_RANK))
        .filter(
            Q(org__division_id=province) | Q(org__division__parent_id=province) | Q(org__zone__province_id=province)
        )
        .select_related("org")
        .order_by("org__kind", "org__name", "username")
    )


@transaction.atomic
def task_force_save(
    *,
    actor: "User",
    name: str,
    lead: "User",
    members: list["User"],
    projects: list[Project],
    task_force: TaskForce | None = None,
    expected_version: int | None = None,
) -> TaskForce:
    """Add a task force (专班) of the actor's province, or change one: its name, lead, members and projects.

    Kept by reviewers of a city or the province, in their own province. The lead and the members are business
    users of the province; the projects given must lie in the actor's scope, and a task force's projects outside it
    (a city reviewer editing the province's task force) stay as they are. An edit carries the version it was read
    at: a stale one is a `Conflict`. Refusals write nothing.
    """
    province = actor_province(actor)
    _require_task_force_admin(actor, task_force.province_id if task_force else province)
    if task_force is not None:
        province = task_force.province_id
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Give the task force a name.")
    people = set(
        task_force_people(province).filter(pk__in=[lead.pk, *(m.pk for m in members)]).values_list("pk", flat=True)
    )
    if lead.pk not in people:
        errors["lead"] = _("%(person)s is no business user of this province.") % {"person": lead}
    strangers = [member for member in members if member.pk not in people]
    if strangers:
        errors["members"] = _("%(person)s is no business user of this province.") % {"person": strangers[0]}
    outside = [project for project in projects if not zone_is_visible(actor, project.zone)]
    if outside:
        errors["projects"] = _("%(project)s is not in your scope.") % {"project": outside[0]}
    if errors:
        raise ValidationError(errors)
    before = _task_force_snapshot(task_force) if task_force else None
    if task_force is None:
        task_force = TaskForce(province_id=province)
    else:
        if expected_version is not None:
            moved = TaskForce.objects.filter(pk=task_force.pk, version=expected_version).update(
                version=F("version") + 1
            )
            if not moved:
                raise Conflict(
                    _("Someone else changed this task force meanwhile; nothing was saved."), current=task_force
                )
            task_force.version = expected_version + 1
        # Read afresh: a task force read for a page holds only the projects its reader sees (selectors.task_forces).
        current = Project.objects.filter(task_forces=task_force).select_related("zone")
        hidden = [project for project in current if not zone_is_visible(actor, project.zone)]
        projects = [*projects, *hidden]
    task_force.name, task_force.lead = name, lead
    task_force.full_clean(exclude=["province"])
    task_force.save()
    shard = {"province_id": task_force.province_id}
    task_force.members.set(members, through_defaults=shard)
    task_force.projects.set(projects, through_defaults=shard)
    after = _task_force_snapshot(task_force)
    if after != before:
        audit.record(
            actor=actor,
            action=Action.TASK_FORCE_UPDATE if before else Action.TASK_FORCE_CREATE,
            obj=task_force,
            before=before,
            after=after,
        )
    return task_force


def _task_force_snapshot(task_force: TaskForce) -> dict[str, Any]:
    return {
        "name": task_force.name,
        "lead": task_force.lead.get_username(),
        "members": sorted(
            TaskForceMember.objects.filter(taskforce=task_force).values_list("user__username", flat=True)
        ),
        "projects": sorted(Project.objects.filter(task_forces=task_force).values_list("pk", flat=True)),
    }


# -- attachments -----------------------------------------------------------------------------------------------------


def _problem_for_attachments(actor: "User", problem: Problem) -> Problem:
    """The problem locked and read again, if the actor writes its zone and it is not closed; else refused."""
    if not zone_is_visible(actor, problem.zone):
        raise NotAllowed
    if not zone_is_writable(actor, problem.zone):
        raise NotAllowed(_("You may not act on problems of %(zone)s.") % {"zone": problem.zone})
    locked = Problem.objects.select_for_update().select_related("zone").get(pk=problem.pk)
    if locked.state == State.CLOSED:
        raise Conflict(_("This problem is closed (销号); reopen it to change its photos."))
    return locked


@transaction.atomic
def problem_attachments_add(*, actor: "User", problem: Problem, photos: Sequence[File]) -> list[ProblemAttachment]:
    """Add photos to a problem not yet closed, of a zone the actor writes (the rules of `core.attachments`).

    Refusals, with nothing stored: NotAllowed (zone or role), Conflict (closed), ValidationError on `photos` (not a
    JPEG, PNG or WebP by its content, too large, damaged, too many).
    """
    problem = _problem_for_attachments(actor, problem)
    existing = problem.attachments.count()
    added = attachments_add(
        ProblemAttachment,
        photos,
        existing=existing,
        actor=actor,
        owner={"problem": problem, "province_id": problem.province_id},
    )
    after = {"photos": [photo.audit_facts for photo in added]}
    audit.record(actor=actor, action=Action.PROBLEM_ATTACHMENT_ADD, obj=problem, after=after)
    return added


@transaction.atomic
def problem_attachment_remove(*, actor: "User", attachment: ProblemAttachment) -> None:
    """Remove a photo from a problem not yet closed; its files go once the removal commits."""
    problem = _problem_for_attachments(actor, attachment.problem)
    before = {"photo": attachment_delete(attachment)}
    audit.record(actor=actor, action=Action.PROBLEM_ATTACHMENT_REMOVE, obj=problem, before=before)
