"""Every write to approval items: keyword-only, typed, one transaction each, audited.

An item is keyed by (national project code, matter). It is linked to the project holding that code when the actor
may write that project's zone; otherwise it waits unmatched — kept for the zone that brought it in (a zone user's
zone) or for its province — until `approvals_match` links it, which runs on every save and import and from the
unmatched list. A 承诺制 item of a matched project carries a milestone for its papers' due date (milestones app).
"""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import groupby
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zoneledger.accounts.scope import org_province, writable_zone_filter, zone_is_writable
from zoneledger.audit import services as audit
from zoneledger.audit.actions import Action
from zoneledger.core.codes import province_code, validate_project_code
from zoneledger.core.errors import BulkRefused
from zoneledger.milestones import services as milestones
from zoneledger.milestones.choices import MilestoneKind
from zoneledger.projects.models import Project

from .choices import ApprovalState, Matter
from .models import ApprovalItem

if TYPE_CHECKING:
    from zoneledger.accounts.models import User

# A refusal of an item that is another's to keep: PermissionDenied when one item is saved, its entry's error in bulk.
NOT_YOURS = "not_yours"

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


@dataclass(frozen=True)
class ApprovalEntry:
    """One item as a person, the API or a row of the platform's workbook gives it (matter and state as values)."""

    project_code: str
    matter: str
    state: str
    authority: str = ""
    document_number: str = ""
    decided_on: date | None = None
    papers_due_on: date | None = None


@dataclass
class SaveResult:
    """What a bulk save did: each entry's item (None where refused), and the entries' positions by outcome."""

    items: list[ApprovalItem | None] = field(default_factory=list)
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)


def _projects_holding(actor: "User", codes: Iterable[str]) -> dict[str, Project]:
    """The projects holding these codes in zones the actor may write (an item of another's waits unmatched)."""
    projects = Project.objects.filter(writable_zone_filter(actor, prefix="zone__"), code__in=set(codes))
    return {project.code: project for project in projects.select_related("zone") if project.code}


def _prepare(
    actor: "User", entry: ApprovalEntry, item: ApprovalItem | None, projects: dict[str, Project]
) -> tuple[ApprovalItem, dict[str, Any] | None, dict[str, Any]]:
    """The entry checked and applied to its item (a new one when `item` is None), not saved: (item, before, after).

    Raises ValidationError naming the field, or PermissionDenied for an item that is another's to keep.
    """
    check_item(
        project_code=entry.project_code,
        matter=entry.matter,
        state=entry.state,
        decided_on=entry.decided_on,
        papers_due_on=entry.papers_due_on,
    )
    location = province_code(entry.project_code.split("-")[1])
    own_province = org_province(actor.org) if actor.org is not None else None
    if own_province is not None and location != own_province:
        raise ValidationError(
            {"project_code": _("The project code's location is not in your province: it is another's to keep.")}
        )
    if item is not None and not _writable_item(actor, item):
        # Someone else's item: the same answer as a code that is not the actor's to write.
        raise PermissionDenied(_("You may not change approval items of this project code."))
    before = snapshot(item) if item is not None else None
    if item is None:
        item = ApprovalItem(project_code=entry.project_code, matter=entry.matter, province_code=location)
        item.zone_id = actor.org.zone_id if actor.org is not None else None
    item.state, item.authority, item.document_number = entry.state, entry.authority, entry.document_number
    item.decided_on, item.papers_due_on = entry.decided_on, entry.papers_due_on
    project = projects.get(entry.project_code) if item.project_id is None else None
    if project is not None:
        item.project, item.zone = project, project.zone
    after = snapshot(item)
    if after != before:
        # The key is checked by the caller (one item per code and matter), the rules by check_item.
        item.full_clean(exclude=["milestone", "project", "zone"], validate_unique=False, validate_constraints=False)
    return item, before, after


@transaction.atomic
def approvals_save_bulk(
    *, actor: "User", entries: Sequence[ApprovalEntry], batch: uuid.UUID | None = None
) -> SaveResult:
    """Create or update the items of the entries, keyed by (code, matter), in a few statements whatever the count.

    Every entry is checked before anything is written: any refused raises BulkRefused naming each bad entry by its
    position (a bad field, a code of another province, an item that is another's to keep, the same key twice), and
    nothing is written. An entry equal to its item is left alone (`unchanged`), so saving the same entries again
    writes nothing. Items are linked to the projects holding their codes where the actor may write them; a matched
    承诺制 item's papers become a milestone. One audit record per changed item, tied by `batch`.
    """
    if not actor.can_edit:
        raise PermissionDenied(_("You may not change approval items."))
    entries = [replace(entry, project_code=(entry.project_code or "").strip()) for entry in entries]
    codes = {entry.project_code for entry in entries}
    existing = {
        (item.project_code, item.matter): item
        for item in ApprovalItem.objects.select_for_update(of=("self",))
        .filter(project_code__in=codes)
        .select_related("project__zone", "zone", "milestone")
    }
    projects = _projects_holding(actor, codes)
    result = SaveResult()
    errors: dict[int, ValidationError] = {}
    seen: dict[tuple[str, str], int] = {}
    changes: list[tuple[int, ApprovalItem, dict[str, Any] | None, dict[str, Any]]] = []
    for position, entry in enumerate(entries):
        key = (entry.project_code, entry.matter)
        result.items.append(None)
        if key in seen:
            errors[position] = ValidationError(
                {"matter": _("The same item is already entry %(first)s.") % {"first": seen[key] + 1}}
            )
            continue
        seen[key] = position
        try:
            item, before, after = _prepare(actor, entry, existing.get(key), projects)
        except ValidationError as error:
            errors[position] = error
            continue
        except PermissionDenied as refused:
            errors[position] = ValidationError({"project_code": ValidationError(str(refused), code=NOT_YOURS)})
            continue
        result.items[position] = item
        if after == before:
            result.unchanged.append(position)
        else:
            (result.created if before is None else result.updated).append(position)
            changes.append((position, item, before, after))
    if errors:
        raise BulkRefused(errors)
    new = [item for _position, item, before, _after in changes if before is None]
    ApprovalItem.objects.bulk_create(new)
    changed = [item for _position, item, before, _after in changes if before is not None]
    if changed:
        now = timezone.now()
        for item in changed:
            item.updated_at = now
        ApprovalItem.objects.bulk_update(changed, [*FACTS, "project", "zone", "updated_at"])
    for _position, item, _before, _after in changes:
        _papers_milestone(actor, item)
    audit.record_bulk(
        actor=actor,
        action=Action.APPROVAL_SAVE,
        batch=batch or audit.new_batch(),
        entries=[
            audit.Entry(obj=item, related=item.project, province=item.province_code, before=before, after=after)
            for _position, item, before, after in changes
        ],
    )
    return result


def approval_save(*, actor: "User", **facts: Any) -> tuple[ApprovalItem, bool]:
    """Create or update the item of (code, matter) — the facts of an `ApprovalEntry` — and return (item, changed).
    Saving the same facts again changes nothing. A refusal is the entry's own: ValidationError naming the field,
    or PermissionDenied for an item that is another's to keep."""
    try:
        result = approvals_save_bulk(actor=actor, entries=[ApprovalEntry(**facts)])
    except BulkRefused as refused:
        (error,) = refused.errors.values()
        code_errors = error.error_dict.get("project_code", []) if hasattr(error, "error_dict") else []
        if any(one.code == NOT_YOURS for one in code_errors):
            raise PermissionDenied(code_errors[0].messages[0]) from None
        raise error from None
    item = result.items[0]
    assert item is not None  # an entry not refused has its item
    return item, not result.unchanged


def _writable_item(actor: "User", item: ApprovalItem) -> bool:
    if item.project is not None:
        return zone_is_writable(actor, item.project.zone)
    if item.zone is not None:
        return zone_is_writable(actor, item.zone)
    return ApprovalItem.objects.visible_to(actor).filter(pk=item.pk).exists() and actor.can_edit


@transaction.atomic
def approvals_match_projects(*, actor: "User", projects: Iterable[Project]) -> list[ApprovalItem]:
    """Link the unmatched items carrying the projects' codes to them, in one query when none waits (the usual
    case); their 承诺制 papers become milestones; one audit record per project given items. Returns the items
    linked. Called when projects get their codes (the `project_codes_set` signal), after an import, and from the
    unmatched list."""
    by_code = {project.code: project for project in projects if project.code}
    for project in by_code.values():
        if not zone_is_writable(actor, project.zone):
            raise PermissionDenied(_("You may not change projects of %(zone)s.") % {"zone": project.zone})
    if not by_code:
        return []
    items = list(
        ApprovalItem.objects.select_for_update()
        .filter(project__isnull=True, project_code__in=by_code)
        .order_by("project_code", "matter")
    )
    for item in items:
        project = by_code[item.project_code]
        item.project, item.zone = project, project.zone
        item.save(update_fields=["project", "zone", "updated_at"])
        _papers_milestone(actor, item)
    for code, linked in groupby(items, key=lambda item: item.project_code):
        audit.record(
            actor=actor,
            action=Action.APPROVAL_MATCH,
            obj=by_code[code],
            after={"project_code": code},
            message="; ".join(str(item.get_matter_display()) for item in linked),
        )
    return items


def approvals_match(*, actor: "User", project: Project) -> list[ApprovalItem]:
    """Link the unmatched items carrying the project's code to it (approvals_match_projects of one project)."""
    return approvals_match_projects(actor=actor, projects=[project])


@transaction.atomic
def approvals_match_all(*, actor: "User") -> int:
    """Link every unmatched item whose code is now held by a project the actor may write; returns how many."""
    codes = set(ApprovalItem.objects.visible_to(actor).unmatched().values_list("project_code", flat=True))
    return len(approvals_match_projects(actor=actor, projects=_projects_holding(actor, codes).values()))


def match_on_codes_set(sender: type, *, actor: "User | None", projects: Sequence[Project], **kwargs: Any) -> None:
    """The receiver of `projects.signals.project_codes_set` (connected in apps.py): projects that now hold codes
    take the items waiting for them, in the project service's transaction. The operator's loads (no actor: the
    demo builder) are left to the unmatched list's match."""
    if actor is not None:
        approvals_match_projects(actor=actor, projects=projects)
