"""Writing the template's workbooks with xlsxwriter (constant memory): the ledger export and the empty template.

    write_ledger_xlsx(projects_queryset=Project.objects.visible_to(user).filter(...), file=path_or_stream)
    write_template_xlsx(file=path_or_stream)

Text is always written with `write_string`, so a cell such as "=HYPERLINK(…)" or "+86 …" stays text and
never becomes a formula; a text that holds what reads as an escape (``_x0041_``) is written with its underscore
escaped (``_x005F_x0041_``, ECMA-376 Part 1 §22.9.2.19), by xlsxwriter as each row is written out. A text
longer than a cell holds is refused (TooLarge, naming its row and column), never cut. Amounts are numbers with
two decimals, dates are date cells: the number Excel counts days by, with a date format (`excel_serial`).
"""

import unicodedata
from collections import defaultdict
from datetime import date
from itertools import batched

import xlsxwriter
from django.db.models import FilteredRelation, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zoneledger.campaigns.models import Round
from zoneledger.core.money import hundredths
from zoneledger.core.sheets import PrintHeading, print_setup
from zoneledger.core.text import CELL_CHARACTERS, cell_length
from zoneledger.projects.choices import KeyLevel
from zoneledger.projects.models import MonthlyProgress
from zoneledger.zones.models import Zone

from .cells import key_level_name
from .columns import (
    AMOUNT,
    DATE,
    FORMAT_HELP,
    GUIDE_SHEET,
    KEY_LEVEL,
    LEDGER_COLUMNS,
    LEDGER_SHEET,
    MONTH,
    MONTHLY_COLUMNS,
    MONTHLY_SHEET,
    ROUND,
    STAGE_COLUMNS,
)

CHUNK_ROWS = 2000
TEMPLATE_ROWS = 5000  # how far down the template's drop-downs reach
ROW_POINTS = 15  # the height of a line of text at the default font
CUT = -2  # what xlsxwriter's writers return for a text they cut to a cell's length
SHEET_ROWS = 1_048_576  # an Excel sheet's rows, its header included; xlsxwriter drops a cell past them silently
# Each stage's live event, joined to its project: a stage has at most one (a constraint), so a project stays one row.
STAGE_EVENTS = {stage: f"event_{stage}" for stage, _date_column, _round_column in STAGE_COLUMNS}
# Each column's value, as `values_list` names it.
PROJECT_VALUES = {
    "code": "code",
    "name": "name",
    "zone": "zone__name",
    "enterprise": "enterprise_name",
    "uscc": "enterprise__uscc",
    "industry_code": "industry_code",
    "chain": "chain__name",
    "chain_link": "chain_link__name",
    "total_investment": "total_investment",
    "land_mu": "land_mu",
    "expected_output": "expected_output",
    "expected_tax": "expected_tax",
    "actual_output": "actual_output",
    "construction_content": "construction_content",
    "leader_in_charge": "leader_in_charge",
    "key_level": "key_level",
    "task_force": "task_force",
    **{date_column.key: f"{STAGE_EVENTS[stage]}__happened_on" for stage, date_column, _round in STAGE_COLUMNS},
    **{column.key: f"{STAGE_EVENTS[stage]}__round_id" for stage, _date, column in STAGE_COLUMNS if column},
}


class TemplateBook:
    """A workbook with the template's formats; `sheet()` adds a sheet with the styled, frozen header row."""

    def __init__(self, file):
        self.workbook = xlsxwriter.Workbook(file, {"constant_memory": True})
        add = self.workbook.add_format
        header = {"bold": True, "bg_color": "#DDEBF7", "border": 1, "align": "center", "valign": "vcenter"}
        self.header = add(header)
        self.required = add(header | {"font_color": "#C00000"})
        self.formats = {
            AMOUNT: add({"num_format": "#,##0.00"}),
            DATE: add({"num_format": "yyyy-mm-dd"}),
            MONTH: add({"num_format": "yyyy-mm"}),
        }
        self.wrap = add({"text_wrap": True, "valign": "top"})

    def sheet(self, name, columns, heading):
        """A sheet whose row 1 is the columns' headers, printed under `heading` (title, scope, as-of date) on A4."""
        sheet = self.workbook.add_worksheet(name)
        for position, column in enumerate(columns):
            sheet.set_column(position, position, column.width)
            sheet.write_string(0, position, column.header, self.required if column.required else self.header)
        sheet.freeze_panes(1, 0)
        print_setup(sheet, heading, width=sum(column.width for column in columns))
        return sheet

    @staticmethod
    def cell_writers(sheet):
        """`sheet`'s (write_string, write_number) for cells given by row and column numbers.

        They are the methods xlsxwriter's public `write_string` and `write_number` call after a decorator that
        also accepts "A1" cell names; at an export's millions of cells that decorator alone cost a twentieth
        of its time. Like them they return `CUT` for a text they cut to a cell's length. (xlsxwriter is pinned
        in uv.lock; tests/ingest/test_export.py reads the cells back, escapes and all.)
        """
        return sheet._write_string, sheet._write_number

    def cell_writer(self, sheet, kind):
        """write(row, position, value) for a value of this kind of column in `sheet`."""
        write_string, write_number = self.cell_writers(sheet)
        if kind == AMOUNT:
            amount_format = self.formats[AMOUNT]
            return lambda row, position, amount: write_number(row, position, amount, amount_format)
        if kind in (DATE, MONTH):
            date_format = self.formats[kind]
            return lambda row, position, day: write_number(row, position, excel_serial(day), date_format)
        return write_string

    def close(self):
        self.workbook.close()


EXCEL_DAY_ZERO = date(1899, 12, 30).toordinal()
EXCEL_FIRST_MARCH_1900 = date(1900, 3, 1).toordinal()


def excel_serial(day):
    """The number a date cell holds (Excel's 1900 date system): what xlsxwriter's `write_datetime` writes for it.

    Excel counts a 29 February 1900 that never was, so a date from 1 March 1900 on is its days since
    30 December 1899, and an earlier one a day fewer.
    """
    ordinal = day.toordinal()
    if ordinal < EXCEL_FIRST_MARCH_1900:
        return ordinal - EXCEL_DAY_ZERO - 1
    return ordinal - EXCEL_DAY_ZERO


def _projects(projects_queryset):
    """The projects' `PROJECT_VALUES`, after the pk, with each stage's live event joined."""
    events = {
        event: FilteredRelation("events", condition=Q(events__stage=stage, events__voided=False))
        for stage, event in STAGE_EVENTS.items()
    }
    return projects_queryset.annotate(**events).values_list("pk", *PROJECT_VALUES.values())


class _MonthSerials(dict):
    """Each month's date-cell number, worked out once: an export's months are the same few dozen, row after row."""

    def __missing__(self, month):
        serial = self[month] = excel_serial(month)
        return serial


def _months(project_ids, serials):
    """{project id: [(month as a cell's number, amount as the float a cell holds, 形象进度), …]} in month order."""
    months = defaultdict(list)
    rows = MonthlyProgress.objects.filter(project_id__in=project_ids).order_by("project_id", "month")
    values = rows.values_list("project_id", "month", hundredths("completed_investment"), "progress_note")
    for project_id, month, amount, physical in values:
        months[project_id].append((serials[month], amount / 100, physical))
    return months


class _LedgerExport:
    """The ledger and monthly sheets, written one project and its months at a time, in the projects' order.

    Which value goes to which column is worked out once, so a row is written without looking columns up.
    """

    def __init__(self, book, *, scope_name):
        self.book = book
        as_of = timezone.localdate()  # the ledger as it stands when exported
        self.ledger = book.sheet(LEDGER_SHEET, LEDGER_COLUMNS, sheet_heading(LEDGER_SHEET, scope_name, as_of))
        self.monthly = book.sheet(MONTHLY_SHEET, MONTHLY_COLUMNS, sheet_heading(MONTHLY_SHEET, scope_name, as_of))
        value_index = {key: index for index, key in enumerate(PROJECT_VALUES, start=1)}  # after the pk
        round_labels = {round_.pk: round_.label for round_ in Round.objects.all()}
        write_string = book.cell_writers(self.ledger)[0]
        self.facts = []
        for position, column in enumerate(LEDGER_COLUMNS):
            if column.kind == ROUND:
                write = _round_writer(write_string, round_labels)
            elif column.kind == KEY_LEVEL:
                write = _key_level_writer(write_string)
            else:
                write = book.cell_writer(self.ledger, column.kind)
            self.facts.append((position, value_index[column.key], write))
        month_at = {column.key: position for position, column in enumerate(MONTHLY_COLUMNS)}
        self.project_texts = [(month_at[key], value_index[key]) for key in ("code", "name", "zone")]
        self.code_at, self.name_at = value_index["code"], value_index["name"]
        self.month_at, self.amount_at = month_at["month"], month_at["completed_investment"]
        self.physical_at = month_at["physical_progress"]
        self.row = self.month_row = 0

    def write_project(self, values, months):
        """One ledger row from the project's values (`_projects`), then its monthly rows from `_months`."""
        self.row += 1
        row = self.row
        for position, index, write in self.facts:
            value = values[index]
            if value is not None and value != "" and write(row, position, value) == CUT:
                raise _cut(row, LEDGER_COLUMNS[position], value, values[self.code_at] or values[self.name_at])
        if months:
            self._write_months(values, months)

    def _write_months(self, values, months):
        # Month and amount cells are written here, not through `cell_writer`'s functions: a call fewer for
        # each of an export's hundreds of thousands of monthly rows.
        write_string, write_number = self.book.cell_writers(self.monthly)
        month_format, amount_format = self.book.formats[MONTH], self.book.formats[AMOUNT]
        texts = [(position, values[index]) for position, index in self.project_texts if values[index]]
        month_at, amount_at, physical_at = self.month_at, self.amount_at, self.physical_at
        row = self.month_row
        for month, amount, physical in months:
            row += 1
            for position, text in texts:
                write_string(row, position, text)
            write_number(row, month_at, month, month_format)
            write_number(row, amount_at, amount, amount_format)
            if physical:
                write_string(row, physical_at, physical)
        self.month_row = row


def _key_level_writer(write_string):
    return lambda row, position, level: write_string(row, position, key_level_name(level))


def _round_writer(write_string, labels):
    return lambda row, position, round_id: write_string(row, position, labels[round_id])


class TooLarge(Exception):
    """The export would not fit in a sheet, or a text in a cell; the message says so, for the user."""


def _cut(row, column, text, project):
    """TooLarge for `text`, too long for its cell in (0-based) `row` of `project` (its code, else its name)."""
    return TooLarge(
        _(
            "Row %(row)s (%(project)s), column %(column)s: the text has %(length)s characters, more than a cell"
            " holds (%(limit)s). Shorten it before exporting."
        )
        % {
            "row": row + 1,
            "project": project,
            "column": column.header,
            "length": f"{cell_length(text):,}",
            "limit": f"{CELL_CHARACTERS:,}",
        }
    )


def _check_fits(projects_queryset):
    """The number of projects, after refusing an export with more rows than a sheet holds."""
    projects = projects_queryset.count()
    months = MonthlyProgress.objects.filter(project__in=projects_queryset.values("pk")).count()
    for sheet, rows in ((LEDGER_SHEET, projects), (MONTHLY_SHEET, months)):
        if rows >= SHEET_ROWS:
            raise TooLarge(
                _(
                    "The sheet %(sheet)s would have %(rows)s rows, more than a sheet holds (%(limit)s): export a"
                    " smaller scope, such as a city or a zone."
                )
                % {"sheet": sheet, "rows": f"{rows:,}", "limit": f"{SHEET_ROWS - 1:,}"}
            )
    return projects


def sheet_heading(title, scope_name="", as_of=None):
    return PrintHeading(title=title, scope=scope_name, as_of=as_of, unit=_("Amounts in 10,000 yuan (万元)"))


def write_ledger_xlsx(*, projects_queryset, file, progress=None, scope_name=""):
    """Write exactly these projects (in the queryset's order) and their monthly rows; returns the row counts.

    The sheets print on A4 under the sheet's name, `scope_name` and the date of the export.

    An export with more rows than a sheet holds is refused (TooLarge) before anything is written.
    `progress(done, total)` is called after each chunk of rows, for a page that shows how far it got.
    """
    total = _check_fits(projects_queryset)
    book = TemplateBook(file)
    export = _LedgerExport(book, scope_name=scope_name)
    serials = _MonthSerials()
    for chunk in batched(_projects(projects_queryset).iterator(chunk_size=CHUNK_ROWS), CHUNK_ROWS):
        months = _months([values[0] for values in chunk], serials)
        for values in chunk:
            # The monthly sheet follows the ledger's order (constant_memory keeps one open row per sheet).
            export.write_project(values, months.get(values[0]))
        if progress:
            progress(export.row, total)
    book.close()
    return export.row, export.month_row


def write_template_xlsx(*, file, user=None):
    """An empty template: the two sheets with drop-downs for 开发区 and 批次, and a 填报说明 sheet explaining them.

    The drop-downs list the zones and rounds `user` reads (their province's); every one for the console (None).
    """
    book = TemplateBook(file)
    ledger = book.sheet(LEDGER_SHEET, LEDGER_COLUMNS, sheet_heading(LEDGER_SHEET))
    book.sheet(MONTHLY_SHEET, MONTHLY_COLUMNS, sheet_heading(MONTHLY_SHEET))
    guide = book.workbook.add_worksheet(GUIDE_SHEET)
    guide_headers = [_("Column"), _("Sheet"), _("Required"), _("Format"), _("What it means")]
    widths = [20, 10, 8, 54, 72, 4, 30, 12, 14]  # the guide's five columns, a gap, the drop-downs' lists
    for position, width in enumerate(widths):
        guide.set_column(position, position, width)
    for position, text in enumerate([*guide_headers, "", _("Zones"), _("Rounds"), _("Held on")]):
        if text:
            guide.write_string(0, position, text, book.header)
    lines = [
        [
            column.header,
            sheet_name,
            _("yes") if column.required else "",
            str(FORMAT_HELP[column.kind]),
            str(column.help),
        ]
        for sheet_name, columns in ((LEDGER_SHEET, LEDGER_COLUMNS), (MONTHLY_SHEET, MONTHLY_COLUMNS))
        for column in columns
    ]
    zones, rounds = Zone.objects.all(), Round.objects.all()
    if user is not None:
        zones, rounds = zones.visible_to(user), rounds.visible_to(user)
    zones = list(zones.order_by("province_id", "city_id", "name").values_list("name", flat=True))
    rounds = list(rounds.order_by("year", "sequence", "province_id"))
    # constant_memory writes a row once it moves on, so each row is written whole: guide line, zone, round.
    for index in range(max(len(lines), len(zones), len(rounds))):
        row = index + 1
        line = lines[index] if index < len(lines) else ()
        # Spreadsheet programs open a file with the row heights it gives: a wrapped cell's lines must be counted.
        text_lines = max((wrapped_lines(text, width) for text, width in zip(line, widths, strict=False)), default=1)
        if text_lines > 1:
            guide.set_row(row, ROW_POINTS * text_lines)
        for position, text in enumerate(line):
            guide.write_string(row, position, text, book.wrap)
        if index < len(zones):
            guide.write_string(row, 6, zones[index])
        if index < len(rounds):
            guide.write_string(row, 7, rounds[index].label)
            guide.write_datetime(row, 8, rounds[index].held_on, book.formats[DATE])
    guide.freeze_panes(1, 0)
    # The guide prints; the drop-downs' lists beside it do not.
    guide.print_area(0, 0, len(lines), len(guide_headers) - 1)
    print_setup(guide, PrintHeading(title=GUIDE_SHEET), width=sum(widths[: len(guide_headers)]))
    _drop_downs(ledger, zones, rounds)
    book.close()


def wrapped_lines(text, width):
    """How many lines `text` takes in a column `width` characters wide (a CJK character is two)."""
    columns = sum(2 if unicodedata.east_asian_width(character) in "WF" else 1 for character in text)
    return max(1, -(-columns // width))


def _drop_downs(ledger, zones, rounds):
    positions = {column.key: position for position, column in enumerate(LEDGER_COLUMNS)}
    levels = [key_level_name(level) for level in KeyLevel.values if level]
    position = positions["key_level"]
    ledger.data_validation(1, position, TEMPLATE_ROWS, position, {"validate": "list", "source": levels})
    if zones:
        source = f"='{GUIDE_SHEET}'!$G$2:$G${len(zones) + 1}"
        ledger.data_validation(
            1, positions["zone"], TEMPLATE_ROWS, positions["zone"], {"validate": "list", "source": source}
        )
    if rounds:
        source = f"='{GUIDE_SHEET}'!$H$2:$H${len(rounds) + 1}"
        for _stage, _date_column, round_column in STAGE_COLUMNS:
            if round_column:
                position = positions[round_column.key]
                ledger.data_validation(1, position, TEMPLATE_ROWS, position, {"validate": "list", "source": source})
