"""Import a zone's ledger workbook: parse → validate every row → apply all in one transaction, or nothing.

    result = import_workbook(file=upload, user=request.user, dry_run=True, language="en",
                             progress=lambda done, total: ...)
    result.ok, result.applied                       # no errors; written (ok and not a dry run)
    result.created / .updated / .unchanged          # {sheet name: array of Excel row numbers}
    result.errors                                   # [RowError(sheet, row, column, message)], every one

`file` is a path, bytes or a file object. The rows are checked with the rules the services use:
`Project.full_clean` for the facts, `validate_uscc` for enterprises, `check_stage_order` for stage
events, the MonthlyProgress fields' validators for monthly amounts; rows go to zones the user may write
(`zone_is_writable`); months go through `progress_submit_bulk`, arriving submitted unless a reviewer asks
(`approve=True`) to approve them in the same step.

Rows are checked and written in chunks inside one transaction, so memory stays flat however long the
file is; any error (or a dry run) rolls the whole transaction back at the end. On an SQLite file that transaction
runs on a copy of the database, so no one waits for the import's write lock while it reads and checks the file: a
dry run (the check) throws its copy away (`core.db.working_copy`); an apply's writes are carried over to the
database in one short transaction (`core.db.staged_writes`), which refuses the whole file, writing nothing, when
someone changed the projects it changes meanwhile, and puts its audit records after theirs
(`audit.services.StagedChains`). On PostgreSQL, which locks rows, the import runs on the database itself.
The importer parses, matches and collects errors; the writes are the domain's bulk verbs (`projects_create_bulk`,
`projects_update_bulk`, `stage_events_record_bulk`, `enterprises_resolve_bulk`, `progress_submit_bulk`), which leave
one audit record per changed object, tied by the import's batch id to one summary record for the file (its name,
SHA-256 and counts).
"""

import gc
import operator
import threading
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import reduce
from itertools import batched

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zoneledger.accounts.scope import zone_is_writable
from zoneledger.audit import services as audit
from zoneledger.audit.actions import Action
from zoneledger.audit.models import AuditRecord
from zoneledger.campaigns.models import Round
from zoneledger.chains.models import Chain, ChainLink
from zoneledger.core.codes import validate_uscc
from zoneledger.core.db import staged_writes, working_copy
from zoneledger.core.errors import BulkRefused, Conflict, DomainError
from zoneledger.enterprises.services import enterprises_resolve_bulk
from zoneledger.progress.models import ReportTransition, ReportVersion
from zoneledger.progress.services import (
    MonthEntry,
    progress_entries_keeping_text,
    progress_submit_bulk,
)
from zoneledger.projects.choices import Stage
from zoneledger.projects.models import CODE_TAKEN, MonthlyProgress, Project, StageEvent
from zoneledger.projects.services import (
    ProjectChange,
    project_snapshot,
    projects_create_bulk,
    projects_update_bulk,
    stage_events_record_bulk,
)
from zoneledger.projects.workflow import LiveEvent, check_stage_order
from zoneledger.zones.models import Zone

from .cells import PARSERS, parse_text
from .columns import (
    FACT_KEYS,
    LEDGER_COLUMNS,
    LEDGER_SHEET,
    LOOKED_UP,
    MONTHLY_COLUMNS,
    MONTHLY_SHEET,
    STAGE_COLUMNS,
    ledger_column,
)
from .reader import SheetReader, Unreadable, open_workbook
from .tally import FirstRows, ProjectIds, RowNumbers

CHUNK_ROWS = 2000
# The most rows of one table a row of the file can add (a project, its events and their audit records; a month's
# versions, history and records), for the ids an apply sets aside; and the rows a sheet of unknown size may have.
ROWS_WRITTEN_PER_ROW = 8
EXCEL_ROWS = 1_048_576
# The tables an import writes most, which its copy of an SQLite database keeps with their unique indexes only
# (`core.db.working_copy`): the audit trail and the reports' history, which it only adds to, and the monthly rows and
# report versions, which it finds by project and month, the leading columns of each one's unique index.
UNIQUE_INDEXES_ONLY = tuple(
    model._meta.db_table for model in (AuditRecord, ReportTransition, ReportVersion, MonthlyProgress)
)
AMOUNT_FIELD = MonthlyProgress._meta.get_field("completed_investment")
# A refused month's error, by the service's field name, goes to the column that gave the value (else the amount's).
MONTHLY_COLUMN_OF = {"month": MONTHLY_COLUMNS[3], "physical_progress": MONTHLY_COLUMNS[5]}
# Each fact and what a row without it leaves in the project: None where the field takes it, else "".
FACT_BLANKS = [(key, None if Project._meta.get_field(key).null else "") for key in FACT_KEYS]


@dataclass(frozen=True)
class RowError:
    """One problem: the sheet, the Excel row number (None for the file as a whole), the column header, why."""

    sheet: str
    row: int | None
    column: str
    message: str

    def __str__(self):
        where = " · ".join(str(part) for part in (self.sheet, self.row and _("row %d") % self.row, self.column) if part)
        return f"{where}: {self.message}" if where else self.message


@dataclass
class ImportResult:
    dry_run: bool
    created: dict = field(default_factory=lambda: defaultdict(RowNumbers))
    updated: dict = field(default_factory=lambda: defaultdict(RowNumbers))
    unchanged: dict = field(default_factory=lambda: defaultdict(RowNumbers))
    errors: list = field(default_factory=list)
    events_added: int = 0

    @property
    def ok(self):
        return not self.errors

    @property
    def applied(self):
        return self.ok and not self.dry_run

    def count(self, outcome, sheet):
        return len(getattr(self, outcome).get(sheet, ()))


class RowRejected(Exception):
    """A row has errors (already recorded); it is not written."""


def import_workbook(*, file, user, dry_run=False, language=None, progress=None, filename="", approve=False):
    """Import a ledger workbook as `user`; see the module docstring. `approve`: a reviewer approves the months too."""
    result = ImportResult(dry_run=dry_run)
    with translation.override(language or settings.LANGUAGE_CODE), _rare_cycle_collections():
        try:
            with open_workbook(file) as book:
                _import_book(
                    book,
                    user=user,
                    result=result,
                    progress=progress,
                    filename=filename or file_name(file),
                    approve=approve,
                )
        except Unreadable as refusal:  # refused on opening, or found damaged part of the way (rolled back)
            result.errors.append(RowError("", None, "", str(refusal)))
    sheets = [LEDGER_SHEET, MONTHLY_SHEET]
    result.errors.sort(key=lambda error: (sheets.index(error.sheet) if error.sheet in sheets else -1, error.row or 0))
    return result


class _RareCycleCollections:
    """Python's cycle collector runs 25 times less often while any import runs (in this process, as its setting
    is the process's), and as before once none does.

    An import allocates millions of short-lived tuples, dicts and lists and makes next to no cycles; at the
    default threshold the collector ran about 1,900 times during the benchmark's import, 10 % of its time, and
    freed nothing that mattered (the peak memory is the same with it off).
    """

    FIRST_GENERATION_THRESHOLD = 50_000

    def __init__(self):
        self.lock, self.running, self.saved = threading.Lock(), 0, None

    @contextmanager
    def __call__(self):
        with self.lock:
            if not self.running:
                self.saved = gc.get_threshold()
                gc.set_threshold(self.FIRST_GENERATION_THRESHOLD, *self.saved[1:])
            self.running += 1
        try:
            yield
        finally:
            with self.lock:
                self.running -= 1
                if not self.running:
                    gc.set_threshold(*self.saved)


_rare_cycle_collections = _RareCycleCollections()


def file_name(file):
    return getattr(file, "name", "") or ("" if isinstance(file, bytes) else str(file)[:200])


def _import_book(book, *, user, result, progress, filename, approve=False):
    if approve and not user.can_review:
        result.errors.append(RowError(MONTHLY_SHEET, None, "", _("Only a reviewer may approve monthly reports.")))
        return
    if LEDGER_SHEET not in book.sheet_names:
        message = _("The workbook has no sheet called %(sheet)s.") % {"sheet": LEDGER_SHEET}
        result.errors.append(RowError(LEDGER_SHEET, None, "", message))
        return
    sheets = [book.sheet(name) for name in (LEDGER_SHEET, MONTHLY_SHEET) if name in book.sheet_names]
    if result.dry_run:
        with working_copy(unique_indexes_only=UNIQUE_INDEXES_ONLY), transaction.atomic():
            _run(sheets, user=user, result=result, progress=progress, approve=approve, filename=filename, book=book)
            transaction.set_rollback(True)
        return
    rows = sum(sheet.total_height or EXCEL_ROWS for sheet in sheets)
    with staged_writes(set_aside=ROWS_WRITTEN_PER_ROW * rows + 1000, unique_indexes_only=UNIQUE_INDEXES_ONLY) as staged:
        with transaction.atomic():
            _run(sheets, user=user, result=result, progress=progress, approve=approve, filename=filename, book=book)
            if not result.applied:
                transaction.set_rollback(True)
        if staged is not None and result.applied:
            _carry_over(staged, result)


def _run(sheets, *, user, result, progress, approve, filename, book):
    run = _Import(user=user, result=result, progress=progress, approve=approve)
    run.ledger(sheets[0])
    if len(sheets) > 1:
        run.monthly(sheets[1])
    if result.ok:
        run.audit(filename=filename, sha256=book.sha256)


def _carry_over(staged, result):
    """Write what the apply wrote to its copy of the database (`core.db.staged_writes`) in one short transaction;
    if someone changed the projects it changes meanwhile, nothing, and the file's error says so."""
    chains = audit.StagedChains(first_id=staged.first_id(AuditRecord._meta.db_table))
    try:
        staged.carry_over(
            scope=(Project._meta.db_table, "project_id"),
            own=chains.tables,
            before=chains.prepare,
            during=chains.append,
        )
    except Conflict as conflict:
        result.errors.append(RowError("", None, "", conflict.message))
    finally:
        with connection.cursor() as cursor:
            chains.close(cursor)


def _messages(error):
    return [str(message) for message in error.messages]


class _Memo(dict):
    """Outcomes of pure checks by their input, for one import (one language); forgotten when it holds
    `limit` of them, so memory stays flat however many distinct values the file has."""

    def __init__(self, limit=50_000):
        super().__init__()
        self.limit = limit

    def remember(self, key, outcome):
        if len(self) >= self.limit:
            self.clear()
        self[key] = outcome
        return outcome


class SheetChecks:
    """What every workbook import shares: its errors by sheet, row and column (collected in `result.errors`), a sheet
    opened against its template (a missing or repeated column reported), and cells parsed by their column's kind.

    The ledger's import (`_Import`) and the approval platform's (`ingest.approvals`) are both one of these.
    """

    def __init__(self, result):
        self.result = result
        self.total = 0  # the rows of the sheets opened, for the progress
        self.parsed = {kind: _Memo() for kind in PARSERS}
        self.plans = {}  # id(template) → (template, its columns as `_parse_cells` reads them)

    def error(self, sheet, row, column, message):
        self.result.errors.append(RowError(sheet, row, column.header if column else "", str(message)))

    def _open(self, sheet, template, name):
        reader = SheetReader(sheet, template)
        for column in reader.missing:
            self.error(name, reader.header_row or 1, column, _("The required column is missing."))
        for column in reader.repeated:
            self.error(name, reader.header_row, column, _("The column appears twice."))
        self.total += reader.total
        return None if reader.missing or reader.repeated else reader

    def _parse(self, sheet, number, cells, template):
        """The row's values by column key, parsed; errors recorded per cell (then RowRejected)."""
        values, failed = self._parse_cells(sheet, number, cells, template)
        if failed:
            raise RowRejected
        return values

    def _parse_cells(self, sheet, number, cells, template):
        """(the values of the row's cells that parse, by column key; whether any cell failed), each failing cell's
        errors recorded.

        A cell's outcome, (value, error messages), is remembered per kind of column, as files repeat their
        codes (a project's on each of its months), months, dates and amounts.
        """
        values, failed = {}, False
        for column, name, required, memo, check in self._plan(template):
            raw = cells.get(name)
            if raw is None:
                if required:
                    self.error(sheet, number, column, _("This column is required."))
                    failed = True
                continue
            # Text is its own key; other cells are keyed with their type too, as 1.0 == 1 == True.
            key = raw if raw.__class__ is str else (raw.__class__, raw)
            outcome = memo.get(key)
            if outcome is None:
                outcome = memo.remember(key, self._outcome(check, raw))
            value, messages = outcome
            if messages:
                for message in messages:
                    self.error(sheet, number, column, message)
                failed = True
            else:
                values[name] = value
        return values, failed

    def _plan(self, template):
        """Each column of `template` with what parsing a cell of it needs, looked up once per template (this runs
        for every cell of the file)."""
        known = self.plans.get(id(template))
        if known is None or known[0] is not template:
            plan = [(c, c.key, c.required, self.parsed[c.kind], PARSERS[c.kind]) for c in template]
            known = self.plans[id(template)] = (template, plan)
        return known[1]

    @staticmethod
    def _outcome(check, value):
        try:
            return check(value), None
        except ValidationError as error:
            return None, _messages(error)


class _Import(SheetChecks):
    def __init__(self, *, user, result, progress, approve=False):
        super().__init__(result)
        self.user, self.progress = user, progress
        # Months arrive submitted whoever imports them, unless a reviewer asks to approve them in the same step.
        self.approve = approve
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.zones, self.zones_by_pk = {}, {}
        for zone in Zone.objects.select_related(None):
            self.zones_by_pk[zone.pk] = zone
            self.zones.setdefault(zone.name, zone)
            if zone.short_name:
                self.zones.setdefault(zone.short_name, zone)
        self.writable = {zone.pk for zone in self.zones.values() if zone_is_writable(user, zone)}
        # Rounds and chains are a province's: a row's are looked up in its zone's province.
        self.rounds = {(r.province_id, r.year, r.sequence): r for r in Round.objects.visible_to(user)}
        self.chains = {(chain.province_id, chain.name): chain for chain in Chain.objects.visible_to(user)}
        self.links = {(link.chain_id, link.name): link for link in ChainLink.objects.all()}
        # A new project's values as Project() leaves them, in field order: the quick way into Model.__init__
        # (three times quicker than by name).
        blank = Project()
        self.new_project = [getattr(blank, field.attname) for field in Project._meta.concrete_fields]
        self.rejected_keys = {}  # the key of each ledger row that failed → its row number
        self.first_rows = FirstRows()  # the ledger row that named each project
        self.created_ids = ProjectIds()
        self.batch = audit.new_batch()  # ties the audit record of each changed object to the file's summary
        self.monthly_updated = []
        self.done = 0
        self.memo = _Memo()

    # -- shared ------------------------------------------------------------------------------------
    def _tick(self, rows):
        self.done += rows
        if self.progress:
            self.progress(self.done, max(self.total, self.done))

    def _zone(self, sheet, number, name, *, column):
        zone = self.zones.get(name)
        if zone is None:
            self.error(sheet, number, column, _("“%(value)s” is not a zone in zoneledger.") % {"value": name})
            raise RowRejected
        if zone.pk not in self.writable:
            self.error(sheet, number, column, _("You may not import projects of %(zone)s.") % {"zone": zone.name})
            raise RowRejected
        return zone

    # -- the ledger sheet --------------------------------------------------------------------------
    def ledger(self, sheet):
        reader = self._open(sheet, LEDGER_COLUMNS, LEDGER_SHEET)
        if reader is None:
            return
        for chunk in batched(reader.rows(), CHUNK_ROWS):
            parsed = []
            for number, cells in chunk:
                try:
                    parsed.append((number, *self._ledger_row(number, cells)))
                except RowRejected:
                    self._reject_keys(number, cells.get("code"), cells.get("zone"), cells.get("name"))
            self._ledger_chunk(parsed)
            self._tick(len(chunk))

    def _ledger_row(self, number, cells):
        """(zone, parsed values) of a ledger row whose cells pass their own checks; else RowRejected.

        Every cell is checked before the row is rejected, so a row's errors are all reported at once.
        """
        values, failed = self._parse_cells(LEDGER_SHEET, number, cells, LEDGER_COLUMNS)
        zone = None
        try:
            if "zone" in values:  # else its cell's error is reported
                zone = self._zone(LEDGER_SHEET, number, values["zone"], column=ledger_column("zone"))
        except RowRejected:
            failed = True
        try:
            self._check_enterprise(number, values)
        except RowRejected:
            failed = True
        if failed:
            raise RowRejected
        return zone, values

    def _reject_keys(self, number, code, zone, name):
        """Remember the keys of a ledger row that failed (its cells, parsed or not): another row naming the same
        project is reported against it, and the project's monthly rows are left out silently."""
        code, zone, name = (_key_text(value) for value in (code, zone, name))
        if code:
            self.rejected_keys.setdefault(("code", code), number)
        zone = self.zones.get(zone)
        if zone and name:
            self.rejected_keys.setdefault(("name", zone.pk, name), number)

    def _check_not_named_above(self, number, zone, values, named, coded, new_rows):
        """A row naming a project that a row above it named (or gave the keys of, and failed) is a repeat."""
        keys = (("name", ("name", zone.pk, values["name"]), named), ("code", ("code", values.get("code")), coded))
        earlier = [
            (row, column)
            for column, key, found in keys
            for row in (self.rejected_keys.get(key), self._row_naming(found, new_rows))
            if row is not None and row < number
        ]
        if earlier:
            first_row, column = min(earlier, key=lambda found: found[0])  # the name's column first on a tie
            self.error(
                LEDGER_SHEET,
                number,
                ledger_column(column),
                _("The same project is already in row %(row)s.") % {"row": first_row},
            )
            raise RowRejected

    def _row_naming(self, project, new_rows):
        """The row of the file that named the project, if one did."""
        if project is None:
            return None
        return self.first_rows.row_of(project.pk) if project.pk else new_rows.get(id(project))

    def _ledger_chunk(self, parsed):
        codes = {values["code"] for _, _, values in parsed if values.get("code")}
        names_by_zone = defaultdict(set)
        for _number, zone, values in parsed:
            names_by_zone[zone.pk].add(values["name"])
        # Each zone with its own names: one zone's names searched in every zone cost a look-up per pair.
        named = [Q(zone_id=zone_id, name__in=names) for zone_id, names in names_by_zone.items()]
        existing = (
            Project.objects.select_for_update(of=("self",))
            .filter(reduce(operator.or_, named, Q(code__in=codes)))
            .select_related("zone", "enterprise", "chain", "chain_link")
            .order_by()
        )
        by_code, by_name = {}, {}
        for project in existing:
            if project.code:
                by_code[project.code] = project
            by_name[(project.zone_id, project.name)] = project
        events = defaultdict(dict)
        for project_id, stage, happened_on, round_id in (
            StageEvent.objects.live()
            .filter(project__in=list(by_name.values()))
            .values_list("project_id", "stage", "happened_on", "round_id")
        ):
            events[project_id][stage] = (happened_on, round_id)
        enterprises = self._enterprises(parsed)
        new_projects, new_events, changes = [], [], []
        new_rows = {}  # id(new project) → the row of this chunk that named it (it has no primary key yet)
        for number, zone, values in parsed:
            project = None
            try:
                project, before = self._match(number, zone, values, by_code, by_name, new_rows)
                self._set_facts(number, project, zone, values, enterprises)
                added = self._stage_events(number, zone, values, events.get(project.pk, {}))
            except RowRejected:
                self._reject_keys(number, values.get("code"), zone.name, values["name"])
                if project is not None:  # later rows of the chunk find it by the row's keys, and are repeats
                    _index(by_code, by_name, project, zone, values)
                continue
            _index(by_code, by_name, project, zone, values, before=before)
            if before is None:
                new_projects.append((number, project, added))
                continue
            new_events.extend((project, event) for event in added)
            after = project_snapshot(project)
            if after != before:
                changes.append(ProjectChange(project, before, after))
                self.result.updated[LEDGER_SHEET].append(number)
            elif added:
                self.result.updated[LEDGER_SHEET].append(number)
            else:
                self.result.unchanged[LEDGER_SHEET].append(number)
        projects_update_bulk(actor=self.user, changes=changes, batch=self.batch, at=self.now)
        stage_events_record_bulk(actor=self.user, events=new_events, batch=self.batch, at=self.now)
        self.result.events_added += len(new_events)
        self._create(new_projects)

    def _match(self, number, zone, values, by_code, by_name, new_rows):
        """(the project the row names, its facts before) — a new unsaved Project and None when it is new.

        The row names a project by its code, else by its zone and name, as the rows above left the ledger; a
        project is named by one row of the file only, which is remembered (`first_rows`, `new_rows`).
        """
        code = values.get("code")
        named = by_name.get((zone.pk, values["name"]))
        coded = by_code.get(code) if code else None
        if coded is not None and coded.zone_id not in self.writable:
            # The project form's answer, before anything that would tell where the code is held.
            self.error(LEDGER_SHEET, number, ledger_column("code"), str(CODE_TAKEN))
            raise RowRejected
        self._check_not_named_above(number, zone, values, named, coded, new_rows)
        if coded and named and coded is not named:
            self.error(
                LEDGER_SHEET,
                number,
                ledger_column("name"),
                _("Another project of %(zone)s is already called “%(name)s”.") % {"zone": zone, "name": values["name"]},
            )
            raise RowRejected
        project = coded or named
        if project is None:
            project = Project(*self.new_project)  # its facts are set next
            new_rows[id(project)] = number
            return project, None
        if coded is None and code and project.code:
            self.error(
                LEDGER_SHEET,
                number,
                ledger_column("code"),
                _("The project “%(name)s” has the code %(code)s in zoneledger.")
                % {"name": project.name, "code": project.code},
            )
            raise RowRejected
        self.first_rows.add(project.pk, number)
        return project, project_snapshot(project)

    def _check_enterprise(self, number, values):
        """A USCC is checked (and normalised) as `enterprise_resolve` does, and needs the enterprise's name."""
        if not values.get("uscc"):
            return
        try:
            values["uscc"] = validate_uscc(values["uscc"])
        except ValidationError as error:
            self.error(LEDGER_SHEET, number, ledger_column("uscc"), _messages(error)[0])
            raise RowRejected from None
        if not values.get("enterprise"):
            self.error(LEDGER_SHEET, number, ledger_column("enterprise"), _("Give the enterprise's name."))
            raise RowRejected

    def _enterprises(self, parsed):
        """Enterprises by USCC (or by name, for those without one) for the chunk's rows, the new ones created."""
        wanted = {
            _enterprise_key(values): values["enterprise"] for _n, _z, values in parsed if values.get("enterprise")
        }
        return enterprises_resolve_bulk(actor=self.user, wanted=wanted, batch=self.batch)

    def _set_facts(self, number, project, zone, values, enterprises):
        """Put the row's facts on the project and check them with the model's own validation."""
        for key, blank in FACT_BLANKS:
            setattr(project, key, values.get(key, blank))
        project.zone = zone
        project.enterprise = enterprises[_enterprise_key(values)] if values.get("enterprise") else None
        project.enterprise_name = values.get("enterprise") or ""  # as the row gives it, whatever the USCC's row says
        project.chain, project.chain_link = self._chain(number, zone, values)
        try:
            project.full_clean(exclude=LOOKED_UP, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                column = None if name == NON_FIELD_ERRORS else ledger_column(name)
                for message in messages:
                    self.error(LEDGER_SHEET, number, column, message)
            raise RowRejected from None

    def _chain(self, number, zone, values):
        chain = link = None
        if values.get("chain"):
            chain = self.chains.get((zone.province_id, values["chain"]))
            if chain is None:
                self.error(
                    LEDGER_SHEET,
                    number,
                    ledger_column("chain"),
                    _("“%(value)s” is not an industry chain in zoneledger.") % {"value": values["chain"]},
                )
                raise RowRejected
        if values.get("chain_link"):
            link = self.links.get((chain.pk if chain else None, values["chain_link"]))
            if link is None:
                self.error(
                    LEDGER_SHEET,
                    number,
                    ledger_column("chain_link"),
                    _("“%(value)s” is not a link of the chain “%(chain)s”.")
                    % {"value": values["chain_link"], "chain": values.get("chain", "")},
                )
                raise RowRejected
        return chain, link

    def _stage_events(self, number, zone, values, existing):
        """The row's new stage events as (stage, date, round id), checked against the live ones.

        A date (or round) that contradicts a live event is an error: the file never overwrites the ledger.
        """
        live = [LiveEvent(stage, happened_on) for stage, (happened_on, _round) in existing.items()]
        added, failed = [], False
        for stage, date_column, round_column in STAGE_COLUMNS:
            happened_on = values.get(date_column.key)
            round_ = None
            if round_column and round_column.key in values:
                round_ = self.rounds.get((zone.province_id, *values[round_column.key]))
                if round_ is None:
                    self.error(
                        LEDGER_SHEET,
                        number,
                        round_column,
                        _("Round %(label)s is not defined in zoneledger.")
                        % {"label": "{}-{}".format(*values[round_column.key])},
                    )
                    failed = True
                elif happened_on is None:
                    self.error(
                        LEDGER_SHEET,
                        number,
                        round_column,
                        _("A round needs the date in %(column)s.") % {"column": date_column.header},
                    )
                    failed = True
            if happened_on is None:
                continue
            if stage in existing:
                recorded_on, recorded_round = existing[stage]
                if recorded_on != happened_on or (round_ and round_.pk != recorded_round):
                    self.error(
                        LEDGER_SHEET,
                        number,
                        date_column if recorded_on != happened_on else round_column,
                        _(
                            "The ledger already records “%(stage)s” on %(date)s%(round)s; "
                            "void that event first if the file is right."
                        )
                        % {
                            "stage": Stage(stage).label,
                            "date": recorded_on,
                            "round": self._round_label(recorded_round),
                        },
                    )
                    failed = True
                continue
            try:
                check_stage_order(live, stage, happened_on, today=self.today)
            except ValidationError as error:
                for message in _messages(error):
                    self.error(LEDGER_SHEET, number, date_column, message)
                failed = True
                continue
            live.append(LiveEvent(stage, happened_on))
            added.append((stage, happened_on, round_.pk if round_ else None))
        if failed:
            raise RowRejected
        return added

    def _round_label(self, round_id):
        labels = {r.pk: r.label for r in self.rounds.values()}
        return f" ({labels[round_id]})" if round_id else ""

    def _create(self, new_projects):
        projects_create_bulk(
            actor=self.user,
            projects=[(project, added) for _number, project, added in new_projects],
            batch=self.batch,
            at=self.now,
        )
        for number, project, added in new_projects:
            self.result.created[LEDGER_SHEET].append(number)
            self.result.events_added += len(added)
            self.created_ids.add(project.pk)
            self.first_rows.add(project.pk, number)

    # -- the monthly sheet -------------------------------------------------------------------------
    def monthly(self, sheet):
        reader = self._open(sheet, MONTHLY_COLUMNS, MONTHLY_SHEET)
        if reader is None:
            return
        # The months the file gave each project so far, as a bit per month: (project id, year) → 12-bit mask. A
        # row number for every month would make memory grow with the file; the rows a repeat repeats are found
        # afterwards, by reading the sheet again, only when there are repeats.
        months_given, repeats = {}, defaultdict(list)
        approve = self.approve
        for size, named in self._monthly_rows(reader):
            rows = []
            for number, project_id, key, values in named:
                if project_id is None:
                    column = MONTHLY_COLUMNS[0] if key[0] == "code" else MONTHLY_COLUMNS[1]
                    self.error(MONTHLY_SHEET, number, column, _("No project of yours matches this row."))
                    continue
                month = values["month"]
                slot, bit = project_id << 14 | month.year, 1 << month.month
                given = months_given.get(slot, 0)
                if given & bit:
                    repeats[(project_id, month)].append(number)
                    continue
                months_given[slot] = given | bit
                rows.append(
                    (number, project_id, month, values["completed_investment"], values.get("physical_progress"))
                )
            self._monthly_chunk(rows, approve)
            self._tick(size)
        if repeats:
            self._report_repeats(sheet, repeats)

    def _monthly_rows(self, reader):
        """The monthly sheet a chunk at a time: its size in rows, and for each row that passes its own checks
        (row number, the id of the project it names or None, the project's key, the parsed values).

        Projects are found in the database, where the ledger sheet's rows already are: nothing is kept per
        project from one chunk to the next.
        """
        for chunk in batched(reader.rows(), CHUNK_ROWS):
            parsed = []
            for number, cells in chunk:
                try:
                    parsed.append((number, *self._monthly_row(number, cells)))
                except RowRejected:
                    continue
            found = self._projects_named({key for _n, key, _v in parsed})
            yield len(chunk), [(number, found.get(key), key, values) for number, key, values in parsed]

    def _monthly_row(self, number, cells):
        """(project key, parsed values) of a monthly row that passes its own checks; else RowRejected."""
        values = self._parse(MONTHLY_SHEET, number, cells, MONTHLY_COLUMNS)
        key = self._monthly_key(number, values)
        if key in self.rejected_keys:
            raise RowRejected
        self._monthly_value(number, values)
        return key, values

    def _report_repeats(self, sheet, repeats):
        """'Already in row N' for each repeated (project, month), N found by reading the sheet again."""
        first_rows = {}
        reported, self.result.errors = self.result.errors, []  # the second reading's own errors were reported
        try:
            for _size, named in self._monthly_rows(SheetReader(sheet, MONTHLY_COLUMNS)):
                for number, project_id, _key, values in named:
                    if (project_id, values["month"]) in repeats:
                        first_rows.setdefault((project_id, values["month"]), number)
                if len(first_rows) == len(repeats):
                    break
        finally:
            self.result.errors = reported
        for repeat, numbers in repeats.items():
            message = _("The same project and month are already in row %(row)s.") % {"row": first_rows[repeat]}
            for number in numbers:
                self.error(MONTHLY_SHEET, number, MONTHLY_COLUMNS[3], message)

    def _monthly_key(self, number, values):
        if values.get("code"):
            return ("code", values["code"])
        if values.get("zone") and values.get("name"):
            zone = self._zone(MONTHLY_SHEET, number, values["zone"], column=MONTHLY_COLUMNS[2])
            return ("name", zone.pk, values["name"])
        self.error(MONTHLY_SHEET, number, MONTHLY_COLUMNS[0], _("Give the project code, or the project name and zone."))
        raise RowRejected

    def _monthly_value(self, number, values):
        failed = False
        if values["month"] > self.today:
            self.error(MONTHLY_SHEET, number, MONTHLY_COLUMNS[3], _("The month is in the future."))
            failed = True
        amount = values["completed_investment"]
        key = (AMOUNT_FIELD, amount)
        outcome = self.memo.get(key)
        if outcome is None:
            outcome = self.memo.remember(key, self._outcome(AMOUNT_FIELD.run_validators, amount))
        for message in outcome[1] or ():
            self.error(MONTHLY_SHEET, number, MONTHLY_COLUMNS[4], message)
            failed = True
        if failed:
            raise RowRejected

    def _projects_named(self, keys):
        """{key: project id} for the keys naming a project the user may write."""
        codes = {key[1] for key in keys if key[0] == "code"}
        names_by_zone = defaultdict(set)
        for key in keys:
            if key[0] == "name":  # its zone is one the user may write (`_monthly_key`)
                names_by_zone[key[1]].add(key[2])
        named = [Q(zone_id=zone_id, name__in=names) for zone_id, names in names_by_zone.items()]
        if not codes and not named:
            return {}
        found = {}
        for pk, code, zone_id, name in (
            Project.objects.filter(reduce(operator.or_, named, Q(code__in=codes)))
            .order_by()
            .values_list("pk", "code", "zone_id", "name")
        ):
            # The zones are checked here, not in SQL, where the planner may prefer the zone's index to the code's
            # and read every project of the user's zones for each chunk.
            if zone_id in self.writable:
                for key in (("code", code), ("name", zone_id, name)):
                    if key in keys:
                        found[key] = pk
        return found

    def _monthly_chunk(self, rows, approve):
        """Submit (or, for a reviewer who asked, approve) a chunk's months through `progress_submit_bulk`.

        The service applies the rules of a person's submission: a month of an approved report becomes a correction
        that counts once approved; refusals come back per row. Its audit records share this import's batch.
        """
        if not rows:
            return
        projects = Project.objects.in_bulk({row[1] for row in rows})
        for project in projects.values():
            project.zone = self.zones_by_pk[project.zone_id]  # the zones read at the start, not once per project
        entries = [
            MonthEntry(projects[project_id], month, amount, physical or "")
            for _n, project_id, month, amount, physical in rows
        ]
        # A blank 形象进度 (or none in the sheet) keeps the report's own, and its note: the sheet says nothing of them.
        # A project this file created has no month but the file's, each given once: nothing to keep.
        ours = [row[1] in self.created_ids for row in rows]
        kept = iter(progress_entries_keeping_text([entry for entry, new in zip(entries, ours, strict=True) if not new]))
        entries = [entry if new else next(kept) for entry, new in zip(entries, ours, strict=True)]
        try:
            outcome = progress_submit_bulk(actor=self.user, entries=entries, approve=approve, batch=self.batch)
        except BulkRefused as refused:
            for position, error in refused.errors.items():
                number = rows[position][0]
                for key, messages in error.message_dict.items():
                    column = MONTHLY_COLUMN_OF.get(key, MONTHLY_COLUMNS[4])
                    for message in messages:
                        self.error(MONTHLY_SHEET, number, column, message)
            return
        except DomainError as refused:
            for number, *_rest in rows:
                self.error(MONTHLY_SHEET, number, MONTHLY_COLUMNS[4], refused.message)
            return
        for kind in ("created", "updated", "unchanged"):
            for position in getattr(outcome, kind):
                getattr(self.result, kind)[MONTHLY_SHEET].append(rows[position][0])
        for position in outcome.updated:
            self.monthly_updated.append({"report": outcome.version_ids[position], "month": str(rows[position][2])})

    # -- the audit record --------------------------------------------------------------------------
    def audit(self, *, filename, sha256):
        result = self.result
        audit.record(
            actor=self.user,
            action=Action.INGEST_IMPORT,
            batch=self.batch,
            after={
                "file": filename,
                "sha256": sha256,
                "projects_created": result.count("created", LEDGER_SHEET),
                "projects_updated": result.count("updated", LEDGER_SHEET),
                "stage_events_added": result.events_added,
                "monthly_created": result.count("created", MONTHLY_SHEET),
                "monthly_updated": self.monthly_updated,
                "monthly_approved": bool(self.approve),
            },
            message=_("Imported %(file)s") % {"file": filename},
        )


def _index(by_code, by_name, project, zone, values, *, before=None):
    """Point the row's code and name at the project for the chunk's later rows; once a row has changed a project
    (`before`: its facts before), its old name and code name no project."""
    if before is not None:
        by_name.pop((before["zone"], before["name"]), None)
        by_code.pop(before["code"], None)
    by_name[(zone.pk, values["name"])] = project
    if values.get("code"):
        by_code[values["code"]] = project


def _key_text(value):
    """A key cell's text as `parse_text` reads it, or None where it is not text."""
    try:
        return parse_text(value) if value is not None else None
    except ValidationError:
        return None


def _enterprise_key(values):
    return ("uscc", values["uscc"]) if values.get("uscc") else ("name", values["enterprise"])
