"""Every write to approval items: keyword-only, typed, one transaction each, audited.

An item is keyed by (national project code, matter). It is linked to the project holding that code when the actor
may write that project's zone; otherwise it waits unmatched — kept for the zone that brought it in (a zone user's
zone) or for its province — until `approvals_match` links it, which runs on every save and import and from the
unmatched list. A 承诺制 item of a matched project carries a milestone for its papers' due date (milestones app).
"""

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zoneledger.accounts.scope import org_province, writable_zone_filter, zone_is_writable
from zoneledger.audit import services as audit
from zoneledger.audit.actions import Action
from zoneledger.core.codes import province_code, validate_project_code
from zoneledger.milestones import services as milestones
from zoneledger.milestones.choices import MilestoneKind
from zoneledger.projects.models import Project

from .choices import ApprovalState, Matter
from .models import ApprovalItem

if TYPE_CHECKING:
    from zoneledger.accounts.models import User

FACTS = ("project_code", "matter", "authority", "state", "document_number", "decided_on", "papers_due_on")


def snapshot(item: ApprovalItem) -> dict[str, Any]:
    return {name: getattr(item, name) for name in FACTS} | {"project": item.project_id}


def check_item(
    *, project_code: str, matter: str, state: str, decided_on: date | None, papers_due_on: date | None
) -> None:
    """The rules of one item, each error on its field: the code's shape, a known matter and state, a date for a
    done item, a due date for a 承诺制 one, no decision in the future."""
    errors: dict[str, str] = {}
    try:
        validate_project_code(project_code)
    except ValidationError as error:
        errors["project_code"] = error.messages[0]
    if matter not in Matter.values:
        errors["matter"] = _("“%(value)s” is not an approval matter.") % {"value": matter}
    if state not in ApprovalState.values:
        errors["state"] = _("“%(value)s” is not an approval state.") % {"value": state}
    if state == ApprovalState.DONE and decided_on is None:
        errors["decided_on"] = _("A done item needs the date it was decided.")
    if decided_on is not None and decided_on > timezone.localdate():
        errors["decided_on"] = _("The date decided is in the future.")
    if state == ApprovalState.COMMITMENT and papers_due_on is None:
        errors["papers_due_on"] = _("An item on commitment needs the date its papers are due.")
    if errors:
        raise ValidationError(errors)


def _project_for(actor: "User", code: str) -> Project | None:
    """The project holding `code` if the actor may write its zone (else none: the item waits unmatched)."""
    return (
        Project.objects.filter(writable_zone_filter(actor, prefix="zone__"), code=code).select_related("zone").first()
    )


def _papers_milestone(actor: "User", item: ApprovalItem) -> None:
    """Keep the milestone of a matched 承诺制 item on its papers' due date; complete it once the item is done."""
    if item.project is None:
        return
    milestone = item.milestone
    if item.state == ApprovalState.COMMITMENT and item.papers_due_on is not None:
        if milestone is None or milestone.dropped:
            item.milestone = milestones.milestone_create(
                actor=actor,
                project=item.project,
                title=_("Papers due on commitment: %(matter)s") % {"matter": item.get_matter_display()},
                planned_on=item.papers_due_on,
                kind=MilestoneKind.APPROVAL,
                owner=item.authority,
            )
            item.save(update_fields=["milestone"])
        elif milestone.planned_on != item.papers_due_on and milestone.done_on is None:
            milestones.milestone_move(
                actor=actor,
                milestone=milestone,
                planned_on=item.papers_due_on,
                reason=_("The approval platform's due date changed."),
            )
    elif (
        item.state == ApprovalState.DONE
        and milestone is not None
        and milestone.done_on is None
        and not milestone.dropped
        and item.decided_on is not None
    ):
        milestones.milestone_complete(actor=actor, milestone=milestone, done_on=item.decided_on)


@transaction.atomic
def approval_save(
    *,
    actor: "User",
    project_code: str,
    matter: str,
    state: str,
    authority: str = "",
    document_number: str = "",
    decided_on: date | None = None,
    papers_due_on: date | None = None,
) -> tuple[ApprovalItem, bool]:
    """Create or update the item of (code, matter); returns (item, changed). Saving the same facts again changes
    nothing (an import run twice writes nothing the second time)."""
    if not actor.can_edit:
        raise PermissionDenied(_("You may not change approval items."))
    project_code = (project_code or "").strip()
    check_item(
        project_code=project_code, matter=matter, state=state, decided_on=decided_on, papers_due_on=papers_due_on
    )
    own_province = org_province(actor.org) if actor.org is not None else None
    if own_province is not None and province_code(project_code.split("-")[1]) != own_province:
        raise ValidationError(
            {"project_code": _("The project code's location is not in your province: it is another's to keep.")}
        )
    item = ApprovalItem.objects.select_for_update().filter(project_code=project_code, matter=matter).first()
    if item is not None and not _writable_item(actor, item):
        # Someone else's item: the same answer as a code that is not the actor's to write.
        raise PermissionDenied(_("You may not change approval items of this project code."))
    before = snapshot(item) if item is not None else None
    if item is None:
        item = ApprovalItem(project_code=project_code, matter=matter)
        org = actor.org
        item.zone_id = org.zone_id if org is not None else None
        item.province_code = province_code(project_code.split("-")[1])
    item.state, item.authority, item.document_number = state, authority, document_number
    item.decided_on, item.papers_due_on = decided_on, papers_due_on
    if item.project_id is None:
        project = _project_for(actor, project_code)
        if project is not None:
            item.project, item.zone = project, project.zone
    after = snapshot(item)
    if after == before:
        return item, False
    item.full_clean(exclude=["milestone"])
    item.save()
    _papers_milestone(actor, item)
    audit.record(actor=actor, action=Action.APPROVAL_SAVE, obj=item, before=before, after=after)
    return item, True


def _writable_item(actor: "User", item: ApprovalItem) -> bool:
    if item.project is not None:
        return zone_is_writable(actor, item.project.zone)
    if item.zone is not None:
        return zone_is_writable(actor, item.zone)
    return ApprovalItem.objects.visible_to(actor).filter(pk=item.pk).exists() and actor.can_edit


@transaction.atomic
def approvals_match(*, actor: "User", project: Project) -> list[ApprovalItem]:
    """Link the unmatched items carrying the project's code to it (call when a project gets its code, and after an
    import); their 承诺制 papers become milestones. Returns the items linked."""
    if not zone_is_writable(actor, project.zone):
        raise PermissionDenied(_("You may not change projects of %(zone)s.") % {"zone": project.zone})
    if not project.code:
        return []
    items = list(ApprovalItem.objects.select_for_update().filter(project__isnull=True, project_code=project.code))
    for item in items:
        item.project, item.zone = project, project.zone
        item.save(update_fields=["project", "zone", "updated_at"])
        _papers_milestone(actor, item)
    if items:
        audit.record(
            actor=actor,
            action=Action.APPROVAL_MATCH,
            obj=project,
            after={"project_code": project.code},
            message="; ".join(item.get_matter_display() for item in items),
        )
    return items


@transaction.atomic
def approvals_match_all(*, actor: "User") -> int:
    """Link every unmatched item whose code is now held by a project the actor may write; returns how many."""
    codes = set(ApprovalItem.objects.visible_to(actor).unmatched().values_list("project_code", flat=True))
    projects = Project.objects.filter(writable_zone_filter(actor, prefix="zone__"), code__in=codes).select_related(
        "zone"
    )
    return sum(len(approvals_match(actor=actor, project=project)) for project in projects)
