"""The milestone list as a workbook that prints on A4 (core/sheets.py)."""

import datetime
from collections.abc import Iterable
from datetime import date
from typing import IO, TYPE_CHECKING

import xlsxwriter
from django.utils.translation import gettext as _

from zoneledger.core.sheets import PrintHeading, print_setup

from .choices import MilestoneKind
from .selectors import light_label

if TYPE_CHECKING:
    from .selectors import LitMilestone


def _day(value: date) -> datetime.datetime:
    return datetime.datetime.combine(value, datetime.time())


def write_milestones_xlsx(
    milestones: Iterable["LitMilestone"], file: IO[bytes], *, scope_name: str, as_of: date
) -> int:
    """One row per milestone (annotated with `light`); dates as dates, the light in words. Returns the rows."""
    workbook = xlsxwriter.Workbook(file, {"in_memory": True, "strings_to_formulas": False})
    title = _("Milestones")
    sheet = workbook.add_worksheet(title[:31])
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    columns = [
        (_("Project"), 36),
        (_("Zone"), 24),
        (_("Milestone"), 24),
        (_("Kind"), 12),
        (_("Planned date"), 12),
        (_("Done on"), 12),
        (_("Light"), 10),
        (_("Owner"), 14),
    ]
    for column, (heading, width) in enumerate(columns):
        sheet.write_string(0, column, heading, header)
        sheet.set_column(column, column, width)
    count = 0
    for row, milestone in enumerate(milestones, start=1):
        count = row
        sheet.write_string(row, 0, milestone.project.name)
        sheet.write_string(row, 1, milestone.project.zone.name)
        sheet.write_string(row, 2, milestone.title)
        sheet.write_string(row, 3, str(MilestoneKind(milestone.kind).label))
        sheet.write_datetime(row, 4, _day(milestone.planned_on), day)
        if milestone.done_on:
            sheet.write_datetime(row, 5, _day(milestone.done_on), day)
        sheet.write_string(row, 6, light_label(milestone))
        sheet.write_string(row, 7, milestone.owner)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(count, 1), len(columns) - 1)
    print_setup(sheet, PrintHeading(title=title, scope=scope_name, as_of=as_of), width=sum(w for _h, w in columns))
    workbook.close()
    return count
