"""The problem queue as a workbook: one row per problem, printing on A4 with its title, scope and day."""

import datetime

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from zoneledger.core.sheets import PrintHeading, print_setup

from .choices import Colour
from .selectors import QueueRow


def write_problems_xlsx(
    problems: list[QueueRow], file, *, scope_name: str = "", as_of: datetime.date | None = None
) -> None:
    """`problems` are the queue's rows (`selectors.queue_list`, with their `colour`); the colour is written in words."""
    workbook = xlsxwriter.Workbook(file, {"in_memory": True, "strings_to_formulas": False})
    title = _("Problems")
    sheet = workbook.add_worksheet(title[:31])
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    fills = {
        Colour.RED: workbook.add_format({"bg_color": "#F8CBAD"}),
        Colour.YELLOW: workbook.add_format({"bg_color": "#FFE699"}),
        Colour.GREEN: workbook.add_format({"bg_color": "#C6EFCE"}),
    }
    columns = [
        (_("Problem"), 30),
        (_("Project"), 26),
        (_("Zone"), 20),
        (_("Category"), 12),
        (_("Level"), 6),
        (_("State"), 10),
        (_("Sits at"), 6),
        (_("Responsible organisation"), 18),
        (_("Raised on"), 11),
        (_("Solve due"), 11),
        (_("Colour"), 10),
    ]
    for column, (heading, width) in enumerate(columns):
        sheet.write_string(0, column, heading, header)
        sheet.set_column(column, column, width)
    for row, problem in enumerate(problems, start=1):
        sheet.write_string(row, 0, problem.title)
        sheet.write_string(row, 1, problem.project_name if problem.project_name is not None else _("(whole zone)"))
        sheet.write_string(row, 2, problem.zone_name)
        sheet.write_string(row, 3, problem.category_label)
        sheet.write_string(row, 4, problem.level_label)
        sheet.write_string(row, 5, problem.state_label)
        sheet.write_string(row, 6, problem.tier_label)
        sheet.write_string(row, 7, problem.owner_org)
        raised = datetime.datetime.combine(timezone.localtime(problem.raised_at).date(), datetime.time())
        sheet.write_datetime(row, 8, raised, day)
        sheet.write_datetime(row, 9, datetime.datetime.combine(problem.solve_due, datetime.time()), day)
        sheet.write_string(row, 10, str(Colour(problem.colour).label), fills[Colour(problem.colour)])
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(problems), 1), len(columns) - 1)
    print_setup(sheet, PrintHeading(title=title, scope=scope_name, as_of=as_of), width=sum(w for _h, w in columns))
    workbook.close()
