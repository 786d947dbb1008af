"""Writing the template's workbooks with xlsxwriter (constant memory): the ledger export and the empty template.

    write_ledger_xlsx(projects_queryset=Project.objects.visible_to(user).filter(...), file=path_or_stream)
    write_template_xlsx(file=path_or_stream)

Text is always written with `write_string`, so a cell such as "=HYPERLINK(…)" or "+86 …" stays text and
never becomes a formula. Amounts are numbers with two decimals (the exact Decimal is written as its digits),
dates are date cells.
"""

from collections import defaultdict
from itertools import islice

import xlsxwriter
from django.utils.translation import gettext as _

from zoneledger.campaigns.models import Round
from zoneledger.projects.models import MonthlyProgress, StageEvent
from zoneledger.zones.models import Zone

from .columns import (
    AMOUNT,
    DATE,
    FORMAT_HELP,
    GUIDE_SHEET,
    LEDGER_COLUMNS,
    LEDGER_SHEET,
    MONTH,
    MONTHLY_COLUMNS,
    MONTHLY_SHEET,
    STAGE_COLUMNS,
)

CHUNK_ROWS = 2000
TEMPLATE_ROWS = 5000  # how far down the template's drop-downs reach
PROJECT_VALUES = {
    "code": "code",
    "name": "name",
    "zone": "zone__name",
    "enterprise": "enterprise__name",
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
}


class _Book:
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

    def sheet(self, name, columns):
        sheet = self.workbook.add_worksheet(name)
        for position, column in enumerate(columns):
            sheet.set_column(position, position, column.width)
            sheet.write_string(0, position, column.header, self.required if column.required else self.header)
        sheet.freeze_panes(1, 0)
        return sheet

    def write_row(self, sheet, row, columns, values):
        for position, column in enumerate(columns):
            value = values.get(column.key)
            if value is None or value == "":
                continue
            if column.kind == AMOUNT:
                sheet.write_number(row, position, value, self.formats[AMOUNT])
            elif column.kind in (DATE, MONTH):
                sheet.write_datetime(row, position, value, self.formats[column.kind])
            else:
                sheet.write_string(row, position, str(value))

    def close(self):
        self.workbook.close()


def _chunks(iterable, size=CHUNK_ROWS):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _stage_cells(project_ids):
    """{project id: {column key: value}} for the live stage events of these projects."""
    cells = defaultdict(dict)
    events = StageEvent.objects.live().filter(project_id__in=project_ids)
    for project_id, stage, happened_on, year, sequence in events.values_list(
        "project_id", "stage", "happened_on", "round__year", "round__sequence"
    ):
        cells[project_id][stage] = happened_on
        if year is not None:
            cells[project_id][f"{stage}_round"] = f"{year}-{sequence}"
    return cells


def write_ledger_xlsx(*, projects_queryset, file, progress=None):
    """Write exactly these projects (in the queryset's order) and their monthly rows; returns the row counts.

    `progress(done, total)` is called after each chunk of rows, for a page that shows how far it got.
    """
    book = _Book(file)
    ledger = book.sheet(LEDGER_SHEET, LEDGER_COLUMNS)
    monthly = book.sheet(MONTHLY_SHEET, MONTHLY_COLUMNS)
    total = projects_queryset.count() if progress else 0
    row = month_row = 0
    rows = projects_queryset.values_list("pk", *PROJECT_VALUES.values()).iterator(chunk_size=CHUNK_ROWS)
    for chunk in _chunks(rows):
        pks = [values[0] for values in chunk]
        stages, months = _stage_cells(pks), _months(pks)
        for pk, *values in chunk:
            row += 1
            facts = dict(zip(PROJECT_VALUES, values, strict=True))
            book.write_row(ledger, row, LEDGER_COLUMNS, facts | stages[pk])
            # The monthly sheet follows the ledger's order (constant_memory keeps one open row per sheet).
            project = {"code": facts["code"], "name": facts["name"], "zone": facts["zone"]}
            for month, amount in months[pk]:
                month_row += 1
                book.write_row(
                    monthly, month_row, MONTHLY_COLUMNS, project | {"month": month, "completed_investment": amount}
                )
        if progress:
            progress(row, total)
    book.close()
    return row, month_row


def _months(project_ids):
    """{project id: [(month, amount), …]} in month order."""
    months = defaultdict(list)
    rows = MonthlyProgress.objects.filter(project_id__in=project_ids).order_by("project_id", "month")
    for project_id, month, amount in rows.values_list("project_id", "month", "completed_investment"):
        months[project_id].append((month, amount))
    return months


def write_template_xlsx(*, file):
    """An empty template: the two sheets with drop-downs for 开发区 and 批次, and a 填报说明 sheet explaining them."""
    book = _Book(file)
    ledger = book.sheet(LEDGER_SHEET, LEDGER_COLUMNS)
    book.sheet(MONTHLY_SHEET, MONTHLY_COLUMNS)
    guide = book.workbook.add_worksheet(GUIDE_SHEET)
    guide_headers = [_("Column"), _("Sheet"), _("Required"), _("Format"), _("What it means")]
    widths = [20, 10, 8, 48, 56, 4, 30, 12, 14]
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
    zones = list(Zone.objects.order_by("city_id", "name").values_list("name", flat=True))
    rounds = list(Round.objects.order_by("year", "sequence"))
    # constant_memory writes a row once it moves on, so each row is written whole: guide line, zone, round.
    for index in range(max(len(lines), len(zones), len(rounds))):
        row = index + 1
        for position, text in enumerate(lines[index] if index < len(lines) else ()):
            guide.write_string(row, position, text, book.wrap)
        if index < len(zones):
            guide.write_string(row, 6, zones[index])
        if index < len(rounds):
            guide.write_string(row, 7, rounds[index].label)
            guide.write_datetime(row, 8, rounds[index].held_on, book.formats[DATE])
    guide.freeze_panes(1, 0)
    _drop_downs(ledger, zones, rounds)
    book.close()


def _drop_downs(ledger, zones, rounds):
    positions = {column.key: position for position, column in enumerate(LEDGER_COLUMNS)}
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
