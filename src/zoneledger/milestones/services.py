"""Every write to milestones: named verbs, keyword-only, typed, one transaction each, audited in it.

Each checks that the actor may write the project's zone (PermissionDenied otherwise), so the page, the API, the
command and the demo builder write alike. Dates are refused with a ValidationError naming the field.
"""

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from zoneledger.accounts.scope import zone_is_writable
from zoneledger.audit import services as audit
from zoneledger.audit.actions import Action
from zoneledger.core.calendar import WorkingCalendar
from zoneledger.core.errors import Conflict
from zoneledger.projects.choices import Stage
from zoneledger.projects.models import Project
from zoneledger.workdays.permissions import kept_province

from .choices import MilestoneKind
from .models import Milestone, MilestoneMove, PlanTemplate
from .schedule import PlannedStep, Step, check_steps, plan_backwards

if TYPE_CHECKING:
    from zoneledger.accounts.models import User

FACTS = ("title", "kind", "stage", "planned_on", "done_on", "owner", "note", "dropped", "drop_reason")


class StaleMilestone(Conflict):
    """The milestone changed since the editor loaded it; `current` is the milestone as it is now."""

    def __init__(self, current: Milestone):
        super().__init__(
            _("Someone else changed this milestone meanwhile; your change was not saved."), current=current
        )


def _require_writable(actor: "User", project: Project) -> None:
    if not zone_is_writable(actor, project.zone):
        raise PermissionDenied(_("You may not change projects of %(zone)s.") % {"zone": project.zone})


def snapshot(milestone: Milestone) -> dict[str, Any]:
    """The milestone's facts as JSON-able values, for the audit trail."""
    return {name: getattr(milestone, name) for name in FACTS}


def _locked(milestone: Milestone, expected_version: int | None) -> Milestone:
    current = Milestone.objects.select_for_update().select_related("project__zone").get(pk=milestone.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleMilestone(current)
    if current.dropped:
        raise ValidationError(_("The milestone “%(title)s” was dropped.") % {"title": current.title})
    return current


def _save(current: Milestone) -> Milestone:
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    return current


def _clean(milestone: Milestone) -> None:
    if milestone.kind == MilestoneKind.STAGE_TARGET and not milestone.stage:
        raise ValidationError({"stage": _("A stage target names the stage to reach.")})
    if milestone.kind != MilestoneKind.STAGE_TARGET:
        milestone.stage = ""
    milestone.full_clean(exclude=["project"])


def _check_done_on(done_on: date) -> None:
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("The date done is in the future.")})


def calendar_for(project: Project) -> WorkingCalendar:
    """The working days of the project's province (its corrections read once)."""
    return WorkingCalendar(project.zone.province_id)


def milestones_schedule(*, project: Project, template: PlanTemplate, target: date) -> list[PlannedStep]:
    """The dates `template` gives working back from `target` in the project's province, without writing; raises
    schedule.Infeasible when the plan would have begun before today."""
    return plan_backwards(
        template.schedule_steps(), target=target, calendar=calendar_for(project), today=timezone.localdate()
    )


@transaction.atomic
def milestones_plan(
    *, actor: "User", project: Project, template: PlanTemplate, target: date, allow_late: bool = False
) -> list[Milestone]:
    """Add the project's milestones from `template`, scheduled backwards from `target` (倒排工期).

    A target that cannot be met raises schedule.Infeasible (with the first step's date) unless `allow_late`,
    when the plan is written as it is and its first milestones are red at once. The zone may adjust the milestones
    afterwards (move, drop, add).
    """
    _require_writable(actor, project)
    if template.province_code and template.province_code != project.zone.province_id:
        raise ValidationError({"template": _("The template is another province's.")})
    today = None if allow_late else timezone.localdate()
    planned = plan_backwards(template.schedule_steps(), target=target, calendar=calendar_for(project), today=today)
    position = (project.milestones.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    milestones = [
        Milestone(
            project=project,
            province_id=project.province_id,
            title=step.title,
            kind=step.step.kind,
            stage=step.step.stage,
            planned_on=step.planned_on,
            position=position + index,
            plan=template.name,
        )
        for index, step in enumerate(planned)
    ]
    for milestone in milestones:
        _clean(milestone)
    Milestone.objects.bulk_create(milestones)
    audit.record(
        actor=actor,
        action=Action.MILESTONE_PLAN,
        obj=project,
        # Plain values under keys that name no field of the project: its history shows each as a line.
        after={"plan": template.name, "target": target},
        message="; ".join(f"{step.title} {step.planned_on.isoformat()}" for step in planned),
    )
    return milestones


@transaction.atomic
def milestone_create(
    *,
    actor: "User",
    project: Project,
    title: str,
    planned_on: date,
    kind: str = MilestoneKind.CONSTRUCTION,
    stage: str = "",
    owner: str = "",
    note: str = "",
) -> Milestone:
    """Add one milestone to a project by hand."""
    _require_writable(actor, project)
    position = (project.milestones.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    milestone = Milestone(
        project=project,
        title=title,
        planned_on=planned_on,
        kind=kind,
        stage=stage,
        owner=owner,
        note=note,
        position=position,
    )
    _clean(milestone)
    milestone.save()
    audit.record(actor=actor, action=Action.MILESTONE_CREATE, obj=milestone, after=snapshot(milestone))
    return milestone


@transaction.atomic
def milestone_update(
    *,
    actor: "User",
    milestone: Milestone,
    expected_version: int | None = None,
    title: str,
    kind: str,
    stage: str = "",
    owner: str = "",
    note: str = "",
) -> Milestone:
    """Change a milestone's title, kind, owner and note (its date moves with `milestone_move`, with a reason)."""
    _require_writable(actor, milestone.project)
    current = _locked(milestone, expected_version)
    before = snapshot(current)
    current.title, current.kind, current.stage, current.owner, current.note = title, kind, stage, owner, note
    _clean(current)
    after = snapshot(current)
    if after == before:
        return current
    current = _save(current)
    changed = [name for name in FACTS if after[name] != before[name]]
    audit.record(
        actor=actor,
        action=Action.MILESTONE_UPDATE,
        obj=current,
        before={name: before[name] for name in changed},
        after={name: after[name] for name in changed},
    )
    return current


@transaction.atomic
def milestone_move(
    *, actor: "User", milestone: Milestone, planned_on: date, reason: str, expected_version: int | None = None
) -> Milestone:
    """Move a milestone's planned date, with the reason; the old date stays in its moves (and the audit trail)."""
    _require_writable(actor, milestone.project)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for moving the milestone.")})
    current = _locked(milestone, expected_version)
    if current.planned_on == planned_on:
        raise ValidationError({"planned_on": _("The milestone is already planned for that date.")})
    old = current.planned_on
    MilestoneMove.objects.create(milestone=current, from_date=old, to_date=planned_on, reason=reason, moved_by=actor)
    current.planned_on = planned_on
    current = _save(current)
    audit.record(
        actor=actor,
        action=Action.MILESTONE_MOVE,
        obj=current,
        before={"planned_on": old},
        after={"planned_on": planned_on},
        message=reason,
    )
    return current


@transaction.atomic
def milestone_complete(
    *, actor: "User", milestone: Milestone, done_on: date, expected_version: int | None = None
) -> Milestone:
    """Record that a milestone was done on `done_on` (not in the future)."""
    _require_writable(actor, milestone.project)
    _check_done_on(done_on)
    current = _locked(milestone, expected_version)
    before = current.done_on
    current.done_on = done_on
    current = _save(current)
    audit.record(
        actor=actor, action=Action.MILESTONE_DONE, obj=current, before={"done_on": before}, after={"done_on": done_on}
    )
    return current


@transaction.atomic
def milestone_drop(
    *, actor: "User", milestone: Milestone, reason: str, expected_version: int | None = None
) -> Milestone:
    """Drop a milestone that no longer applies, with the reason. It stays in the project's history, struck out."""
    _require_writable(actor, milestone.project)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for dropping the milestone.")})
    current = _locked(milestone, expected_version)
    current.dropped, current.drop_reason = True, reason
    current = _save(current)
    audit.record(actor=actor, action=Action.MILESTONE_DROP, obj=current, after={"dropped": True}, message=reason)
    return current


def _check_template_steps(steps: list[Step]) -> None:
    """Each step's kind and stage known, a stage target naming its stage; then schedule.check_steps."""
    for position, step in enumerate(steps, start=1):
        where = {"position": position, "title": step.title}
        if step.kind not in MilestoneKind.values:
            raise ValidationError({"steps": _("Step %(position)s (“%(title)s”): unknown kind.") % where})
        if step.stage and step.stage not in Stage.values:
            raise ValidationError({"steps": _("Step %(position)s (“%(title)s”): unknown stage.") % where})
        if step.kind == MilestoneKind.STAGE_TARGET and not step.stage:
            raise ValidationError(
                {"steps": _("Step %(position)s (“%(title)s”): a stage target names the stage to reach.") % where}
            )
    try:
        check_steps(steps)
    except ValueError:
        raise ValidationError(
            {"steps": _("A template needs at least one step, each with a title and 0 or more working days.")}
        ) from None


@transaction.atomic
def template_save(
    *, actor: "User", template: PlanTemplate | None = None, name: str, description: str = "", steps: list[Step]
) -> PlanTemplate:
    """Create a plan template of the actor's province (`template` None) or change one of its own.

    Only a province's business administrator keeps its templates (PermissionDenied otherwise, and for a national
    template or another province's). The name is unique in the province. Milestones already planned keep their
    dates: a template is read when a plan is made, not after.
    """
    province = kept_province(actor)
    if province is None or (template is not None and template.province_code != province):
        raise PermissionDenied(_("Only your province's business administrator keeps its plan templates."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the template a name.")})
    _check_template_steps(steps)
    taken = PlanTemplate.objects.filter(province_code=province, name=name)
    if template is not None:
        taken = taken.exclude(pk=template.pk)
    if taken.exists():
        raise ValidationError({"name": _("Your province already has a template called “%(name)s”.") % {"name": name}})
    current = PlanTemplate.objects.select_for_update().get(pk=template.pk) if template is not None else None
    before = None if current is None else _template_facts(current)
    current = current or PlanTemplate(province_code=province)
    current.name, current.description = name, description.strip()
    current.steps = [step.as_json() for step in steps]
    after = _template_facts(current)
    if after == before:
        return current
    current.full_clean()
    current.save()
    audit.record(actor=actor, action=Action.PLAN_TEMPLATE_SAVE, obj=current, before=before, after=after)
    return current


def _template_facts(template: PlanTemplate) -> dict[str, Any]:
    return {"name": template.name, "description": template.description, "steps": template.steps}
