"""The bulletin (通报) as the province issues it: a .docx laid out as a 公文 (GB/T 9704), and its PDF.

    write_bulletin_docx(user=user, scope=scope, period=Period.for_round("2023-4"), file=path_or_stream)
    write_bulletin_pdf(user=user, scope=scope, period=Period.for_year(2024), file=path_or_stream)

The title, an opening line with the as-of date, the year's sentences (a round's bulletin adds the round's), the
table by city and zone as the pages show it (`presenters.bulletin_rows` for a round, one level down for a year), a
bar chart of the same groups (`chart_image`), the rounding note and the 发文 date. A4 with GB/T 9704's margins,
body text in Noto Serif CJK SC (the 仿宋 of an office without it), headings in Noto Sans CJK SC (黑体), page
numbers "— 1 —" at the outer edge. The PDF is the .docx converted by LibreOffice (`core.office`).
"""

import io
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from zoneledger.accounts.scope import ScopeKind
from zoneledger.core.money import format_percent
from zoneledger.core.office import convert_to_pdf

from . import figures
from .bulletin import FIGURE_CELLS, bulletin_title, column_headings, group_headings, rounding_note
from .chart_image import bar_chart_png
from .charts import batch_chart
from .presenters import BREAKDOWN_LABELS, BREAKDOWN_OF, batch_row, bulletin_rows, today
from .weekly import pack_parts

BODY_FONT = "Noto Serif CJK SC"
HEADING_FONT = "Noto Sans CJK SC"
BODY_PT, TITLE_PT, TABLE_PT, NOTE_PT, PAGE_NUMBER_PT = 16, 22, 9, 12, 14  # 三号, 二号, 小五, 小四, 四号
LINE_PT = 28  # 22 lines to a page
TABLE_LINE_PT = 11
TABLE_STYLE_ID = "BulletinTable"  # the id python-docx gives the style "Bulletin Table" (checked where it is added)
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGINS_MM["left"] - MARGINS_MM["right"]
NAME_COLUMN_MM = 30
CELL_MARGIN_TWIPS = 57  # 1 mm
NUMBERED = [gettext_lazy("1. %(heading)s"), gettext_lazy("2. %(heading)s"), gettext_lazy("3. %(heading)s")]


@dataclass(frozen=True)
class BulletinContent:
    """What the bulletin says, before it is laid out: sections of sentences, the table, the chart, the dates."""

    title: str
    opening: str
    sections: list[tuple[str, list[str]]]
    table_heading: str
    rows: list[dict]
    total: dict
    chart: dict
    issued_on: date


def _year_sentences(batch):
    rate = format_percent(batch.same_year_start_rate, 1)
    return [
        *figures.summary_sentences(batch),
        _("Same-year start rate %(rate)s: of the projects signed in the year, the share that also started in it.")
        % {"rate": rate if rate == "—" else f"{rate}%"},
    ]


def bulletin_content(*, user, scope, period, as_of=None, known_at=None):
    """The bulletin of `period` (a round or a year) for `scope` as of `as_of` (default today; the date of
    `known_at` when the ledger is read as it stood then)."""
    year = figures.Period.for_year(period.year)
    year_batch = figures.batch_figures(user=user, scope=scope, period=year, as_of=as_of, known_at=known_at)
    as_of = year_batch.as_of
    known = {"as_of": as_of, "known_at": known_at}
    sections = [(_("The year %(year)s as a whole") % {"year": period.year}, _year_sentences(year_batch))]
    if period.is_year:
        total = year_batch
        by = BREAKDOWN_OF[scope.kind]
        parts = figures.breakdown(user=user, scope=scope, period=period, by=by, **known)
        rows, groups = [batch_row(by, part.name, part) for part in parts], [(part.name, part) for part in parts]
    else:
        total = figures.batch_figures(user=user, scope=scope, period=period, **known)
        sections.append((_("Projects of %(period)s") % {"period": period}, figures.summary_sentences(total)))
        by = "city" if scope.kind in (ScopeKind.NATION, ScopeKind.PROVINCE) else "zone"
        rows, groups = bulletin_rows(user=user, scope=scope, period=period, **known)
    breakdown_label = BREAKDOWN_LABELS[by]
    return BulletinContent(
        title=_("Bulletin on %(title)s") % {"title": bulletin_title(scope, period)},
        opening=_(
            "As of %(date)s, the “three batches” projects of the development zones of %(scope)s stood as follows."
        )
        % {"date": date_format(as_of, "DATE_FORMAT"), "scope": scope.name},
        sections=sections,
        table_heading=_("By %(breakdown)s") % {"breakdown": breakdown_label},
        rows=rows,
        total=batch_row("total", _("Total"), total),
        chart=batch_chart(
            groups, title=_("Projects in each batch by %(breakdown)s") % {"breakdown": str(breakdown_label).lower()}
        ),
        issued_on=today(),
    )


def _fonts(element, name, size=None, bold=None):
    """Set `name` for Latin and East Asian text alike (LibreOffice falls back for text whose script has none)."""
    properties = element.get_or_add_rPr()
    fonts = properties.get_or_add_rFonts()
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(script), name)
    if size is not None:
        properties.get_or_add_sz().val = Pt(size)
    if bold is not None:
        properties.get_or_add_b().val = bold


def _exact(paragraph_format, points):
    paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph_format.line_spacing = Pt(points)


def _styles(document):
    """Body, heading, table and note styles: 公文 sizes, exact line pitch, two characters' first-line indent."""
    styles = document.styles
    normal = styles["Normal"]
    _fonts(normal.element, BODY_FONT, BODY_PT)
    language = normal.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:eastAsia"), "zh-CN")
    language.append(lang)
    body = normal.paragraph_format
    _exact(body, LINE_PT)
    body.space_before = body.space_after = Pt(0)
    body.first_line_indent = Pt(BODY_PT * 2)
    body.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    def add(name, font, size, *, bold=False, align=None, indent=None, line=None):
        style = styles.add_style(name, 1)  # a paragraph style
        style.base_style = normal
        _fonts(style.element, font, size, bold)
        layout = style.paragraph_format
        if align is not None:
            layout.alignment = align
        if indent is not None:
            layout.first_line_indent = Pt(indent)
        if line is None:
            layout.line_spacing_rule = WD_LINE_SPACING.SINGLE
        else:
            _exact(layout, line)
        return style

    add("Bulletin Title", BODY_FONT, TITLE_PT, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=0, line=36)
    add("Bulletin Heading", HEADING_FONT, BODY_PT)
    # Exact lines: the CJK font's own line height would add a third of the table's height.
    table = add("Bulletin Table", BODY_FONT, TABLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, indent=0, line=TABLE_LINE_PT)
    assert table.style_id == TABLE_STYLE_ID
    add("Bulletin Caption", HEADING_FONT, NOTE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, indent=0, line=LINE_PT)
    add("Bulletin Note", BODY_FONT, NOTE_PT, line=20)
    add("Bulletin Figure", BODY_FONT, BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER, indent=0)
    add("Bulletin Page Number", BODY_FONT, PAGE_NUMBER_PT, indent=0, line=None)


def _page(document):
    """A4 with GB/T 9704's margins; page numbers at the outer edge: odd pages right, even pages left."""
    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance, section.footer_distance = Mm(15), Mm(22)  # the number 7 mm under the text block
    document.settings.odd_and_even_pages_header_footer = True
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.style = "Bulletin Page Number"
        paragraph.alignment = align
        paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = Pt(PAGE_NUMBER_PT)
        paragraph.add_run("— ")
        _page_field(paragraph)
        paragraph.add_run(" —")


def _page_field(paragraph):
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def _in_table_style(paragraph):
    """Give a cell's paragraph the table style by the style's id. `paragraph.style = name` looks the style up and
    compares it with the document's default on every call: that was most of a long table's time (25 s for a
    province's weekly pack)."""
    paragraph._p.style = TABLE_STYLE_ID


def _cell(cell, text, *, bold=False, align=WD_ALIGN_PARAGRAPH.CENTER, width_mm):
    cell.width = Mm(width_mm)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    _in_table_style(paragraph)
    paragraph.alignment = align
    run = paragraph.add_run(str(text))
    run.bold = bold


def _repeat_as_header(row):
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:tblHeader"))


def _narrow_cell_margins(table):
    """1 mm inside each cell's sides (Word's default is 1.9 mm): an amount such as 1,101.70 stays on one line."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.append(margins)


def _table(document, content):
    """The bulletin table: two header rows (repeated on each page), the rows, the total."""
    first, *figure_headings = column_headings()
    figure_width = (TEXT_WIDTH_MM - NAME_COLUMN_MM) / len(FIGURE_CELLS)
    widths = [NAME_COLUMN_MM] + [figure_width] * len(FIGURE_CELLS)
    table = document.add_table(rows=2, cols=len(widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _narrow_cell_margins(table)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)  # the grid LibreOffice lays the table out by
    upper, lower = table.rows
    for row in (upper, lower):
        _repeat_as_header(row)
    for (column, text), width in zip(enumerate([first, *figure_headings]), widths, strict=True):
        _cell(lower.cells[column], text if column else "", bold=True, width_mm=width)
        upper.cells[column].width = Mm(width)
    name = upper.cells[0].merge(lower.cells[0])
    name.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    _in_table_style(name.paragraphs[0])
    name.paragraphs[0].add_run(first).bold = True
    for paragraph in lower.cells[0].paragraphs[1:]:
        paragraph._p.getparent().remove(paragraph._p)
    for first_column, last_column, title in group_headings():
        merged = upper.cells[first_column].merge(upper.cells[last_column])
        _in_table_style(merged.paragraphs[0])
        merged.paragraphs[0].add_run(title).bold = True
    nested = any(row["kind"] == "city" for row in content.rows)
    if not content.rows:
        empty = table.add_row().cells
        _cell(empty[0].merge(empty[-1]), _("No projects in these batches."), width_mm=TEXT_WIDTH_MM)
    for row in [*content.rows, content.total]:
        strong = row["kind"] in ("city", "total")
        cells = table.add_row().cells
        _cell(cells[0], row["name"], bold=strong, align=WD_ALIGN_PARAGRAPH.LEFT, width_mm=widths[0])
        if row["kind"] == "zone" and nested:  # a zone under its city, as the page shows it
            cells[0].paragraphs[0].paragraph_format.left_indent = Pt(TABLE_PT)
        for column, key in enumerate(FIGURE_CELLS, start=1):
            _cell(cells[column], row["cells"][key], bold=strong, align=WD_ALIGN_PARAGRAPH.RIGHT, width_mm=figure_width)


def _title_lines(title):
    """The title in lines of at most a line's characters, broken at a quotation mark nearest the middle (GB/T 9704
    wants a title's lines split where its words part, not where the line happens to end); else left to wrap."""
    per_line = int(TEXT_WIDTH_MM / (TITLE_PT * 25.4 / 72))
    if len(title) <= per_line:
        return [title]
    # Before an opening or after a closing quotation mark: where a quoted name such as “三个一批” starts or ends.
    places = [place for place in range(1, len(title)) if title[place] == "“" or title[place - 1] == "”"]
    fitting = [place for place in places if place <= per_line and len(title) - place <= per_line]
    if not fitting:
        return [title]
    middle = min(fitting, key=lambda place: abs(place - len(title) / 2))
    return [title[:middle], title[middle:]]


def _line_break():
    run = OxmlElement("w:r")
    run.append(OxmlElement("w:br"))
    return run


def _paragraph(document, text, style=None, **layout):
    paragraph = document.add_paragraph(text, style=style)
    for name, value in layout.items():
        setattr(paragraph.paragraph_format, name, value)
    return paragraph


def write_bulletin_docx(*, user, scope, period, file, as_of=None, known_at=None):
    """Write the bulletin of `period` for `scope` as a .docx to `file` (a path or a binary stream)."""
    content = bulletin_content(user=user, scope=scope, period=period, as_of=as_of, known_at=known_at)
    document = Document()
    document.core_properties.title = content.title
    document.core_properties.author = scope.name
    _styles(document)
    _page(document)
    title = _paragraph(document, "", "Bulletin Title", space_after=Pt(LINE_PT))
    for number, line in enumerate(_title_lines(content.title)):
        run = title.add_run(line)
        if number:
            run._r.addprevious(_line_break())
    _paragraph(document, content.opening)
    sections = [*content.sections, (content.table_heading, [])]
    for number, (heading, sentences) in zip(NUMBERED, sections, strict=False):
        _paragraph(document, number % {"heading": heading}, "Bulletin Heading", keep_with_next=True)
        for sentence in sentences:
            _paragraph(document, sentence)
    # The chart before the table, so that the 发文 date follows the table's note and is never alone on a page.
    _paragraph(document, content.chart["title"], "Bulletin Caption", keep_with_next=True)
    figure = _paragraph(document, "", "Bulletin Figure")
    figure.add_run().add_picture(
        io.BytesIO(bar_chart_png(content.chart, width_mm=TEXT_WIDTH_MM)), width=Mm(TEXT_WIDTH_MM)
    )
    _paragraph(
        document,
        _("Unit: projects, 100 million yuan (亿元)"),
        "Bulletin Note",
        alignment=WD_ALIGN_PARAGRAPH.RIGHT,
        keep_with_next=True,
    )
    _table(document, content)
    _paragraph(document, rounding_note(), "Bulletin Note", space_before=Pt(6), keep_with_next=True)
    _paragraph(
        document,
        date_format(content.issued_on, "DATE_FORMAT"),
        alignment=WD_ALIGN_PARAGRAPH.RIGHT,
        right_indent=Pt(BODY_PT * 4),
        space_before=Pt(LINE_PT),
    )
    document.save(file)


def write_bulletin(kind, **arguments):
    """Write the bulletin as a "docx" or a "pdf" (the arguments of `write_bulletin_docx`)."""
    return {"docx": write_bulletin_docx, "pdf": write_bulletin_pdf}[kind](**arguments)


def write_bulletin_pdf(*, user, scope, period, file, as_of=None, known_at=None):
    """Write the bulletin as a PDF to `file`: the .docx, converted by LibreOffice (OfficeUnavailable without it)."""
    with tempfile.TemporaryDirectory(prefix="zoneledger-bulletin-") as folder:
        source = Path(folder) / "bulletin.docx"
        write_bulletin_docx(user=user, scope=scope, period=period, as_of=as_of, known_at=known_at, file=source)
        (pdf,) = convert_to_pdf([source], outdir=Path(folder))
        data = pdf.read_bytes()
    if hasattr(file, "write"):
        file.write(data)
    else:
        Path(file).write_bytes(data)


# Widths that keep a date ("2025-10-29") and a short number or word on one line in the pack's tables.
DATE_COLUMN_MM = 22
SHORT_COLUMN_MM = 14


def _part_widths(part):
    """Each column's width on the page: dates and whole numbers as wide as they need, the text columns sharing the
    rest in proportion to their widths in the workbook."""
    fixed = {}
    for position, column in enumerate(part.columns):
        values = [row[position] for row in part.rows]
        if values and all(isinstance(value, date) for value in values):
            fixed[position] = DATE_COLUMN_MM
        elif values and (all(isinstance(value, int) for value in values) or column.width <= 10):
            fixed[position] = SHORT_COLUMN_MM
    rest = TEXT_WIDTH_MM - sum(fixed.values())
    shared = sum(column.width for position, column in enumerate(part.columns) if position not in fixed)
    return [fixed.get(position, rest * column.width / shared) for position, column in enumerate(part.columns)]


def write_weekly_pack_docx(pack, file):
    """The weekly dispatch pack (周调度, `reports.weekly.WeeklyPack`) as a .docx laid out like the bulletin: a title,
    the scope and week, then one numbered part per list, each a table whose header row repeats on every page."""
    document = Document()
    title = _("Weekly dispatch (周调度)")
    document.core_properties.title = f"{title} · {pack.title}"
    _styles(document)
    _page(document)
    _paragraph(document, f"{pack.title}{title}", "Bulletin Title", space_after=Pt(6))
    _paragraph(
        document,
        _("Week %(start)s to %(end)s") % {"start": pack.start.isoformat(), "end": pack.end.isoformat()},
        "Bulletin Caption",
        space_after=Pt(LINE_PT),
    )

    for number, part in enumerate(pack_parts(pack), start=1):
        _paragraph(document, f"{number}. {part.title} ({len(part.rows)})", "Bulletin Heading", keep_with_next=True)
        if not part.rows:
            _paragraph(document, _("None this week."))
            continue
        widths = _part_widths(part)
        table = document.add_table(rows=1, cols=len(part.columns))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _narrow_cell_margins(table)
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Mm(width)  # the grid LibreOffice lays the table out by
        _repeat_as_header(table.rows[0])
        for cell, column, width in zip(table.rows[0].cells, part.columns, widths, strict=True):
            _cell(cell, column.heading, bold=True, width_mm=width)
        for values in part.rows:
            for cell, value, width in zip(table.add_row().cells, values, widths, strict=True):
                text = value.isoformat() if isinstance(value, date) else str(value)
                _cell(cell, text, align=WD_ALIGN_PARAGRAPH.LEFT, width_mm=width)
    _paragraph(
        document,
        _("Printed on %(date)s") % {"date": date_format(today(), "DATE_FORMAT")},
        alignment=WD_ALIGN_PARAGRAPH.RIGHT,
        space_before=Pt(LINE_PT),
    )
    document.save(file)
