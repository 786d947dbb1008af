"""How every worksheet a user downloads prints: A4, its header row on every page, as wide as one page.

    print_setup(sheet, PrintHeading(title=..., scope=..., as_of=..., unit=...), columns=7)

The title, the scope, the as-of date and the unit go in the page header and the date printed and the page number
in the footer, not in the cells: a sheet that is also an import template keeps its header row as row 1.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _

A4 = 9  # the paper size's number in the file format
WIDE = 60  # characters of column width past which a sheet prints across the page


@dataclass(frozen=True)
class PrintHeading:
    """What the page header says: the sheet's title, and where they apply, the scope, the as-of date and the unit."""

    title: str
    scope: str = ""
    as_of: date | None = None
    unit: str = ""


def _text(value):
    """`value` as header text: an ampersand would start a code."""
    return value.replace("&", "&&")


def print_setup(sheet, heading, *, width, header_rows=1):
    """Set up `sheet` (xlsxwriter) to print: `width` is the total width of its printed columns, in characters."""
    sheet.set_paper(A4)
    if width > WIDE:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    sheet.repeat_rows(0, header_rows - 1)
    sheet.fit_to_pages(1, 0)  # one page wide, as many tall as it takes
    sheet.set_margins(left=0.4, right=0.4, top=0.9, bottom=0.7)
    details = [heading.scope]
    if heading.as_of:
        details.append(_("As of %(date)s") % {"date": date_format(heading.as_of, "DATE_FORMAT")})
    sheet.set_header(
        f"&L{_text(' · '.join(filter(None, details)))}&C&14&B{_text(heading.title)}&B&R{_text(heading.unit)}",
        {"margin": 0.3},
    )
    print_footer(sheet)


def print_footer(sheet):
    """The footer of every printed sheet: the date printed, and the page of how many."""
    printed = _("Printed on %(date)s") % {"date": "&D"}
    page = _("&CPage &P of &N")
    sheet.set_footer(f"&L{printed}{page}", {"margin": 0.3})
