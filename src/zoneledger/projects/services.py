"""Every write to the ledger: named verbs, keyword-only, one transaction each, audited in that transaction.

Services check the actor's scope themselves (PermissionDenied), so a view, the API, an import or
a command cannot write where the actor may not.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from zoneledger.accounts.scope import zone_is_writable
from zoneledger.audit import services as audit
from zoneledger.audit.actions import Action
from zoneledger.core.codes import validate_uscc
from zoneledger.core.errors import Conflict

from .choices import ProgressStatus, Stage
from .models import Enterprise, MonthlyProgress, Project, StageEvent
from .workflow import LiveEvent, check_stage_order, current_stage

PROJECT_FACTS = (
    "code",
    "name",
    "zone",
    "enterprise",
    "enterprise_name",
    "industry_code",
    "chain",
    "chain_link",
    "total_investment",
    "land_mu",
    "expected_output",
    "expected_tax",
    "actual_output",
    "construction_content",
    "leader_in_charge",
    "task_force",
    "key_level",
    "is_illustrative",
)


class StaleEdit(Conflict):
    """The project changed since the editor loaded it; `current` is the project as it is now."""

    def __init__(self, current):
        super().__init__(_("Someone else changed this project meanwhile; your edit was not saved."), current=current)


def _require_writable(actor, zone):
    if not zone_is_writable(actor, zone):
        raise PermissionDenied(_("You may not change projects of %(zone)s.") % {"zone": zone})


def project_snapshot(project):
    """The project's facts as JSON-able values, for the audit trail and for showing what changed."""
    return model_to_dict(project, fields=PROJECT_FACTS)


def _clean_project(project):
    if project.chain_link_id and project.chain_link.chain_id != project.chain_id:
        raise ValidationError({"chain_link": _("The link does not belong to the chosen chain.")})
    project.full_clean()


@transaction.atomic
def project_create(*, actor, zone, name, total_investment, **facts):
    """Add a project to a zone's ledger."""
    _require_writable(actor, zone)
    unknown = set(facts) - set(PROJECT_FACTS)
    if unknown:
        raise TypeError(f"unknown project facts: {sorted(unknown)}")
    project = Project(zone=zone, name=name, total_investment=total_investment, **facts)
    if project.code == "":
        project.code = None
    _clean_project(project)
    project.save()
    audit.record(actor=actor, action=Action.PROJECT_CREATE, obj=project, after=project_snapshot(project))
    return project


@transaction.atomic
def project_update(*, actor, project, expected_version, **changes):
    """Change a project's facts, refusing a stale edit (the version moved since the editor loaded it)."""
    _require_writable(actor, project.zone)
    unknown = set(changes) - set(PROJECT_FACTS)
    if unknown:
        raise TypeError(f"unknown project facts: {sorted(unknown)}")
    current = Project.objects.select_for_update().get(pk=project.pk)
    if current.version != expected_version:
        raise StaleEdit(current)
    before = project_snapshot(current)
    for field, value in changes.items():
        setattr(current, field, value)
    if current.code == "":
        current.code = None
    _clean_project(current)
    after = project_snapshot(current)
    if after == before:
        return current
    # The new zone must be writable too: a project may not be moved out of the actor's scope.
    _require_writable(actor, current.zone)
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    changed = {field: after[field] for field in after if after[field] != before[field]}
    audit.record(
        actor=actor,
        action=Action.PROJECT_UPDATE,
        obj=current,
        before={field: before[field] for field in changed},
        after=changed,
    )
    return current


def _live_events(project):
    return [LiveEvent(stage, day) for stage, day in project.events.live().values_list("stage", "happened_on")]


def _refresh_stage(project):
    stage = current_stage(event.stage for event in _live_events(project))
    Project.objects.filter(pk=project.pk).update(stage=stage)
    project.stage = stage


@transaction.atomic
def record_stage(*, actor, project, stage, happened_on, round=None, note="", recorded_at=None):
    """Record that `project` reached `stage` on `happened_on`, refusing what breaks the lifecycle rules."""
    _require_writable(actor, project.zone)
    # Lock the project so two people recording stages of it at once are checked one after the other.
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if stage not in Stage.values:
        raise ValidationError({"stage": _("“%(value)s” is not a stage.") % {"value": stage}})
    if round is not None and round.province_id != project.zone.province_id:
        raise ValidationError({"round": _("Round %(label)s is another province's.") % {"label": round.label}})
    check_stage_order(_live_events(locked), stage, happened_on, today=timezone.localdate())
    event = StageEvent.objects.create(
        project=locked,
        stage=stage,
        happened_on=happened_on,
        round=round,
        note=note,
        recorded_by=actor,
        recorded_at=recorded_at or timezone.now(),
    )
    _refresh_stage(project)
    audit.record(
        actor=actor,
        action=Action.STAGE_RECORD,
        obj=project,
        after={
            "event": event.pk,
            "stage": stage,
            "happened_on": happened_on,
            "round": str(round or ""),
            "note": note,
        },
    )
    return event


@transaction.atomic
def void_event(*, actor, event, reason, voided_at=None):
    """Void a wrong stage event with a reason. The event stays, struck through."""
    project = event.project
    _require_writable(actor, project.zone)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for voiding the event.")})
    updated = StageEvent.objects.filter(pk=event.pk, voided=False).update(
        voided=True, void_reason=reason, voided_by=actor, voided_at=voided_at or timezone.now()
    )
    if not updated:
        raise ValidationError({"reason": _("The event is already voided.")})
    event.refresh_from_db()
    _refresh_stage(project)
    audit.record(
        actor=actor,
        action=Action.STAGE_VOID,
        obj=project,
        before={"event": event.pk, "stage": event.stage, "happened_on": event.happened_on},
        message=reason,
    )
    return event


@transaction.atomic
def progress_submit(*, actor, project, month, completed_investment, progress_note="", approve=False):
    """Enter (or correct) a project's completed investment for a month.

    A reviewer's own entry may be approved at once (`approve=True`); an approved month is closed
    to editors and must be returned by a reviewer first.
    """
    _require_writable(actor, project.zone)
    if approve and not actor.can_review:
        raise PermissionDenied(_("Only a reviewer may approve monthly progress."))
    month = month.replace(day=1)
    if month > timezone.localdate():
        raise ValidationError({"month": _("The month is in the future.")})
    now = timezone.now()
    entry = MonthlyProgress.objects.select_for_update().filter(project=project, month=month).first()
    before = None
    if entry is None:
        entry = MonthlyProgress(project=project, month=month)
    else:
        if entry.status == ProgressStatus.APPROVED and not actor.can_review:
            raise ValidationError(
                {
                    "month": _("%(month)s is already approved; ask a reviewer to return it.")
                    % {"month": f"{month:%Y-%m}"}
                }
            )
        before = {"completed_investment": entry.completed_investment, "status": entry.status}
    entry.completed_investment = completed_investment
    entry.progress_note = progress_note
    entry.submitted_by = actor
    entry.submitted_at = now
    entry.status = ProgressStatus.APPROVED if approve else ProgressStatus.SUBMITTED
    entry.reviewed_by = actor if approve else None
    entry.reviewed_at = now if approve else None
    entry.full_clean(exclude=["project"])
    entry.save()
    after = {"completed_investment": entry.completed_investment, "status": entry.status}
    audit.record(actor=actor, action=Action.PROGRESS_SUBMIT, obj=entry, before=before, after=after)
    return entry


@transaction.atomic
def progress_review(*, actor, entry, approve, note=""):
    """Approve or return a submitted month (returning needs a note saying why)."""
    if not actor.can_review or not zone_is_writable(actor, entry.project.zone):
        raise PermissionDenied(_("You may not review monthly progress of %(zone)s.") % {"zone": entry.project.zone})
    if not approve and not note.strip():
        raise ValidationError({"review_note": _("Say why the report is returned.")})
    before = {"status": entry.status}
    entry.status = ProgressStatus.APPROVED if approve else ProgressStatus.RETURNED
    entry.reviewed_by = actor
    entry.reviewed_at = timezone.now()
    entry.review_note = note
    entry.save()
    audit.record(actor=actor, action=Action.PROGRESS_REVIEW, obj=entry, before=before, after={"status": entry.status})
    return entry


@transaction.atomic
def enterprise_resolve(*, actor, name, uscc=None, division=None):
    """The enterprise with this USCC (or, without one, this name), created if new."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"enterprise": _("Give the enterprise's name.")})
    if uscc:
        try:
            uscc = validate_uscc(uscc)
        except ValidationError as error:
            raise ValidationError({"uscc": error.messages}) from None
        enterprise = Enterprise.objects.filter(uscc=uscc).first()
    else:
        enterprise = Enterprise.objects.filter(name=name, uscc__isnull=True).first()
    if enterprise is None:
        enterprise = Enterprise.objects.create(name=name, uscc=uscc or None, division=division)
        audit.record(actor=actor, action=Action.ENTERPRISE_CREATE, obj=enterprise, after={"name": name, "uscc": uscc})
    return enterprise
