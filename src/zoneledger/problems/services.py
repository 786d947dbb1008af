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
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from zoneledger.accounts.models import OrgUnit
from zoneledger.accounts.scope import org_province, org_scope, zone_is_visible, zone_is_writable, zone_scope
from zoneledger.audit import services as audit
from zoneledger.audit.actions import Action
from zoneledger.core.attachments import attachment_delete, attachments_add
from zoneledger.core.calendar import WorkingCalendar
from zoneledger.core.errors import Conflict, NotAllowed
from zoneledger.projects.models import Project
from zoneledger.zones.models import Zone

from . import clock, workflow
from .choices import OPEN_STATES, Category, Level, State, Step, Tier
from .models import Problem, ProblemAttachment, ProblemCategory, ProblemStep, ProjectLeader, TaskForce

if TYPE_CHECKING:
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
    """The working-day calendar of a province, with its corrections (two queries)."""
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
    return problem


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


@transaction.atomic
def problem_escalate(
    *, as_of: date, province: str | None = None, calendar_for: CalendarFor | None = None, batch_size: int = 2000
) -> EscalationRun:
    """Escalate every open problem past its solve deadline on `as_of` (of one province, or all), as the worker's
    periodic task and `zoneledger escalate` do.

    Idempotent: a problem moves only when its solve deadline has passed, and each move sets a later deadline, so
    a second run for the same day finds nothing to do (clock.escalations). Each problem moved gets one history row
    per tier climbed and one audit record, by no user (the clock moved it). Writes are bulk: a run over a province's
    20,000 problems is a few queries per batch.
    """
    calendar_for = calendar_for or _calendars()
    candidates = Problem.objects.filter(state__in=OPEN_STATES, solve_due__lt=as_of).exclude(tier=Tier.PROVINCE)
    if province:
        candidates = candidates.filter(province_id=province)
    moved_problems = steps = 0
    batch = audit.new_batch()
    pks = list(candidates.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), batch_size):
        rows = list(
            Problem.objects.filter(pk__in=pks[start : start + batch_size])
            .select_related("project")
            .select_for_update(of=("self",))
        )
        changed, history, entries = [], [], []
        for problem in rows:
            moves = clock.escalations(
                state=problem.state,
                tier=problem.tier,
                level=problem.level,
                solve_due=problem.solve_due,
                as_of=as_of,
                calendar=calendar_for(problem.province_id),
            )
            if not moves:
                continue
            before = {"tier": problem.tier, "solve_due": problem.solve_due}
            for move in moves:
                history.append(
                    ProblemStep(
                        problem=problem,
                        step=Step.ESCALATE,
                        from_state=problem.state,
                        to_state=problem.state,
                        at=timezone.now(),
                        tier=move.tier,
                        solve_due=move.solve_due,
                        note=_("Not solved by %(date)s: escalated to the %(tier)s.")
                        % {"date": f"{move.on - timedelta(days=1):%Y-%m-%d}", "tier": Tier(move.tier).label},
                    )
                )
            last = moves[-1]
            problem.tier, problem.escalated_on, problem.solve_due = last.tier, last.on, last.solve_due
            problem.version += 1
            changed.append(problem)
            entries.append(
                audit.Entry(
                    obj=problem,
                    before=before,
                    after={"tier": last.tier, "solve_due": last.solve_due, "escalated_on": last.on},
                )
            )
        # One UPDATE per (tier, day, deadline): problems raised the same day move together, so a province's run is a
        # few statements, where bulk_update's CASE over thousands of rows costs more than all the rest.
        moved: defaultdict[tuple[str, date | None, date], list[int]] = defaultdict(list)
        for problem in changed:
            moved[(problem.tier, problem.escalated_on, problem.solve_due)].append(problem.pk)
        for (tier, on, solve_due), group in moved.items():
            Problem.objects.filter(pk__in=group).update(
                tier=tier, escalated_on=on, solve_due=solve_due, version=F("version") + 1
            )
        ProblemStep.objects.bulk_create(history)
        if entries:
            audit.record_bulk(actor=None, action=Action.PROBLEM_ESCALATE, entries=entries, batch=batch)
        moved_problems += len(changed)
        steps += len(history)
    return EscalationRun(problems=moved_problems, steps=steps)


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


def _actor_province(actor: "User") -> str:
    """The province of the actor's org ('' for the nation or an actor without one)."""
    return (org_province(actor.org) or "") if actor.org is not None else ""


def _require_task_force_admin(actor: "User", province: str) -> None:
    """Task forces are kept by reviewers of a city or the province, in their own province."""
    kind = actor.org.kind if actor.org is not None else ""
    if not actor.can_review or kind not in ("province", "city"):
        raise NotAllowed(_("Only a reviewer of a city or the province keeps task forces."))
    if _actor_province(actor) != province:
        raise NotAllowed


@transaction.atomic
def task_force_save(
    *,
    actor: "User",
    name: str,
    lead: "User",
    members: list["User"],
    projects: list[Project],
    task_force: TaskForce | None = None,
) -> TaskForce:
    """Add a task force (专班) of the actor's province, or change one: its name, lead, members and projects.

    Every project must lie in the actor's scope.
    """
    province = _actor_province(actor)
    _require_task_force_admin(actor, task_force.province_id if task_force else province)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the task force a name.")})
    outside = [project for project in projects if not zone_is_visible(actor, project.zone)]
    if outside:
        raise ValidationError({"projects": _("%(project)s is not in your scope.") % {"project": outside[0]}})
    before = _task_force_snapshot(task_force) if task_force else None
    if task_force is None:
        task_force = TaskForce(province_id=province)
    task_force.name, task_force.lead = name, lead
    task_force.full_clean(exclude=["province"])
    task_force.save()
    task_force.members.set(members)
    task_force.projects.set(projects)
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
        "members": sorted(task_force.members.values_list("username", flat=True)),
        "projects": sorted(task_force.projects.values_list("pk", flat=True)),
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
    added = attachments_add(ProblemAttachment, photos, existing=existing, actor=actor, owner={"problem": problem})
    after = {"photos": [photo.audit_facts for photo in added]}
    audit.record(actor=actor, action=Action.PROBLEM_ATTACHMENT_ADD, obj=problem, after=after)
    return added


@transaction.atomic
def problem_attachment_remove(*, actor: "User", attachment: ProblemAttachment) -> None:
    """Remove a photo from a problem not yet closed; its files go once the removal commits."""
    problem = _problem_for_attachments(actor, attachment.problem)
    before = {"photo": attachment_delete(attachment)}
    audit.record(actor=actor, action=Action.PROBLEM_ATTACHMENT_REMOVE, obj=problem, before=before)
