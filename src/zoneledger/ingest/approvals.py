"""The approval platform's workbook (全国投资项目在线审批监管平台): one sheet of approval items, in and out.

    result = import_approvals(file=upload, user=request.user, dry_run=True, language="en")
    result.ok, result.applied, result.errors        # as the ledger's import (importer.ImportResult, RowError)
    result.created / .updated / .unchanged          # {sheet name: Excel row numbers}
    result.unmatched                                 # rows whose code no project holds yet: kept, waiting

The sheet (审批事项, or the workbook's only sheet) has the columns 项目代码、事项名称、审批部门、办理状态、批复文号、
办结日期、承诺期限, in any order. Every row is checked and every error reported at its row and column: the code's
shape, a matter or a state the platform does not use, a date that is not one, 已办 without its date, 承诺制待补
without its due date, the same item (code and matter) twice. Then the rows go through `approvals_save_bulk`, whose
refusals (a code of another province, an item another zone keeps) come back at their rows too. All rows or
nothing, in one transaction; an item equal to what is stored is left alone, so importing a file twice changes
nothing the second time. A row whose code no project holds is kept unmatched, for the zone to link or create its
project; it is matched when a project gets the code.

Reading and error collection are the ledger import's (`reader.open_workbook`, `importer.SheetChecks`).
"""

from dataclasses import dataclass, field
from itertools import batched

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zoneledger.approvals.choices import MATTER_WORDS, STATE_WORDS, ApprovalState, Matter
from zoneledger.approvals.services import ApprovalEntry, approvals_save_bulk
from zoneledger.audit import services as audit
from zoneledger.audit.actions import Action
from zoneledger.core.codes import validate_project_code
from zoneledger.core.errors import BulkRefused

from .columns import DATE, FORMAT_HELP, GUIDE_SHEET, Column
from .importer import ImportResult, RowError, RowRejected, SheetChecks, file_name
from .reader import Unreadable, open_workbook
from .tally import RowNumbers
from .writer import ROW_POINTS, TemplateBook, print_setup, sheet_heading, wrapped_lines

APPROVALS_SHEET = "审批事项"
CHUNK_ROWS = 2000

# The platform's words for each matter and state as the template offers them (the import takes more: choices.py).
MATTER_NAMES = {
    Matter.FILING: "备案/核准/审批",
    Matter.LAND_PREVIEW: "用地预审与选址",
    Matter.LAND_PLANNING: "建设用地规划许可",
    Matter.WORKS_PLANNING: "建设工程规划许可",
    Matter.ENVIRONMENT: "环评批复",
    Matter.ENERGY: "节能审查",
    Matter.CONSTRUCTION: "施工许可",
    Matter.COMPLETION: "竣工验收",
}
STATE_NAMES = {
    ApprovalState.NOT_STARTED: "未办",
    ApprovalState.IN_PROGRESS: "在办",
    ApprovalState.DONE: "已办",
    ApprovalState.COMMITMENT: "承诺制待补",
}

APPROVAL_COLUMNS = (
    Column(
        "项目代码",
        "project_code",
        required=True,
        width=28,
        help=gettext_lazy("The national project code, e.g. 2025-141121-30-03-012345 (GB/T 40058-2021)."),
    ),
    Column(
        "事项名称",
        "matter",
        required=True,
        width=20,
        help=gettext_lazy(
            "The matter as the platform names it, from the drop-down (备案/核准/审批, 环评批复, 施工许可 …)."
        ),
    ),
    Column("审批部门", "authority", width=28, help=gettext_lazy("The authority that handles it.")),
    Column(
        "办理状态",
        "state",
        required=True,
        width=12,
        help=gettext_lazy("未办, 在办, 已办 or 承诺制待补."),
    ),
    Column("批复文号", "document_number", width=24, help=gettext_lazy("The decision's document number.")),
    Column("办结日期", "decided_on", DATE, width=12, help=gettext_lazy("The date decided; required when 已办.")),
    Column(
        "承诺期限",
        "papers_due_on",
        DATE,
        width=12,
        help=gettext_lazy("The date the missing papers are due; required when 承诺制待补."),
    ),
)
_COLUMN = {column.key: column for column in APPROVAL_COLUMNS}
UNKNOWN_WORD = {
    "matter": gettext_lazy("“%(value)s” is not an approval matter: use %(names)s."),
    "state": gettext_lazy("“%(value)s” is not an approval state: use %(names)s."),
}


@dataclass
class ApprovalsImportResult(ImportResult):
    """The ledger import's result, and the rows whose code no project holds yet (kept unmatched)."""

    unmatched: RowNumbers = field(default_factory=RowNumbers)

    def summary(self):
        """What the import did (or would do), in a line for the page and the command."""
        counts = {
            outcome: sum(map(len, getattr(self, outcome).values())) for outcome in ("created", "updated", "unchanged")
        }
        return _(
            "%(created)d new, %(updated)d updated, %(unchanged)d unchanged; %(unmatched)d wait for their project."
        ) % (counts | {"unmatched": len(self.unmatched)})


def import_approvals(*, file, user, dry_run=False, language=None, filename=""):
    """Import the platform's workbook as `user`; see the module docstring."""
    result = ApprovalsImportResult(dry_run=dry_run)
    with translation.override(language or settings.LANGUAGE_CODE):
        try:
            with open_workbook(file) as book:
                _import_book(book, user=user, result=result, filename=filename or file_name(file))
        except Unreadable as refusal:
            result.errors.append(RowError("", None, "", str(refusal)))
    result.errors.sort(key=lambda error: (error.row or 0, _column_order(error.column)))
    return result


def _column_order(header):
    return next((position for position, column in enumerate(APPROVAL_COLUMNS) if column.header == header), -1)


def _import_book(book, *, user, result, filename):
    if not user.can_edit:
        result.errors.append(RowError("", None, "", _("You may not change approval items.")))
        return
    name = APPROVALS_SHEET if APPROVALS_SHEET in book.sheet_names else (book.sheet_names or [None])[0]
    if name is None:
        result.errors.append(RowError("", None, "", _("The workbook has no sheet.")))
        return
    with transaction.atomic():
        run = _ApprovalsImport(user=user, result=result, sheet=name)
        run.rows(book.sheet(name))
        if result.ok:
            run.audit(filename=filename, sha256=book.sha256)
        if not result.applied:
            transaction.set_rollback(True)


class _ApprovalsImport(SheetChecks):
    def __init__(self, *, user, result, sheet):
        super().__init__(result)
        self.user, self.sheet = user, sheet
        self.first_rows = {}  # (code, matter) → the row that first gave the item
        self.batch = audit.new_batch()

    def rows(self, sheet):
        reader = self._open(sheet, APPROVAL_COLUMNS, self.sheet)
        if reader is None:
            return
        for chunk in batched(reader.rows(), CHUNK_ROWS):
            checked = []
            for number, cells in chunk:
                try:
                    checked.append((number, self._entry(number, cells)))
                except RowRejected:
                    continue
            self._save(checked)

    def _entry(self, number, cells):
        """The row as an ApprovalEntry when its cells pass their own checks; else RowRejected (errors recorded)."""
        values, failed = self._parse_cells(self.sheet, number, cells, APPROVAL_COLUMNS)
        code = values.get("project_code")
        if code is not None:
            try:
                validate_project_code(code)
            except ValidationError as error:
                self.error(self.sheet, number, _COLUMN["project_code"], error.messages[0])
                code, failed = None, True
        matter = self._word(number, "matter", values, MATTER_WORDS, MATTER_NAMES)
        state = self._word(number, "state", values, STATE_WORDS, STATE_NAMES)
        failed = failed or (matter is None and "matter" in values) or (state is None and "state" in values)
        if code and matter:
            first = self.first_rows.setdefault((code, matter), number)
            if first != number:
                message = _("The same item (project code and matter) is already in row %(row)s.") % {"row": first}
                self.error(self.sheet, number, _COLUMN["matter"], message)
                failed = True
        if failed:
            raise RowRejected
        facts = {key: values[key] for key in ("authority", "document_number") if key in values}
        return ApprovalEntry(
            project_code=code,
            matter=matter,
            state=state,
            decided_on=values.get("decided_on"),
            papers_due_on=values.get("papers_due_on"),
            **facts,
        )

    def _word(self, number, key, values, words, names):
        """The value the row's word in column `key` stands for (the platform's word, or the value itself); None
        when the cell is empty or the word unknown (its error recorded, naming the words to use)."""
        word = values.get(key)
        if word is None:
            return None
        value = words.get(word) or (word if word in names else None)
        if value is None:
            message = UNKNOWN_WORD[key] % {"value": word, "names": "、".join(names.values())}
            self.error(self.sheet, number, _COLUMN[key], message)
        return value

    def _save(self, checked):
        """Save the chunk's checked rows through the bulk service; its refusals become the rows' errors."""
        if not checked:
            return
        numbers = [number for number, _entry in checked]
        try:
            saved = approvals_save_bulk(
                actor=self.user, entries=[entry for _number, entry in checked], batch=self.batch
            )
        except BulkRefused as refused:
            for position, error in refused.errors.items():
                for key, messages in error.message_dict.items():
                    for message in messages:
                        self.error(self.sheet, numbers[position], _COLUMN.get(key), message)
            return
        for outcome in ("created", "updated", "unchanged"):
            rows = getattr(self.result, outcome)[self.sheet]
            for position in getattr(saved, outcome):
                rows.append(numbers[position])
        for number, item in zip(numbers, saved.items, strict=True):
            if item is not None and item.project_id is None:
                self.result.unmatched.append(number)

    def audit(self, *, filename, sha256):
        result = self.result
        audit.record(
            actor=self.user,
            action=Action.APPROVALS_IMPORT,
            batch=self.batch,
            after={
                "file": filename,
                "sha256": sha256,
                "created": result.count("created", self.sheet),
                "updated": result.count("updated", self.sheet),
                "unchanged": result.count("unchanged", self.sheet),
                "unmatched": len(result.unmatched),
            },
            message=_("Imported %(file)s") % {"file": filename},
        )


def write_approvals_template(*, file):
    """The empty workbook of the platform's sheet, with drop-downs for 事项名称 and 办理状态 and a 填报说明 sheet."""
    book = TemplateBook(file)
    sheet = book.sheet(APPROVALS_SHEET, APPROVAL_COLUMNS, sheet_heading(APPROVALS_SHEET))
    positions = {column.key: position for position, column in enumerate(APPROVAL_COLUMNS)}
    for key, words in (("matter", MATTER_NAMES), ("state", STATE_NAMES)):
        rule = {"validate": "list", "source": list(words.values())}
        sheet.data_validation(1, positions[key], 5000, positions[key], rule)
    guide = book.workbook.add_worksheet(GUIDE_SHEET)
    headers = [_("Column"), _("Required"), _("Format"), _("What it means")]
    widths = [14, 8, 54, 72]
    for position, (text, width) in enumerate(zip(headers, widths, strict=True)):
        guide.set_column(position, position, width)
        guide.write_string(0, position, text, book.header)
    for row, column in enumerate(APPROVAL_COLUMNS, start=1):
        line = [column.header, _("yes") if column.required else "", str(FORMAT_HELP[column.kind]), str(column.help)]
        guide.set_row(
            row, ROW_POINTS * max(wrapped_lines(text, width) for text, width in zip(line, widths, strict=True))
        )
        for position, text in enumerate(line):
            guide.write_string(row, position, text, book.wrap)
    guide.freeze_panes(1, 0)
    print_setup(guide, sheet_heading(GUIDE_SHEET), width=sum(widths))
    book.close()
