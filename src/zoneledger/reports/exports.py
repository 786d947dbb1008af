"""Workbooks the read-side pages download (the round bulletin's is in bulletin.py)."""

import datetime
from math import ceil

import xlsxwriter
from django.utils.translation import gettext as _

from zoneledger.core.commands import terminal_width
from zoneledger.core.sheets import PrintHeading, print_setup
from zoneledger.progress.exports import add_late_sheet, add_schedule_sheet

from .presenters import LEVEL_TEXT
from .weekly import pack_parts

LINE_HEIGHT = 15  # points: one line of the workbook's default font


def write_warnings_xlsx(warnings, file, *, scope_name="", as_of=None, month=None, behind=(), late=()):
    """签约未开工 on the first sheet, one row per warning: amounts as numbers with two decimals, dates as dates, the
    level in words; then 低于序时进度 (`behind`) and 未按时填报 (`late`) of `month` on a sheet each. Every sheet prints
    on A4 with its title, `scope_name` and `as_of` (or the month) in the page header."""
    workbook = xlsxwriter.Workbook(file, {"in_memory": True, "strings_to_formulas": False})
    title = _("Signed, not started")
    sheet = workbook.add_worksheet(title[:31])
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    money = workbook.add_format({"num_format": "#,##0.00"})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    columns = [
        (_("Project"), 40),
        (_("Zone"), 28),
        (_("City"), 12),
        (_("Total investment (10,000 yuan)"), 16),
        (_("Signed on"), 12),
        (_("Days since signing"), 10),
        (_("Level"), 10),
    ]
    for column, (heading, width) in enumerate(columns):
        sheet.write_string(0, column, heading, header)
        sheet.set_column(column, column, width)
    for row, warning in enumerate(warnings, start=1):
        sheet.write_string(row, 0, warning.name)
        sheet.write_string(row, 1, warning.zone)
        sheet.write_string(row, 2, warning.city)
        sheet.write_number(row, 3, warning.investment, money)
        sheet.write_datetime(row, 4, datetime.datetime.combine(warning.signed_on, datetime.time()), day)
        sheet.write_number(row, 5, warning.days)
        sheet.write_string(row, 6, str(LEVEL_TEXT[warning.level]))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(warnings), 1), len(columns) - 1)
    heading = PrintHeading(title=title, scope=scope_name, as_of=as_of, unit=_("Unit: 10,000 yuan (万元)"))
    print_setup(sheet, heading, width=sum(width for _heading, width in columns))
    if month is not None:
        of_month = {"month": f"{month:%Y-%m}"}
        add_schedule_sheet(
            workbook,
            behind,
            name=_("Behind schedule"),
            title=_("Behind schedule (低于序时进度) to %(month)s") % of_month,
            scope_name=scope_name,
        )
        add_late_sheet(
            workbook, late, title=_("Reports late (未按时填报) of %(month)s") % of_month, scope_name=scope_name
        )
    workbook.close()


def write_weekly_pack_xlsx(pack, file):
    """The weekly dispatch pack (周调度), one sheet per part (`weekly.pack_parts`); each prints on A4 with its header
    row repeated, the pack's title, its scope and week in the page header and the date printed in the footer."""
    workbook = xlsxwriter.Workbook(file, {"in_memory": True, "strings_to_formulas": False})
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    text = workbook.add_format({"text_wrap": True, "valign": "top"})
    day = workbook.add_format({"num_format": "yyyy-mm-dd", "valign": "top", "align": "left"})
    number = workbook.add_format({"valign": "top"})
    week = _("Week %(start)s to %(end)s") % {"start": pack.start.isoformat(), "end": pack.end.isoformat()}
    title = _("Weekly dispatch (周调度)")
    for position, part in enumerate(pack_parts(pack), start=1):
        # Sheet names are unique and at most 31 characters: numbered as the document's parts are.
        sheet = workbook.add_worksheet(f"{position} {part.title}"[:31])
        for column, heading in enumerate(part.columns):
            sheet.write_string(0, column, heading.heading, header)
            sheet.set_column(column, column, heading.width)
        for row_number, values in enumerate(part.rows, start=1):
            # LibreOffice keeps a row's height as written: give a row as many lines as its longest wrapped text.
            lines = max(
                (ceil(terminal_width(value) / part.columns[column].width) for column, value in enumerate(values)
                 if isinstance(value, str)),
                default=1,
            )  # fmt: skip
            sheet.set_row(row_number, LINE_HEIGHT * max(lines, 1))
            for column, value in enumerate(values):
                if isinstance(value, datetime.date):
                    sheet.write_datetime(row_number, column, datetime.datetime.combine(value, datetime.time()), day)
                elif isinstance(value, int):
                    sheet.write_number(row_number, column, value, number)
                else:
                    sheet.write_string(row_number, column, str(value), text)
        if not part.rows:
            sheet.write_string(1, 0, _("None this week."))
        sheet.freeze_panes(1, 0)
        heading = PrintHeading(title=f"{title} · {part.title}", scope=f"{pack.title} · {week}")
        print_setup(sheet, heading, width=sum(column.width for column in part.columns))
    workbook.close()
