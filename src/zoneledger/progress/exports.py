"""Workbooks of plans and reports: the plan page's (序时进度 and 未按时填报 of a month), and the same two sheets for
the warnings workbook (`reports.exports`); each sheet prints on A4 with its title, scope and unit."""

import xlsxwriter
from django.utils.translation import gettext as _

from zoneledger.core.sheets import PrintHeading, print_setup


def add_schedule_sheet(workbook, rows, *, name, title, scope_name=""):
    """A sheet of `rows` (`selectors.PlanRow`): plan, 序时进度, approved cumulative, 完成率, 低于序时进度 flag."""
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    money = workbook.add_format({"num_format": "#,##0.00"})
    share = workbook.add_format({"num_format": "0.0%"})
    sheet = workbook.add_worksheet(name[:31])
    columns = [
        (_("Project"), 36),
        (_("Zone"), 24),
        (_("Annual plan (万元)"), 14),
        (_("Planned to date (万元)"), 14),
        (_("Approved to date (万元)"), 14),
        (_("Completion rate"), 10),
        (_("Behind schedule"), 10),
    ]
    for column, (heading, width) in enumerate(columns):
        sheet.write_string(0, column, heading, header)
        sheet.set_column(column, column, width)
    for number, row in enumerate(rows, start=1):
        sheet.write_string(number, 0, row.project.name)
        sheet.write_string(number, 1, row.project.zone.name)
        sheet.write_number(number, 2, row.plan.amount, money)
        sheet.write_number(number, 3, row.planned, money)
        sheet.write_number(number, 4, row.approved, money)
        if row.rate is None:
            sheet.write_string(number, 5, "—")
        else:
            sheet.write_number(number, 5, row.rate, share)
        sheet.write_string(number, 6, _("Behind") if row.behind else "")
    sheet.freeze_panes(1, 0)
    heading = PrintHeading(title=title, scope=scope_name, unit=_("Unit: 10,000 yuan (万元)"))
    print_setup(sheet, heading, width=sum(width for _heading, width in columns))


def add_late_sheet(workbook, late, *, title, scope_name=""):
    """A sheet of 未按时填报 (`selectors.MonthRow`s of `late_reports`): project, zone, and whether a draft exists."""
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    sheet = workbook.add_worksheet(_("Late reports")[:31])
    columns = [(_("Project"), 40), (_("Zone"), 28), (_("State"), 12)]
    for column, (heading, width) in enumerate(columns):
        sheet.write_string(0, column, heading, header)
        sheet.set_column(column, column, width)
    for number, row in enumerate(late, start=1):
        sheet.write_string(number, 0, row.project.name)
        sheet.write_string(number, 1, row.project.zone.name)
        sheet.write_string(number, 2, _("Draft") if row.state == "draft" else _("Not reported"))
    sheet.freeze_panes(1, 0)
    print_setup(sheet, PrintHeading(title=title, scope=scope_name), width=sum(width for _heading, width in columns))


def write_plan_xlsx(rows, late, file, *, year, month, scope_name=""):
    """序时进度 (plan, schedule, approved, rate, warning) and, on a second sheet, 未按时填报 for the month."""
    workbook = xlsxwriter.Workbook(file, {"in_memory": True, "strings_to_formulas": False})
    title = _("Annual plan and schedule %(year)s-%(month)02d") % {"year": year, "month": month}
    add_schedule_sheet(workbook, rows, name=_("Schedule"), title=title, scope_name=scope_name)
    add_late_sheet(workbook, late, title=_("Late reports"), scope_name=scope_name)
    workbook.close()
