"""Workbooks the read-side pages download (the round bulletin's is in bulletin.py)."""

import datetime

import xlsxwriter
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zoneledger.core.sheets import PrintHeading, print_setup

LEVEL_TEXT = {"red": gettext_lazy("Alarm"), "yellow": gettext_lazy("Warning"), "": gettext_lazy("Watch")}


def write_warnings_xlsx(warnings, file, *, scope_name="", as_of=None):
    """One sheet, one row per warning: amounts as numbers with two decimals, dates as dates, the level in words;
    it prints on A4 with its title, `scope_name` and `as_of` in the page header."""
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
    workbook.close()
