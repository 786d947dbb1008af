"""The "三个一批" bulletin as a workbook a provincial office prints (通报): landscape A4, as wide as the page.

A title row, a unit row, two-level merged headers (签约 / 开工 / 投产 × 项目数 / 总投资 / rate), one row per city
with its zones beneath, a total row and a footnote on rounding. The figures come from `figures.breakdown` and
`figures.batch_figures`: three queries whatever the number of zones.
"""

import xlsxwriter
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from zoneledger.core.money import WAN_PER_YI, rate, round_half_up
from zoneledger.core.sheets import print_footer

from .figures import batch_figures, breakdown

COLUMNS = 11
LAST_COLUMN = COLUMNS - 1
FONT = "Noto Sans CJK SC"


def _formats(book):
    base = {"font_name": FONT, "font_size": 10, "valign": "vcenter"}
    cell = {**base, "border": 1}

    def add(**extra):
        return book.add_format({**cell, **extra})

    return {
        "title": book.add_format({**base, "bold": True, "font_size": 16, "align": "center"}),
        "as_of": book.add_format({**base, "align": "left"}),
        "unit": book.add_format({**base, "align": "right"}),
        "head": add(bold=True, align="center", text_wrap=True, bg_color="#E8EEF4"),
        "city": add(bold=True),
        "zone": add(indent=1),
        "total": add(bold=True, bg_color="#F2F2F2"),
        "count": add(num_format="0"),
        "count_bold": add(num_format="0", bold=True),
        "money": add(num_format="0.00"),
        "money_bold": add(num_format="0.00", bold=True),
        "rate": add(num_format="0.0"),
        "rate_bold": add(num_format="0.0", bold=True),
        "missing": add(align="center"),
        "missing_bold": add(align="center", bold=True),
        "note": book.add_format({**base, "font_size": 9, "text_wrap": True, "valign": "top"}),
    }


def _yi(amount_wan):
    return round_half_up(amount_wan / WAN_PER_YI, 2)


def _write_figures(sheet, row, label, figures, formats, style):
    """One table row: the label, then count / investment / rate for each batch."""
    signed, started, commissioned = figures.signed, figures.started, figures.commissioned
    bold = "_bold" if style in ("city", "total") else ""
    cells = [
        (signed.count, "count"),
        (_yi(signed.investment), "money"),
        (rate(signed.started, signed.count, places=1), "rate"),
        (started.count, "count"),
        (_yi(started.investment), "money"),
        (_yi(started.completed), "money"),
        (rate(started.commissioned, started.count, places=1), "rate"),
        (commissioned.count, "count"),
        (_yi(commissioned.investment), "money"),
        (rate(commissioned.at_capacity, commissioned.count, places=1), "rate"),
    ]
    sheet.write_string(row, 0, label, formats[style])
    for column, (value, kind) in enumerate(cells, start=1):
        if value is None:
            sheet.write_string(row, column, "—", formats["missing" + bold])
        else:
            sheet.write_number(row, column, value, formats[kind + bold])


def group_headings():
    """The bulletin's upper header row: (first column, last column, batch) over the ten figure columns 1–10."""
    return [
        (1, 3, pgettext("bulletin", '"Signed" batch')),
        (4, 7, pgettext("bulletin", '"Started" batch')),
        (8, 10, pgettext("bulletin", '"Commissioned" batch')),
    ]


def column_headings():
    """The bulletin's first column and its ten figure columns, in the order of `FIGURE_CELLS`."""
    projects, investment = pgettext("bulletin", "Number of projects"), pgettext("bulletin", "Total investment")
    return [
        pgettext("bulletin", "City / zone"),
        projects,
        investment,
        pgettext("bulletin", "Start rate (%)"),
        projects,
        investment,
        pgettext("bulletin", "Completed investment"),
        pgettext("bulletin", "Commissioning rate (%)"),
        projects,
        investment,
        pgettext("bulletin", "Capacity rate (%)"),
    ]


# The ten figure columns as `presenters.batch_cells` formats them, for documents that print text.
FIGURE_CELLS = [
    "signed_count",
    "signed_yi",
    "start_rate",
    "started_count",
    "started_yi",
    "completed_yi",
    "commission_rate",
    "commissioned_count",
    "commissioned_yi",
    "capacity_rate",
]


def bulletin_title(scope, period):
    return _("Development zones of %(scope)s: “three batches” projects, %(period)s") % {
        "scope": scope.name,
        "period": period,
    }


def rounding_note():
    return _(
        "Note: amounts in 亿元 and rates in percent are rounded half up (四舍五入) to the places shown. Totals are "
        "computed from exact amounts and rounded once, so they may differ slightly from the sum of the rounded rows. "
        "Events dated after the as-of date are not counted."
    )


def _write_headers(sheet, formats):
    head = formats["head"]
    first, *subheads = column_headings()
    sheet.merge_range(2, 0, 3, 0, first, head)
    for first_column, last_column, title in group_headings():
        sheet.merge_range(2, first_column, 2, last_column, title, head)
    for column, text in enumerate(subheads, start=1):
        sheet.write_string(3, column, text, head)


def write_bulletin_xlsx(*, user, scope, period, file, as_of=None, known_at=None):
    """Write the bulletin of `period` for `scope` (cities with their zones, and a total) to `file` (path or stream)."""
    total = batch_figures(user=user, scope=scope, period=period, as_of=as_of, known_at=known_at)
    cities = breakdown(user=user, scope=scope, period=period, by="city", as_of=total.as_of, known_at=known_at)
    zones = breakdown(user=user, scope=scope, period=period, by="zone", as_of=total.as_of, known_at=known_at)

    book = xlsxwriter.Workbook(file, {"in_memory": True})
    formats = _formats(book)
    sheet = book.add_worksheet(_("Bulletin"))
    sheet.merge_range(0, 0, 0, LAST_COLUMN, bulletin_title(scope, period), formats["title"])
    sheet.set_row(0, 30)
    as_of_text = _("As of %(date)s") % {"date": date_format(total.as_of, "DATE_FORMAT")}
    sheet.merge_range(1, 0, 1, 5, as_of_text, formats["as_of"])
    sheet.merge_range(1, 6, 1, LAST_COLUMN, _("Unit: projects, 100 million yuan (亿元)"), formats["unit"])
    _write_headers(sheet, formats)
    sheet.set_row(3, 30)

    row = 4
    for city in cities:
        _write_figures(sheet, row, city.name, city, formats, "city")
        row += 1
        for zone in (zone for zone in zones if zone.city_code == city.key):
            _write_figures(sheet, row, zone.name, zone, formats, "zone")
            row += 1
    _write_figures(sheet, row, pgettext("bulletin", "Total"), total, formats, "total")
    sheet.merge_range(row + 1, 0, row + 1, LAST_COLUMN, rounding_note(), formats["note"])
    sheet.set_row(row + 1, 42)

    sheet.set_column(0, 0, 30)
    sheet.set_column(1, LAST_COLUMN, 10.5)
    sheet.freeze_panes(4, 1)
    sheet.repeat_rows(2, 3)
    sheet.print_area(0, 0, row + 1, LAST_COLUMN)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)  # as wide as the page; a long table goes on, its header rows repeated
    sheet.center_horizontally()
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    print_footer(sheet)
    book.close()
