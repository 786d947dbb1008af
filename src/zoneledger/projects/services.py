"""Every write to the ledger: named verbs, keyword-only, one transaction each, audited in that transaction.

Services check the actor's scope themselves (PermissionDenied), so a view, the API, an import or
a command cannot write where the actor may not.

The bulk verbs (`projects_create_bulk`, `projects_update_bulk`, `stage_events_record_bulk`; enterprises have
theirs in `enterprises.services`) are the import's and the demo's way in: they take objects already checked with the
single-object rules (`Project.full_clean`, `check_stage_order`, `validate_uscc`), check the actor's scope
themselves, write in a few statements per call whatever the count, and leave one audit record per changed
object, all tied by the caller's batch id (`audit.new_batch()`), so each project's history shows what an import
changed to it.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from zoneledger.accounts.models import User
from zoneledger.accounts.scope import zone_is_writable
from zoneledger.audit import services as audit
from zoneledger.audit.actions import Action
from zoneledger.campaigns.models import Round
from zoneledger.core import bulk
from zoneledger.core.errors import Conflict
from zoneledger.zones.models import Zone

from .choices import Stage
from .models import Project, StageEvent
from .signals import project_codes_set
from .workflow import REACHED_FIELDS, LiveEvent, check_stage_order, current_stage, reached_on

Actor = User | None  # None: the operator at the server's command line (the demo builder), named by `actor_name`

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

    def __init__(self, current: Project) -> None:
        super().__init__(_("Someone else changed this project meanwhile; your edit was not saved."), current=current)


def _require_writable(actor: User, zone: Zone) -> None:
    if not zone_is_writable(actor, zone):
        raise PermissionDenied(_("You may not change projects of %(zone)s.") % {"zone": zone})


def project_snapshot(project: Project) -> dict[str, Any]:
    """The project's facts as JSON-able values, for the audit trail and for showing what changed."""
    return model_to_dict(project, fields=PROJECT_FACTS)


def _clean_project(project: Project) -> None:
    link = project.chain_link
    if link is not None and link.chain_id != project.chain_id:
        raise ValidationError({"chain_link": _("The link does not belong to the chosen chain.")})
    project.full_clean()


@transaction.atomic
def project_create(*, actor: User, zone: Zone, name: str, total_investment: Any, **facts: Any) -> Project:
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
    _codes_set(actor, [project])
    return project


@transaction.atomic
def project_update(*, actor: User, project: Project, expected_version: int, **changes: Any) -> Project:
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
    if "code" in changed:
        _codes_set(actor, [current])
    return current


def _codes_set(actor: Actor, projects: Sequence[Project]) -> None:
    """Tell the apps above (signals.py) which of these projects now hold a code, inside the write's transaction."""
    coded = [project for project in projects if project.code]
    if coded:
        project_codes_set.send(sender=Project, actor=actor, projects=coded)


def _live_events(project: Project) -> list[LiveEvent]:
    return [LiveEvent(stage, day) for stage, day in project.events.live().values_list("stage", "happened_on")]


def _lifecycle(live_events: Sequence[LiveEvent]) -> dict[str, Any]:
    """The project's lifecycle caches (`Project`'s docstring) computed from its live events, by field name."""
    return {"stage": current_stage(event.stage for event in live_events)} | reached_on(live_events)


@transaction.atomic
def refresh_lifecycle(project_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Recompute the lifecycle caches of these projects from their live events (one UPDATE, executed per project):
    the one place they are written after a project exists. The verbs here call it; so must anything that writes
    events around them (a fix made in SQL, a test's ledger). Returns each project's caches by field name."""
    project_ids = set(project_ids)
    live: dict[int, list[LiveEvent]] = defaultdict(list)
    for project_id, stage, day in (
        StageEvent.objects.live().filter(project_id__in=project_ids).values_list("project_id", "stage", "happened_on")
    ):
        live[project_id].append(LiveEvent(stage, day))
    caches = {project_id: _lifecycle(live[project_id]) for project_id in project_ids}
    fields = ["stage", *REACHED_FIELDS.values()]
    bulk.update_rows(Project, fields, ["id"], ([*map(cache.get, fields), pk] for pk, cache in caches.items()))
    return caches


def _refresh_instance_lifecycle(project: Project) -> None:
    for field, value in refresh_lifecycle([project.pk])[project.pk].items():
        setattr(project, field, value)


@transaction.atomic
def record_stage(
    *,
    actor: User,
    project: Project,
    stage: str,
    happened_on: date,
    round: Round | None = None,
    note: str = "",
    recorded_at: datetime | None = None,
) -> StageEvent:
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
    _refresh_instance_lifecycle(project)
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
def void_event(*, actor: User, event: StageEvent, reason: str, voided_at: datetime | None = None) -> StageEvent:
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
    _refresh_instance_lifecycle(project)
    audit.record(
        actor=actor,
        action=Action.STAGE_VOID,
        obj=project,
        before={"event": event.pk, "stage": event.stage, "happened_on": event.happened_on},
        message=reason,
    )
    return event


# -- bulk verbs: the import's and the demo's way in ------------------------------------------------------------------
NewEvent = tuple[str, date, int | None]  # a stage event to add: (stage, happened on, round id or None)
# Each fact's attribute: a foreign key's holds the id (`zone_id`), which is what an UPDATE sets.
_FACT_COLUMNS = {field.name: field.attname for field in Project._meta.concrete_fields if field.name in PROJECT_FACTS}


@dataclass(frozen=True)
class ProjectChange:
    """A project whose facts an import changed: the project already carrying the new facts, and both snapshots."""

    project: Project
    before: dict[str, Any]
    after: dict[str, Any]

    @property
    def changed(self) -> list[str]:
        return [name for name in self.after if self.after[name] != self.before[name]]


def _require_writable_zones(actor: Actor, zones: Iterable[Zone]) -> None:
    if actor is None:  # the operator at the server's command line writes anywhere
        return
    for zone in {zone.pk: zone for zone in zones}.values():
        _require_writable(actor, zone)


def _event_entry(project: Project, event_id: int, stage: str, happened_on: date, round_id: int | None) -> audit.Entry:
    after = {"event": event_id, "stage": stage, "happened_on": happened_on, "round": round_id or ""}
    return audit.Entry(obj=project, province=project.audit_province, after=after)


def _insert_events(*, actor: Actor, events: Sequence[tuple[Project, NewEvent]], at: datetime) -> list[int]:
    """Insert live stage events (checked by the caller) with new ids, returned in the order given."""
    ids = bulk.allocate_ids(StageEvent, len(events)) if events else []
    bulk.insert_rows(
        StageEvent,
        ("id", "project", "province", "stage", "happened_on", "round"),
        ((pk, project.pk, project.province_id, *event) for pk, (project, event) in zip(ids, events, strict=True)),
        note="",
        recorded_at=at,
        recorded_by=actor.pk if actor else None,
        voided=False,
        void_reason="",
    )
    return ids


@transaction.atomic
def projects_create_bulk(
    *,
    actor: Actor,
    projects: Sequence[tuple[Project, Sequence[NewEvent]]],
    batch: uuid.UUID,
    at: datetime,
    actor_name: str = "",
) -> None:
    """Add new projects, each with its first stage events, in a few statements; one audit record per project.

    Each `Project` is unsaved and checked (`full_clean`), its events checked against each other
    (`check_stage_order`); its zone must be writable by `actor`. The projects get their ids and their stage here.
    """
    if not projects:
        return
    _require_writable_zones(actor, (project.zone for project, _events in projects))
    for project, events in projects:
        project.created_at = project.updated_at = at
        project.province_id = project.zone.province_id
        for field, value in _lifecycle([LiveEvent(stage, day) for stage, day, _round in events]).items():
            setattr(project, field, value)
    bulk.insert_instances(Project, [project for project, _events in projects])
    _insert_events(actor=actor, events=[(project, event) for project, events in projects for event in events], at=at)
    audit.record_bulk(
        actor=actor,
        actor_name=actor_name,
        action=Action.PROJECT_CREATE,
        batch=batch,
        entries=[
            audit.Entry(
                obj=project,
                province=project.audit_province,
                after=project_snapshot(project) | {"stages": [[stage, day] for stage, day, _round in events]},
            )
            for project, events in projects
        ],
    )
    _codes_set(actor, [project for project, _events in projects])


@transaction.atomic
def projects_update_bulk(
    *, actor: Actor, changes: Sequence[ProjectChange], batch: uuid.UUID, at: datetime, actor_name: str = ""
) -> None:
    """Write changed facts of existing projects (each moves its version on); one audit record per project with
    what changed, before and after. A project may not leave, nor be in, a zone `actor` cannot write."""
    if not changes:
        return
    zones = Zone.objects.in_bulk({change.before["zone"] for change in changes})
    _require_writable_zones(actor, [*zones.values(), *(change.project.zone for change in changes)])
    for change in changes:
        attnames = [_FACT_COLUMNS[name] for name in change.changed]
        fields = {attname: getattr(change.project, attname) for attname in attnames}
        Project.objects.filter(pk=change.project.pk).update(**fields, version=F("version") + 1, updated_at=at)
    audit.record_bulk(
        actor=actor,
        actor_name=actor_name,
        action=Action.PROJECT_UPDATE,
        batch=batch,
        entries=[
            audit.Entry(
                obj=change.project,
                province=change.project.audit_province,
                before={name: change.before[name] for name in change.changed},
                after={name: change.after[name] for name in change.changed},
            )
            for change in changes
        ],
    )
    _codes_set(actor, [change.project for change in changes if "code" in change.changed])


@transaction.atomic
def stage_events_record_bulk(
    *, actor: Actor, events: Sequence[tuple[Project, NewEvent]], batch: uuid.UUID, actor_name: str = "", at: datetime
) -> None:
    """Add stage events to existing projects (checked by the caller against their live events with
    `check_stage_order`), update their lifecycle caches, and leave one audit record per event on its project."""
    if not events:
        return
    _require_writable_zones(actor, (project.zone for project, _event in events))
    ids = _insert_events(actor=actor, events=events, at=at)
    refresh_lifecycle(project.pk for project, _event in events)
    audit.record_bulk(
        actor=actor,
        actor_name=actor_name,
        action=Action.STAGE_RECORD,
        batch=batch,
        entries=[_event_entry(project, pk, *event) for pk, (project, event) in zip(ids, events, strict=True)],
    )
