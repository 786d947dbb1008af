"""The export and the template: formatted for people, never formulas, and read back by the importer."""

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
import xlsxwriter
from django.core.management import call_command
from django.db.models import Count
from django.utils import translation

from zoneledger.campaigns.models import Round
from zoneledger.ingest.columns import GUIDE_SHEET, LEDGER_COLUMNS, LEDGER_SHEET, MONTHLY_SHEET
from zoneledger.ingest.writer import TooLarge, excel_serial, write_ledger_xlsx, write_template_xlsx
from zoneledger.projects.models import MonthlyProgress, Project, StageEvent
from zoneledger.zones.models import Zone

pytestmark = pytest.mark.django_db

HEADERS = [column.header for column in LEDGER_COLUMNS]


def exported(projects):
    buffer = io.BytesIO()
    write_ledger_xlsx(projects_queryset=projects, file=buffer)
    buffer.seek(0)
    return openpyxl.load_workbook(buffer)


def test_the_export_is_formatted_for_people():
    projects = Project.objects.filter(zone__name="文水经济开发区")
    book = exported(projects)
    sheet = book[LEDGER_SHEET]
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.column_dimensions["B"].width > 30
    assert sheet.max_row == projects.count() + 1
    signed = next(row for row in sheet.iter_rows(min_row=2) if row[HEADERS.index("签约日期")].value)
    signed_on = signed[HEADERS.index("签约日期")]
    assert isinstance(signed_on.value, datetime)
    assert signed_on.number_format == "yyyy-mm-dd"
    investment = signed[HEADERS.index("总投资（万元）")]
    assert isinstance(investment.value, int | float)
    assert investment.number_format == "#,##0.00"
    months = book[MONTHLY_SHEET]
    assert [cell.value for cell in months[1]] == [
        "项目代码",
        "项目名称",
        "开发区",
        "月份",
        "完成投资（万元）",
        "形象进度",
    ]
    assert months.max_row > 1
    assert months["D2"].number_format == "yyyy-mm"
    assert isinstance(months["E2"].value, int | float)
    assert months["E2"].number_format == "#,##0.00"
    assert months.freeze_panes == "A2"


def test_exactly_the_given_projects_are_exported_with_their_stages():
    project = Project.objects.filter(zone__name="文水经济开发区", events__round__isnull=False).first()
    event = project.events.live().exclude(round=None).first()
    sheet = exported(Project.objects.filter(pk=project.pk))[LEDGER_SHEET]
    assert sheet.max_row == 2
    row = {header: cell.value for header, cell in zip(HEADERS, sheet[2], strict=True)}
    stage_date = {"signed": "签约", "started": "开工", "commissioned": "投产"}[event.stage]
    assert row["项目名称"] == project.name
    assert row[f"{stage_date}日期"].date() == event.happened_on
    assert row[f"{stage_date}批次"] == event.round.label
    assert Decimal(str(row["总投资（万元）"])) == project.total_investment


def test_dates_and_amounts_read_back_as_recorded_even_at_their_edges():
    project = Project.objects.annotate(recorded=Count("progress")).filter(recorded__gte=4).first()
    event = project.events.live().get(stage="signed")
    # Before 1 March 1900 Excel's count of days is one fewer: it counts a 29 February 1900 that never was.
    StageEvent.objects.filter(pk=event.pk).update(happened_on=date(1900, 1, 1))
    amounts = [Decimal("0.00"), Decimal("0.10"), Decimal("1234.50"), Decimal("99999999999999.99")]
    months = list(project.progress.order_by("month")[: len(amounts)])
    for month, amount in zip(months, amounts, strict=True):
        MonthlyProgress.objects.filter(pk=month.pk).update(completed_investment=amount)
    book = exported(Project.objects.filter(pk=project.pk))
    assert book[LEDGER_SHEET].cell(row=2, column=HEADERS.index("签约日期") + 1).value == datetime(1900, 1, 1)
    cells = [(row[3].value, row[4].value) for row in book[MONTHLY_SHEET].iter_rows(min_row=2)]
    # An amount is the number nearest it, the one a cell holding its digits has; zero is written, not left blank.
    assert cells[: len(amounts)] == [
        (datetime(month.month.year, month.month.month, 1), float(amount))
        for month, amount in zip(months, amounts, strict=True)
    ]


@pytest.mark.parametrize(
    "day", [date(1899, 12, 31), date(1900, 1, 1), date(1900, 2, 28), date(1900, 3, 1), date(2024, 2, 29)]
)
def test_a_date_is_written_as_the_very_cell_write_datetime_makes(tmp_path, day):
    def sheet_xml(write):
        path = tmp_path / "dates.xlsx"
        book = xlsxwriter.Workbook(path, {"constant_memory": True})
        write(book.add_worksheet(), book.add_format({"num_format": "yyyy-mm-dd"}))
        book.close()
        with zipfile.ZipFile(path) as unzipped:
            return unzipped.read("xl/worksheets/sheet1.xml")

    assert sheet_xml(lambda sheet, day_format: sheet.write_number(0, 0, excel_serial(day), day_format)) == (
        sheet_xml(lambda sheet, day_format: sheet.write_datetime(0, 0, day, day_format))
    )


@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil.example","x")', "+86 351 1234567", "-1+2", "@SUM(A1)"])
def test_text_that_looks_like_a_formula_is_written_as_text(text):
    project = Project.objects.filter(zone__name="文水经济开发区").first()
    Project.objects.filter(pk=project.pk).update(construction_content=text, leader_in_charge=text)
    cells = exported(Project.objects.filter(pk=project.pk))[LEDGER_SHEET][2]
    for header in ("建设内容", "包联领导"):
        cell = cells[HEADERS.index(header)]
        assert cell.data_type == "s"
        assert cell.value == text


def test_the_template_explains_every_column_and_offers_zones_and_rounds_as_drop_downs():
    buffer = io.BytesIO()
    write_template_xlsx(file=buffer)
    buffer.seek(0)
    book = openpyxl.load_workbook(buffer)
    assert book.sheetnames == [LEDGER_SHEET, MONTHLY_SHEET, GUIDE_SHEET]
    assert [cell.value for cell in book[LEDGER_SHEET][1]] == HEADERS
    assert book[LEDGER_SHEET].max_row == 1
    guide = book[GUIDE_SHEET]
    explained = [row[0].value for row in guide.iter_rows(min_row=2) if row[0].value]
    assert set(HEADERS) <= set(explained)
    required = {row[0].value for row in guide.iter_rows(min_row=2, max_row=len(LEDGER_COLUMNS) + 1) if row[2].value}
    assert required == {"项目名称", "开发区", "总投资（万元）"}
    zones = [row[6].value for row in guide.iter_rows(min_row=2) if row[6].value]
    assert sorted(zones) == sorted(Zone.objects.values_list("name", flat=True))
    rounds = [row[7].value for row in guide.iter_rows(min_row=2) if row[7].value]
    assert rounds == [r.label for r in Round.objects.order_by("year", "sequence", "province_id")]
    validations = {str(v.sqref): v.formula1 for v in book[LEDGER_SHEET].data_validations.dataValidation}
    column = {header: openpyxl.utils.get_column_letter(i + 1) for i, header in enumerate(HEADERS)}
    assert validations[f"{column['开发区']}2:{column['开发区']}5001"] == f"'{GUIDE_SHEET}'!$G$2:$G${len(zones) + 1}"
    for header in ("签约批次", "开工批次", "投产批次"):
        assert validations[f"{column[header]}2:{column[header]}5001"] == f"'{GUIDE_SHEET}'!$H$2:$H${len(rounds) + 1}"


def test_the_template_in_english(tmp_path):
    call_command("template", str(tmp_path / "t.xlsx"), "--lang", "en", stdout=io.StringIO())
    guide = openpyxl.load_workbook(tmp_path / "t.xlsx")[GUIDE_SHEET]
    assert guide["A1"].value == "Column"
    assert guide["E3"].value == "Unique within the zone. Each project on one row only: a second row for it is an error."


def test_the_template_says_how_a_row_finds_its_project():
    buffer = io.BytesIO()
    write_template_xlsx(file=buffer)
    guide = openpyxl.load_workbook(buffer)[GUIDE_SHEET]
    help_of = {row[0].value: row[4].value for row in guide.iter_rows(min_row=2, max_row=len(LEDGER_COLUMNS) + 1)}
    assert "先按项目代码找到已有项目并更新" in help_of["项目代码"]
    assert "按开发区和项目名称查找" in help_of["项目代码"]
    assert "都找不到则新建项目" in help_of["项目代码"]
    assert "同一项目出现第二行即报错" in help_of["项目名称"]


def test_the_template_gives_each_columns_format_on_both_sheets():
    buffer = io.BytesIO()
    write_template_xlsx(file=buffer)
    guide = openpyxl.load_workbook(buffer)[GUIDE_SHEET]
    formats = {(row[1].value, row[0].value): row[3].value for row in guide.iter_rows(min_row=2) if row[0].value}
    assert "2024年3月15日" in formats[(LEDGER_SHEET, "签约日期")]
    assert "2024年第一次" in formats[(LEDGER_SHEET, "开工批次")]
    assert "1,234.50" in formats[(LEDGER_SHEET, "总投资（万元）")]
    assert "2024年3月" in formats[(MONTHLY_SHEET, "月份")]
    assert "1,234.50" in formats[(MONTHLY_SHEET, "完成投资（万元）")]
    assert {sheet for sheet, _header in formats} == {LEDGER_SHEET, MONTHLY_SHEET}


def test_the_template_guide_rows_are_tall_enough_for_their_wrapped_text():
    buffer = io.BytesIO()
    write_template_xlsx(file=buffer)
    guide = openpyxl.load_workbook(buffer)[GUIDE_SHEET]
    row_of = {row[0].value: row[0].row for row in guide.iter_rows(min_row=2, max_row=len(LEDGER_COLUMNS) + 1)}
    assert guide.cell(row_of["项目代码"], 5).alignment.wrap_text
    assert guide.row_dimensions[row_of["项目代码"]].height >= 3 * 15  # about 130 characters in a column of 72
    assert guide.row_dimensions[row_of["建设单位"]].height is None  # one line: the default height


def test_a_filled_in_template_imports(tmp_path, wenshui_editor):
    from zoneledger.ingest.importer import import_workbook

    write_template_xlsx(file=tmp_path / "t.xlsx")
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    sheet = book[LEDGER_SHEET]
    values = {"项目名称": "模板填报项目", "开发区": "文水经开区", "总投资（万元）": 1234.5}
    values["签约日期"] = date(2024, 3, 28)
    for header, value in values.items():
        sheet.cell(row=2, column=HEADERS.index(header) + 1, value=value)
    sheet.cell(row=2, column=HEADERS.index("签约批次") + 1, value="2024-1")
    book.save(tmp_path / "filled.xlsx")
    result = import_workbook(file=tmp_path / "filled.xlsx", user=wenshui_editor)
    assert result.errors == []
    project = Project.objects.get(name="模板填报项目")
    assert project.total_investment == Decimal("1234.50")
    assert project.events.get().round.label == "2024-1"


def test_a_sliced_queryset_exports_its_projects_and_only_their_months():
    projects = Project.objects.order_by("-total_investment", "pk")[:3]
    book = exported(projects)
    assert [row[1].value for row in book[LEDGER_SHEET].iter_rows(min_row=2)] == [p.name for p in projects]
    months = MonthlyProgress.objects.filter(project__in=[p.pk for p in projects]).count()
    assert book[MONTHLY_SHEET].max_row == months + 1


# Text as the format holds it (issue 20, I3 and I4)

CELL_CHARACTERS = 32_767  # the characters (UTF-16 code units) a cell holds
ASTRAL = "\U00020000"  # 𠀀, CJK Extension B: one character, two UTF-16 code units, as Excel counts them


def test_an_ooxml_escape_and_a_text_as_long_as_a_cell_come_back_unchanged_from_export_and_import(
    tmp_path, wenshui_editor
):
    from zoneledger.ingest.importer import import_workbook

    project = Project.objects.filter(zone__name="文水经济开发区").first()
    content = "建" * (CELL_CHARACTERS - 2) + ASTRAL  # exactly a cell's worth
    Project.objects.filter(pk=project.pk).update(name="名_x0041_称_x005F_", construction_content=content)
    path = tmp_path / "escaped.xlsx"
    write_ledger_xlsx(projects_queryset=Project.objects.filter(pk=project.pk), file=path)

    with zipfile.ZipFile(path) as unzipped:
        sheet_xml = unzipped.read("xl/worksheets/sheet1.xml").decode()
    # ECMA-376 Part 1, 22.9.2.19: a literal _xHHHH_ is written with its underscore escaped, else a reader decodes it.
    assert "名_x005F_x0041_称_x005F_x005F_" in sheet_xml
    result = import_workbook(file=path, user=wenshui_editor, dry_run=True)
    assert result.errors == []
    assert result.unchanged[LEDGER_SHEET] == [2]
    project.refresh_from_db()
    assert (project.name, project.construction_content) == ("名_x0041_称_x005F_", content)


@pytest.mark.parametrize(
    "content", ["建" * (CELL_CHARACTERS + 1), ASTRAL * (CELL_CHARACTERS // 2 + 1)], ids=["characters", "astral"]
)
def test_a_text_longer_than_a_cell_holds_is_refused_with_its_row_and_column_not_cut(tmp_path, content):
    wenshui = Project.objects.filter(zone__name="文水经济开发区").order_by("pk")
    too_long = wenshui[1]
    Project.objects.filter(pk=too_long.pk).update(construction_content=content)  # as a database from before the cap

    with pytest.raises(TooLarge) as refused, translation.override("en"):
        write_ledger_xlsx(projects_queryset=wenshui, file=tmp_path / "cut.xlsx")

    length = len(content.encode("utf-16-le")) // 2
    assert str(refused.value) == (
        f"Row 3 ({too_long.code or too_long.name}), column 建设内容: the text has {length:,} characters, more than a"
        f" cell holds ({CELL_CHARACTERS:,}). Shorten it before exporting."
    )
    assert not (tmp_path / "cut.xlsx").exists()
