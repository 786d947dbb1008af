"""Every write to monthly reports: keyword-only, typed, one transaction each, audited per changed month.

- `progress_submit_bulk(actor=, entries=, approve=False, draft=False, batch=None)` — save or submit many months at
  once (the importer, a zone's month page "submit all"); `progress_submit` / `progress_save` are one of them.
- `report_photos_add` / `report_photo_remove` — a version's photos while it is open (`core.attachments` rules);
  `progress_submit` / `progress_save` take the month's photos too, all or nothing.
- `progress_entries_keeping_text(entries)` — a workbook's blank 形象进度 and note keep the month's own.
- `progress_review_bulk(actor=, versions=, approve=, reason="", batch=None)` — approve or return many submitted
  reports at once (the reviewer's queue); `progress_approve` / `progress_return` are one of them.

All of a call is done or none of it: a refusal of any month raises before anything is written, and a report that
changed state meanwhile (the conditional UPDATE found it elsewhere) rolls the whole call back (`Conflict`).

Each changed month gets a `ReportTransition` (who, when, from, to, reason, amount) and an audit record, all of one
call tied by one batch id. `projects.MonthlyProgress`, which the figures read, is kept in step here and nowhere else:
it holds the approved amount that counts (a correction waiting for review does not touch it), or, while a month has
none, the latest submitted or returned one. Only `progress_submit_bulk(approve=True)` — a reviewer's import that
asks to approve its rows in the same step — approves what its actor submitted; the audit says so.
"""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Max, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zoneledger.accounts.scope import zone_is_visible, zone_is_writable
from zoneledger.audit import services as audit
from zoneledger.audit.actions import Action
from zoneledger.core import bulk
from zoneledger.core.attachments import attachment_delete, attachments_add
from zoneledger.core.errors import BulkRefused, Conflict
from zoneledger.notifications.choices import Kind as NoticeKind
from zoneledger.notifications.services import Notice, notify
from zoneledger.projects.choices import ProgressStatus, Stage, stage_and_later
from zoneledger.projects.models import MonthlyProgress, Project, StageEvent
from zoneledger.zones.models import Zone

from .choices import OPEN_STATES, ReportState, Verb
from .models import AnnualPlan, ReportPhoto, ReportTransition, ReportVersion
from .workflow import (
    TransitionRefused,
    check_four_eyes,
    check_month,
    check_plan_months,
    check_reason,
    month_start,
    next_state,
    spread_evenly,
)

if TYPE_CHECKING:
    from zoneledger.accounts.models import User

AMOUNT_FIELD = ReportVersion._meta.get_field("amount")
TEXT_LIMIT = 2000

Pair = tuple[int, date]
# A version's state as the figures' MonthlyProgress.status says it, and back (a draft never reaches the figures).
STATUS_OF_STATE: dict[str, str] = {
    ReportState.APPROVED: ProgressStatus.APPROVED,
    ReportState.RETURNED: ProgressStatus.RETURNED,
}
STATE_OF_STATUS: dict[str, str] = {status: state for state, status in STATUS_OF_STATE.items()}


def _wan(value: object) -> Decimal:
    """A WanField's value, which the type checker takes for the integer column it is stored as."""
    return cast(Decimal, value)


class MonthEntry(NamedTuple):
    """One month of one project as a person or a workbook row gives it (a named tuple: an import builds one per
    row, several times quicker than a frozen dataclass)."""

    project: Project
    month: date
    amount: Decimal
    physical_progress: str = ""
    note: str = ""


@dataclass
class SubmitResult:
    """What a bulk submission did, by the entries' positions: the id of each entry's version (the one it changed
    or added, or the one it left alone), and which entries created, updated or left their month unchanged."""

    version_ids: list[int] = field(default_factory=list)
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    batch: uuid.UUID | None = None

    @property
    def versions(self) -> list[ReportVersion]:
        """Each entry's version, read in one query (a bulk submission writes rows, not instances)."""
        found = ReportVersion.objects.in_bulk(self.version_ids)
        return [found[pk] for pk in self.version_ids]


@dataclass(slots=True)
class _NewVersion:
    """A version a submission adds, as the row it becomes: the attributes of a ReportVersion that the history, the
    audit and the MonthlyProgress rows read, without building a model instance per month."""

    project: Project
    project_id: int
    province_id: str
    month: date
    number: int
    created_at: datetime
    amount: Decimal = Decimal(0)
    physical_progress: str = ""
    note: str = ""
    state: str = ReportState.DRAFT
    submitted_at: datetime | None = None
    submitted_by_id: int | None = None
    return_reason: str = ""
    pk: int | None = None
    reviewed_at: datetime | None = None
    reviewed_by_id: int | None = None


NEW_VERSION_FIELDS = [
    "id",
    "project",
    "province",
    "month",
    "number",
    "amount",
    "physical_progress",
    "note",
    "state",
    "created_at",
    "submitted_at",
    "submitted_by",
    "return_reason",
]


# -- helpers ---------------------------------------------------------------------------------------------------------


def _started_on(project_ids: Iterable[int]) -> dict[int, date]:
    """The date each project reached 开工 (its own event or a later stage's, whichever is first)."""
    return dict(
        StageEvent.objects.live()
        .filter(project_id__in=set(project_ids), stage__in=stage_and_later(Stage.STARTED))
        .order_by()
        .values("project_id")
        .annotate(first=Min("happened_on"))
        .values_list("project_id", "first")
    )


def _pairs_q(pairs: Iterable[Pair]) -> Q:
    """A Q selecting at least the rows of the given (project, month) pairs: their projects × their months.

    Callers keep only the pairs they asked for. Two IN lists compile and plan in a fraction of the time of one
    term per month, for the few extra rows an import's rectangle of projects and months brings.
    """
    projects: set[int] = set()
    months: set[date] = set()
    for project_id, month in pairs:
        projects.add(project_id)
        months.add(month)
    return Q(project_id__in=projects, month__in=months)


def _snapshot(version: "ReportVersion | _NewVersion") -> dict[str, Any]:
    return {"amount": version.amount, "state": version.state}


class _Snapshots(dict[tuple[Decimal, str], dict[str, Any]]):
    """One snapshot object per amount and state for a call's versions, which the audit encodes once each."""

    def of(self, version: "ReportVersion | _NewVersion") -> dict[str, Any]:
        key = (_wan(version.amount), version.state)
        snapshot = self.get(key)
        if snapshot is None:
            snapshot = self[key] = _snapshot(version)
        return snapshot


HEAD_FIELDS = [
    "completed_investment",
    "progress_note",
    "status",
    "submitted_by",
    "submitted_at",
    "reviewed_by",
    "reviewed_at",
    "review_note",
]


# The fields of a MonthlyProgress row given as text or ids, as the database takes them (`bulk.insert_rows`' ready).
HEAD_TEXT_AND_IDS = {"project", "province", "progress_note", "status", "submitted_by", "reviewed_by", "review_note"}


def _head_values(version: "ReportVersion | _NewVersion") -> tuple[Any, ...]:
    """The values of HEAD_FIELDS (foreign keys as ids) the MonthlyProgress row takes from `version`."""
    return (
        version.amount,
        version.physical_progress,
        STATUS_OF_STATE.get(version.state, ProgressStatus.SUBMITTED),
        version.submitted_by_id,
        version.submitted_at or version.created_at,
        version.reviewed_by_id,
        version.reviewed_at,
        version.return_reason,
    )


def _insert_heads(versions: Iterable["ReportVersion | _NewVersion"]) -> None:
    """New MonthlyProgress rows (what the figures read) as the versions make them, for months that have none."""
    bulk.insert_rows(
        MonthlyProgress,
        ["project", "province", "month", *HEAD_FIELDS],
        ((version.project_id, version.province_id, version.month, *_head_values(version)) for version in versions),
        ready=HEAD_TEXT_AND_IDS,
    )


def _record_transitions(
    moves: Sequence[tuple["ReportVersion | _NewVersion", str]], actor: "User", at: datetime, *, reason: str = ""
) -> None:
    """One history row per (version, state it left), the version already in its new state; rows, not instances."""
    bulk.insert_rows(
        ReportTransition,
        ("version", "project", "province", "from_state", "to_state", "amount"),
        (
            (version.pk, version.project_id, version.province_id, from_state, version.state, version.amount)
            for version, from_state in moves
        ),
        ready={"version", "project", "province", "from_state", "to_state"},
        actor=actor.pk,
        at=at,
        reason=reason,
    )


def _baseline(head: MonthlyProgress, number: int) -> ReportVersion:
    """A version for a month written before reports had versions (an older import, a bulk load)."""
    state = STATE_OF_STATUS.get(head.status, ReportState.SUBMITTED)
    return ReportVersion(
        project_id=head.project_id,
        province_id=head.province_id,
        month=head.month,
        number=number,
        amount=head.completed_investment,
        physical_progress=head.progress_note,
        state=state,
        created_at=head.submitted_at,
        submitted_at=head.submitted_at,
        submitted_by_id=head.submitted_by_id,
        reviewed_at=(head.reviewed_at or head.submitted_at) if state != ReportState.SUBMITTED else None,
        reviewed_by_id=head.reviewed_by_id,
        return_reason=head.review_note or (_("Returned") if state == ReportState.RETURNED else ""),
    )


@dataclass
class _Month:
    """What is known of one (project, month) before a call changes it."""

    head: MonthlyProgress | None = None
    open: ReportVersion | None = None
    counting: ReportVersion | None = None
    last_number: int = 0


# What is known of a month with nothing written yet (shared: never changed).
NOTHING_YET = _Month()


def _months(pairs: set[Pair]) -> dict[Pair, _Month]:
    """The head row, the open version, the counting version and the last number of the pairs that have any (the
    others: NOTHING_YET); three queries.

    A month written before versions existed (its head row has no version) gets its baseline version here.
    """
    known: dict[Pair, _Month] = {}
    if not pairs:
        return known
    where = _pairs_q(pairs)
    for head in MonthlyProgress.objects.filter(where).order_by():
        if (head.project_id, head.month) in pairs:
            known.setdefault((head.project_id, head.month), _Month()).head = head
    numbers = ReportVersion.objects.filter(where).order_by().values("project_id", "month").annotate(last=Max("number"))
    for row in numbers:
        pair = (row["project_id"], row["month"])
        if pair in pairs:
            known.setdefault(pair, _Month()).last_number = row["last"]
    baselines = [
        _baseline(month.head, 1) for month in known.values() if month.head is not None and month.last_number == 0
    ]
    if baselines:
        for version in ReportVersion.objects.bulk_create(baselines):
            known[(version.project_id, version.month)].last_number = 1
    live = Q(state__in=OPEN_STATES) | Q(state=ReportState.APPROVED, counted_until__isnull=True)
    for version in ReportVersion.objects.filter(where & live).order_by():
        pair = (version.project_id, version.month)
        if pair in pairs:
            if version.state == ReportState.APPROVED:
                known.setdefault(pair, _Month()).counting = version
            else:
                known.setdefault(pair, _Month()).open = version
    return known


# -- submitting ------------------------------------------------------------------------------------------------------


class _EntryChecks:
    """The pure checks of `progress_submit_bulk`'s entries, each outcome remembered for its inputs within one call:
    a workbook repeats its months and amounts row after row."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.amounts: dict[tuple[type, object], tuple[Decimal, list[str] | None]] = {}
        self.months: dict[tuple[date, date | None], dict[str, list[str]] | None] = {}

    def amount(self, value: object) -> tuple[Decimal, list[str] | None]:
        key = (value.__class__, value)  # 1 == 1.0 == True, but not as keys here
        known = self.amounts.get(key)
        if known is None:
            try:
                known = (AMOUNT_FIELD.clean(value, None), None)
            except ValidationError as error:
                known = (Decimal(0), error.messages)
            self.amounts[key] = known
        return known

    def month(self, month: date, started_on: date | None) -> dict[str, list[str]] | None:
        key = (month, started_on)
        if key not in self.months:
            try:
                check_month(month, today=self.today, started_on=started_on)
                self.months[key] = None
            except ValidationError as error:
                self.months[key] = error.message_dict
        return self.months[key]

    def entry(self, entry: MonthEntry, started_on: date | None) -> MonthEntry:
        """The entry cleaned (month to its first day, amount exact, text stripped), or ValidationError naming
        fields."""
        amount, refused = self.amount(entry.amount)
        month_refused = self.month(entry.month, started_on)
        physical = (entry.physical_progress or "").strip()
        note = (entry.note or "").strip()
        if refused or month_refused or len(physical) > TEXT_LIMIT or len(note) > 500:
            errors: dict[str, list[str]] = {}
            if refused:
                errors["amount"] = refused
            errors.update(month_refused or {})
            if len(physical) > TEXT_LIMIT:
                errors["physical_progress"] = [
                    _("Keep the physical progress under %(limit)d characters.") % {"limit": TEXT_LIMIT}
                ]
            if len(note) > 500:
                errors["note"] = [_("Keep the note under %(limit)d characters.") % {"limit": 500}]
            raise ValidationError(errors)
        month = entry.month if entry.month.day == 1 else month_start(entry.month)
        if (month, amount, physical, note) == (entry.month, entry.amount, entry.physical_progress, entry.note):
            return entry
        return MonthEntry(entry.project, month, amount, physical, note)


@transaction.atomic
def progress_submit_bulk(
    *,
    actor: "User",
    entries: Sequence[MonthEntry],
    approve: bool = False,
    draft: bool = False,
    batch: uuid.UUID | None = None,
    at: datetime | None = None,
) -> SubmitResult:
    """Save (`draft=True`) or submit the entries' months; with `approve=True` a reviewer approves them too. `at` (now
    by default) is when they were submitted, for a ledger loaded after the fact (the demo's months long past).

    A month with an open version (draft, returned, or submitted and not yet reviewed) changes that version; a month
    whose report is approved gets a correction (a new version) that counts only once approved; a month without a
    report gets version 1. An entry equal to what is already there is left alone (`unchanged`).
    Refusals: PermissionDenied for a zone the actor may not write (or `approve` by a non-reviewer); BulkRefused
    naming each bad entry (amount, month in the future or before the project started, a state that refuses it).
    New versions, their history, audit records and MonthlyProgress rows are written as rows (`core.bulk`).
    """
    if approve and (draft or not actor.can_review):
        raise PermissionDenied(_("Only a reviewer may approve monthly reports."))
    zones: dict[int, Zone] = {}
    for entry in entries:
        if entry.project.zone_id not in zones:
            zones[entry.project.zone_id] = entry.project.zone
    for zone in zones.values():
        if not zone_is_writable(actor, zone):
            raise PermissionDenied(_("You may not report monthly progress of %(zone)s.") % {"zone": zone})
    checks = _EntryChecks(timezone.localdate())
    project_ids = [entry.project.pk for entry in entries]
    started = _started_on(project_ids)
    errors: dict[int, ValidationError] = {}
    cleaned: list[MonthEntry] = []
    for position, entry in enumerate(entries):
        try:
            cleaned.append(checks.entry(entry, started.get(project_ids[position])))
        except ValidationError as error:
            errors[position] = error
            cleaned.append(entry)
    pairs = [
        (project_id, entry.month if entry.month.day == 1 else month_start(entry.month))
        for project_id, entry in zip(project_ids, cleaned, strict=True)
    ]
    if len(set(pairs)) != len(pairs):
        seen: set[Pair] = set()
        for position, pair in enumerate(pairs):
            if pair in seen:
                errors[position] = ValidationError({"month": _("This month is given twice.")})
            seen.add(pair)
    if errors:
        raise BulkRefused(errors)

    now = at or timezone.now()
    known = _months(set(pairs))
    verb = Verb.SAVE if draft else Verb.SUBMIT
    batch = batch or audit.new_batch()
    result = SubmitResult(batch=batch)
    new_versions: list[_NewVersion] = []
    of_entries: list[ReportVersion | _NewVersion] = []  # each entry's version, by position
    changed: list[tuple[ReportVersion | _NewVersion, str | None, dict[str, Any] | None]] = []  # state, snapshot before
    submitted_by_id, submitted_at = (None, None) if draft else (actor.pk, now)
    for position, entry in enumerate(cleaned):
        month = known.get(pairs[position], NOTHING_YET)
        current = month.open
        target = next_state(current.state if current else None, verb)  # TransitionRefused: a 409 for the caller
        same = (entry.amount, entry.physical_progress, entry.note)
        if (
            current is not None
            and not approve
            and (current.state, _wan(current.amount), current.physical_progress, current.note) == (target, *same)
        ):
            of_entries.append(current)
            result.unchanged.append(position)
            continue
        counting = month.counting
        if (
            not draft
            and current is not None
            and current.state in (ReportState.RETURNED, ReportState.DRAFT)
            and counting is not None
            and (_wan(counting.amount), counting.physical_progress) == same[:2]
        ):
            # Restating the approved amount while a correction is returned or drafted corrects nothing.
            of_entries.append(counting)
            result.unchanged.append(position)
            continue
        if (
            current is None
            and counting is not None
            and not draft
            and (_wan(counting.amount), counting.physical_progress) == same[:2]
        ):
            of_entries.append(counting)
            result.unchanged.append(position)
            continue
        version: ReportVersion | _NewVersion
        if current is None:
            fresh = _NewVersion(
                entry.project,
                pairs[position][0],
                entry.project.province_id,
                entry.month,
                month.last_number + 1,
                now,
                entry.amount,
                entry.physical_progress,
                entry.note,
                target,
                submitted_at,
                submitted_by_id,
            )
            new_versions.append(fresh)
            version, before_state, before = fresh, None, None
            # A correction of an approved month is a new version, but for the caller the month was updated.
            (result.updated if month.last_number else result.created).append(position)
        else:
            version = current
            version.project = entry.project
            before_state, before = current.state, _snapshot(current)
            result.updated.append(position)
            version.amount = cast(Any, entry.amount)
            version.physical_progress = entry.physical_progress
            version.note = entry.note
            version.state = target
            if not draft:
                version.submitted_by = actor
                version.submitted_at = now
                version.return_reason = ""
        changed.append((version, before_state, before))
        of_entries.append(version)  # each (project, month) comes once, so no later entry reads this month again

    # The conditional UPDATEs: a version that moved meanwhile rolls the whole call back.
    for version, before_state, _before in changed:
        if isinstance(version, _NewVersion):
            continue
        updated = ReportVersion.objects.filter(pk=version.pk, state=before_state).update(
            amount=version.amount,
            physical_progress=version.physical_progress,
            note=version.note,
            state=version.state,
            submitted_by=version.submitted_by,
            submitted_at=version.submitted_at,
            return_reason=version.return_reason,
        )
        if not updated:
            raise Conflict(_("A report was changed meanwhile; nothing was saved."))
    _insert_versions(new_versions)
    result.version_ids = [cast(int, version.pk) for version in of_entries]
    _record_transitions([(version, before_state or "") for version, before_state, _before in changed], actor, now)
    snapshots = _Snapshots()  # amounts are in whole hundredths (AMOUNT_FIELD.clean), so equal ones print alike
    audit.record_bulk(
        actor=actor,
        action=Action.PROGRESS_DRAFT if draft else Action.PROGRESS_SUBMIT,
        batch=batch,
        entries=[
            _audit_entry(version, before=before, after=snapshots.of(version)) for version, _state, before in changed
        ],
    )
    if not draft:
        kept, added = [], []
        for version, _state, _before in changed:
            month = known.get((version.project_id, version.month), NOTHING_YET)
            if month.counting is None:
                if month.head is None:
                    added.append(version)
                else:
                    kept.append((*_head_values(version), month.head.pk))
        bulk.update_rows(MonthlyProgress, HEAD_FIELDS, ["id"], kept)
        _insert_heads(added)
    if approve and changed:
        _review(
            actor=actor,
            versions=_versions_with_projects([version for version, _state, _before in changed]),
            approve=True,
            reason="",
            batch=batch,
            own=True,
            at=at,
        )
    return result


def _insert_versions(versions: Sequence[_NewVersion]) -> None:
    """Insert the new versions as rows, each given its id (set on it here)."""
    if not versions:
        return
    for version, pk in zip(versions, bulk.allocate_ids(ReportVersion, len(versions)), strict=True):
        version.pk = pk
    bulk.insert_rows(
        ReportVersion,
        NEW_VERSION_FIELDS,
        (
            (
                version.pk,
                version.project_id,
                version.province_id,
                version.month,
                version.number,
                version.amount,
                version.physical_progress,
                version.note,
                version.state,
                version.created_at,
                version.submitted_at,
                version.submitted_by_id,
                version.return_reason,
            )
            for version in versions
        ),
        ready=set(NEW_VERSION_FIELDS) - {"month", "amount", "created_at", "submitted_at"},
    )


def _audit_entry(
    version: "ReportVersion | _NewVersion", *, before: dict[str, Any] | None, after: dict[str, Any], message: str = ""
) -> audit.Entry:
    """A version's audit record: on its project's history, in its province's chain."""
    project = version.project
    obj: ReportVersion | audit.Ref = (
        version
        if isinstance(version, ReportVersion)
        else audit.Ref(
            ReportVersion, cast(int, version.pk), ReportVersion.describe(project, version.month, version.number)
        )
    )
    return audit.Entry(
        obj=obj, related=project, province=project.audit_province, before=before, after=after, message=message
    )


def _versions_with_projects(versions: Sequence["ReportVersion | _NewVersion"]) -> list[ReportVersion]:
    """The versions as model instances (the new ones read back in one query), each with its project."""
    found = ReportVersion.objects.in_bulk([version.pk for version in versions if isinstance(version, _NewVersion)])
    instances = []
    for version in versions:
        if isinstance(version, _NewVersion):
            instance = found[cast(int, version.pk)]
            instance.project = version.project
            version = instance
        instances.append(version)
    return instances


def progress_entries_keeping_text(entries: Sequence[MonthEntry]) -> list[MonthEntry]:
    """The entries, each blank 形象进度 or note replaced by the month's own text as it stands: the approved
    version's when the entry restates its amount, else the open version's (draft, submitted, returned), else the
    approved one's, else (a month written before versions) its MonthlyProgress row's.

    For a workbook, where an empty cell or an absent column says nothing about the text: re-importing an export, or
    a sheet of amounts only, keeps what the reports say instead of clearing it (and so restating an approved month
    is no correction). A person's form says what it means and does not come here. Two queries.
    """
    blank = {
        (entry.project.pk, month_start(entry.month))
        for entry in entries
        if not (entry.physical_progress and entry.note)
    }
    if not blank:
        return list(entries)
    where = _pairs_q(blank)
    heads = {
        (project_id, month): note
        for project_id, month, note in MonthlyProgress.objects.filter(where)
        .order_by()
        .values_list("project_id", "month", "progress_note")
    }
    live = Q(state__in=OPEN_STATES) | Q(state=ReportState.APPROVED, counted_until__isnull=True)
    opened: dict[Pair, ReportVersion] = {}
    counting: dict[Pair, ReportVersion] = {}
    for version in ReportVersion.objects.filter(where & live).order_by():
        pair = (version.project_id, version.month)
        (counting if version.state == ReportState.APPROVED else opened)[pair] = version
    kept = []
    for entry in entries:
        pair = (entry.project.pk, month_start(entry.month))
        approved, current = counting.get(pair), opened.get(pair)
        if approved is not None and (current is None or _wan(approved.amount) == entry.amount):
            physical, note = approved.physical_progress, approved.note
        elif current is not None:
            physical, note = current.physical_progress, current.note
        else:
            physical, note = heads.get(pair, ""), ""
        physical, note = entry.physical_progress or physical, entry.note or note
        if (physical, note) != (entry.physical_progress, entry.note):
            entry = entry._replace(physical_progress=physical, note=note)
        kept.append(entry)
    return kept


@transaction.atomic
def _progress_write_one(*, actor: "User", entry: MonthEntry, draft: bool, photos: Sequence[File]) -> ReportVersion:
    """One month through `progress_submit_bulk` (its refusal raised as the month's own ValidationError), then its
    photos on the version it left open; a refused photo refuses the whole month."""
    try:
        result = progress_submit_bulk(actor=actor, entries=[entry], draft=draft)
    except BulkRefused as refused:
        raise refused.errors[0] from None
    version = result.versions[0]
    version.project = entry.project
    if photos:
        report_photos_add(actor=actor, version=version, photos=photos)
    return version


def progress_submit(
    *,
    actor: "User",
    project: Project,
    month: date,
    amount: Decimal,
    physical_progress: str = "",
    note: str = "",
    photos: Sequence[File] = (),
) -> ReportVersion:
    """Submit one month of one project for review (a first report, a resubmission, or a correction), with photos."""
    entry = MonthEntry(project, month, amount, physical_progress, note)
    return _progress_write_one(actor=actor, entry=entry, draft=False, photos=photos)


def progress_save(
    *,
    actor: "User",
    project: Project,
    month: date,
    amount: Decimal,
    physical_progress: str = "",
    note: str = "",
    photos: Sequence[File] = (),
) -> ReportVersion:
    """Keep one month as a draft (or keep editing a returned report) without submitting it, with photos."""
    entry = MonthEntry(project, month, amount, physical_progress, note)
    return _progress_write_one(actor=actor, entry=entry, draft=True, photos=photos)


# -- photos ----------------------------------------------------------------------------------------------------------


def _open_version_for_photos(actor: "User", version: ReportVersion) -> ReportVersion:
    """The version locked and read again, if the actor writes its zone and it is still open; else refused."""
    if not zone_is_writable(actor, version.project.zone):
        raise PermissionDenied(_("You may not report monthly progress of %(zone)s.") % {"zone": version.project.zone})
    locked = ReportVersion.objects.select_for_update().select_related("project__zone").get(pk=version.pk)
    if locked.state == ReportState.APPROVED:
        raise TransitionRefused(
            _("This report is approved; its photos stay as they were. Submit a correction with the new photos.")
        )
    return locked


@transaction.atomic
def report_photos_add(*, actor: "User", version: ReportVersion, photos: Sequence[File]) -> list[ReportPhoto]:
    """Add photos to an open version (draft, submitted or returned) of a project whose zone the actor writes.

    Refusals, with nothing stored: PermissionDenied (zone), TransitionRefused (approved: a correction takes new
    photos), ValidationError on `photos` (not a JPEG, PNG or WebP by its content, too large, damaged, too many).
    """
    version = _open_version_for_photos(actor, version)
    owner = {"version": version, "project_id": version.project_id, "province_id": version.province_id}
    added = attachments_add(ReportPhoto, photos, existing=version.photos.count(), actor=actor, owner=owner)
    after = {"photos": [photo.audit_facts for photo in added]}
    audit.record(actor=actor, action=Action.PROGRESS_PHOTO_ADD, obj=version, after=after)
    return added


@transaction.atomic
def report_photo_remove(*, actor: "User", photo: ReportPhoto) -> None:
    """Remove a photo from an open version; its files go once the removal commits. An approved one's stay."""
    version = _open_version_for_photos(actor, photo.version)
    before = {"photo": attachment_delete(photo)}
    audit.record(actor=actor, action=Action.PROGRESS_PHOTO_REMOVE, obj=version, before=before)


# -- reviewing -------------------------------------------------------------------------------------------------------


def _heads_follow(versions: Sequence[ReportVersion]) -> None:
    """The MonthlyProgress rows of the versions' months made as the versions make them: updated by project and
    month without reading them (a month reported before has its row), inserted where none is."""
    pairs = {(version.project_id, version.month) for version in versions}
    present = set(MonthlyProgress.objects.filter(_pairs_q(pairs)).order_by().values_list("project_id", "month"))
    rows = []
    new = []
    for version in versions:
        if (version.project_id, version.month) in present:
            rows.append((*_head_values(version), version.project_id, version.month))
        else:
            new.append(version)
    bulk.update_rows(MonthlyProgress, HEAD_FIELDS, ["project", "month"], rows)
    _insert_heads(new)


def _review(
    *,
    actor: "User",
    versions: Sequence[ReportVersion],
    approve: bool,
    reason: str,
    batch: uuid.UUID,
    own: bool = False,
    at: datetime | None = None,
) -> list[ReportVersion]:
    """Move submitted `versions` to approved or returned, with their history, heads and audit. Checked by callers.

    Written as rows, whatever the count: the months' counting versions are read as values (not instances), the
    versions move in one conditional UPDATE, their MonthlyProgress rows in one executemany keyed by month.
    """
    now = at or timezone.now()
    target = ReportState.APPROVED if approve else ReportState.RETURNED
    ids = [version.pk for version in versions]
    pairs = {(version.project_id, version.month) for version in versions}
    counting = {
        (project_id, month): pk
        for pk, project_id, month in ReportVersion.objects.filter(
            _pairs_q(pairs), state=ReportState.APPROVED, counted_until__isnull=True
        )
        .order_by()
        .values_list("pk", "project_id", "month")
        if (project_id, month) in pairs
    }
    if approve and counting:
        # The amount a correction replaces stops counting now (first: one counting version per month).
        ReportVersion.objects.filter(pk__in=counting.values()).update(counted_until=now)
    updated = ReportVersion.objects.filter(pk__in=ids, state=ReportState.SUBMITTED).update(
        state=target, reviewed_by=actor, reviewed_at=now, return_reason=reason
    )
    if updated != len(set(ids)):
        raise Conflict(_("A report was reviewed or changed meanwhile; nothing was changed."))
    for version in versions:
        version.state = target
        version.reviewed_by = actor
        version.reviewed_at = now
        version.return_reason = reason
    # Approved, a version counts; returned, it stays what the figures show only while its month has no approved one.
    _heads_follow([version for version in versions if approve or (version.project_id, version.month) not in counting])
    _record_transitions([(version, ReportState.SUBMITTED) for version in versions], actor, now, reason=reason)
    message = _("Approved by the importing reviewer in the same step") if own else reason
    before = {"state": ReportState.SUBMITTED}  # one snapshot every record shares: converted once
    audit.record_bulk(
        actor=actor,
        action=Action.PROGRESS_APPROVE if approve else Action.PROGRESS_RETURN,
        batch=batch,
        entries=[
            _audit_entry(version, before=before, after=_snapshot(version), message=message) for version in versions
        ],
    )
    if not approve:
        notify(_returned_notice(version, reason) for version in versions if version.submitted_by_id)
    return list(versions)


def _returned_notice(version: ReportVersion, reason: str) -> Notice:
    """Tell the submitter their report came back, with the reason, and where to correct it."""
    month = version.month
    return Notice(
        kind=NoticeKind.REPORT_RETURNED,
        key=f"report:{version.pk}:returned",
        url=reverse("progress:report_edit", args=[version.project_id, month.year, month.month]),
        params={"project": version.project.name, "month": f"{month:%Y-%m}", "reason": reason},
        province=version.project.zone.province_id,
        users=[cast(int, version.submitted_by_id)],
    )


# A reviewed version's own fields, and of its project those reviewing reads (its name, its zone).
REVIEWED_FIELDS = [*(field.name for field in ReportVersion._meta.concrete_fields), "project__name", "project__zone"]


@transaction.atomic
def progress_review_bulk(
    *,
    actor: "User",
    versions: Sequence[ReportVersion],
    approve: bool,
    reason: str = "",
    batch: uuid.UUID | None = None,
    at: datetime | None = None,
) -> list[ReportVersion]:
    """Approve, or return with `reason`, every one of `versions` — all of them or none. `at` (now by default) is
    when the review happened, for a ledger loaded after the fact (the demo's reviews of months long past): the
    reports' history and figures known at a moment follow it; the audit records say when they were written.

    Refusals: PermissionDenied when the actor is no reviewer or a report lies outside their scope; OwnSubmission
    (四眼原则) for a report they submitted; TransitionRefused for one already approved, returned or not submitted;
    a missing reason; Conflict when one changed meanwhile.
    """
    if not actor.can_review:
        raise PermissionDenied(_("Only a reviewer may approve or return monthly reports."))
    if not approve:
        reason = check_reason(reason)
    # Of each project only its name and zone, and each zone once: a province's month is thousands of reports in a
    # hundred zones, and building every report's whole project and zone cost a third of approving them.
    fresh = list(
        ReportVersion.objects.select_related("project")
        .only(*REVIEWED_FIELDS)
        .filter(pk__in=[version.pk for version in versions])
    )
    if len(fresh) != len({version.pk for version in versions}):
        raise Conflict(_("A report no longer exists; nothing was changed."))
    zones = Zone.objects.in_bulk({version.project.zone_id for version in fresh})
    for zone in zones.values():
        if not zone_is_visible(actor, zone):
            raise PermissionDenied(_("You may not review monthly reports of %(zone)s.") % {"zone": zone})
    verb = Verb.APPROVE if approve else Verb.RETURN
    for version in fresh:
        version.project.zone = zones[version.project.zone_id]
        next_state(version.state, verb)
        check_four_eyes(submitter_id=version.submitted_by_id, reviewer_id=actor.pk)
    return _review(actor=actor, versions=fresh, approve=approve, reason=reason, batch=batch or audit.new_batch(), at=at)


def progress_approve(*, actor: "User", version: ReportVersion) -> ReportVersion:
    """Approve one submitted report: its amount counts in 完成投资 from now on."""
    return progress_review_bulk(actor=actor, versions=[version], approve=True)[0]


def progress_return(*, actor: "User", version: ReportVersion, reason: str) -> ReportVersion:
    """Return one submitted report to its zone with a reason; an approved amount it corrects keeps counting."""
    return progress_review_bulk(actor=actor, versions=[version], approve=False, reason=reason)[0]


# -- the annual plan -------------------------------------------------------------------------------------------------


@transaction.atomic
def plan_set(
    *,
    actor: "User",
    project: Project,
    year: int,
    amount: Decimal,
    months: Sequence[Decimal] | None = None,
) -> AnnualPlan:
    """Set a project's 年度计划投资 for `year`, spread evenly over its months unless `months` (twelve) are given."""
    if not zone_is_writable(actor, project.zone):
        raise PermissionDenied(_("You may not plan investment of %(zone)s.") % {"zone": project.zone})
    if not 2000 <= year <= 2999:
        raise ValidationError({"year": _("“%(value)s” is not a year.") % {"value": year}})
    try:
        amount = AMOUNT_FIELD.clean(amount, None)
        monthly = [AMOUNT_FIELD.clean(value, None) for value in months] if months is not None else None
    except ValidationError as error:
        raise ValidationError({"amount": error.messages}) from None
    if monthly is None:
        monthly = spread_evenly(amount)
    else:
        check_plan_months(amount, monthly)
    plan = AnnualPlan.objects.select_for_update().filter(project=project, year=year).first()
    before = {"amount": plan.amount, "months": plan.months} if plan else None
    if plan is None:
        plan = AnnualPlan(project=project, year=year)
    plan.amount = cast(Any, amount)
    plan.months = [int(value * 100) for value in monthly]
    plan.entered = months is not None
    plan.updated_at = timezone.now()
    plan.updated_by = actor
    plan.save()
    after = {"amount": plan.amount, "months": plan.months}
    if before != after:
        audit.record(actor=actor, action=Action.PLAN_SET, obj=plan, before=before, after=after)
    return plan
