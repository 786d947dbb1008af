"""Each kind of bad cell gives its own message at its row and column, and a refused import writes nothing."""

from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from tests.factories import valid_uscc
from tests.ingest.conftest import project_row, write_workbook
from zoneledger.ingest.columns import LEDGER_SHEET, MONTHLY_SHEET
from zoneledger.ingest.importer import import_workbook
from zoneledger.projects.models import Project

pytestmark = pytest.mark.django_db

GOOD = project_row("好的测试项目", 签约日期=date(2024, 3, 28))
SIGNED_WENSHUI = "年产2.5万吨固态锂电池正极材料项目"


def where(errors):
    return [(error.sheet, error.row, error.column) for error in errors]


@pytest.mark.parametrize(
    ("bad_row", "column", "message"),
    [
        ({"项目名称": None}, "项目名称", "This column is required."),
        ({"总投资（万元）": None}, "总投资（万元）", "This column is required."),
        (
            {"统一社会信用代码": "91140000123456789X", "建设单位": "某公司"},
            "统一社会信用代码",
            "unified social credit code",
        ),
        ({"统一社会信用代码": valid_uscc(42)}, "建设单位", "enterprise's name"),
        ({"签约日期": "2024-02-30"}, "签约日期", "not a date that exists"),
        ({"签约日期": "去年三月"}, "签约日期", "not a date such as"),
        ({"开发区": "火星经济开发区"}, "开发区", "not a zone in zoneledger"),
        ({"签约批次": "2024-9"}, "签约批次", "Round 2024-9 is not defined"),
        ({"签约批次": "第一批"}, "签约批次", "not a round such as"),
        ({"总投资（万元）": -5}, "总投资（万元）", "greater than or equal to 0"),
        ({"用地面积（亩）": "12.345"}, "用地面积（亩）", "at most two decimals"),
        ({"开工日期": date(2024, 1, 2)}, "开工日期", "before the"),
        ({"签约日期": date(2099, 1, 1)}, "签约日期", "in the future"),
        ({"终止日期": date(2024, 1, 2), "开工日期": date(2024, 5, 1)}, "终止日期", "before the"),
        ({"开工日期": date(2024, 5, 1), "签约日期": date(2024, 6, 1)}, "开工日期", "before the"),
        ({"开发区": "孝义经济开发区"}, "开发区", "You may not import projects of 孝义经济开发区"),
        ({"项目代码": "2024-1411"}, "项目代码", "not a project code"),
        ({"行业代码": "Z99"}, "行业代码", "not an industry code"),
        ({"产业链": "不存在链"}, "产业链", "not an industry chain"),
        ({"链环节": "气"}, "链环节", "not a link of the chain"),
        ({"重点项目级别": "特级重点项目"}, "重点项目级别", "not a key-project level: use 县级重点项目、市级重点项目"),
        ({"签约批次": "2024-1", "签约日期": None}, "签约批次", "needs the date"),
        ({"项目名称": "好的测试项目"}, "项目名称", "already in row 2"),
        ({"项目名称": SIGNED_WENSHUI, "签约日期": date(2024, 1, 1)}, "签约日期", "already records"),
    ],
)
def test_each_bad_cell_is_reported_at_its_row_and_column(
    tmp_path, wenshui_editor, unchanged_ledger, bad_row, column, message
):
    bad = project_row("坏的测试项目", 签约日期=date(2024, 3, 28)) | bad_row
    headers = list(dict.fromkeys([*GOOD, *bad, *bad_row]))
    path = write_workbook(tmp_path / "bad.xlsx", [GOOD, bad], ledger_headers=headers)
    result = import_workbook(file=path, user=wenshui_editor, language="en")
    assert where(result.errors) == [(LEDGER_SHEET, 3, column)]
    assert message in result.errors[0].message
    assert not result.applied


@pytest.mark.parametrize(
    ("bad_row", "column", "message"),
    [
        ({"月份": "2024-13"}, "月份", "not a date that exists"),
        ({"月份": "三月"}, "月份", "not a month such as"),
        ({"月份": date(2099, 1, 1)}, "月份", "in the future"),
        ({"完成投资（万元）": -1}, "完成投资（万元）", "greater than or equal to 0"),
        ({"完成投资（万元）": "一百"}, "完成投资（万元）", "not an amount"),
        ({"项目名称": "没有这个项目"}, "项目名称", "No project of yours matches"),
        ({"项目代码": "2024-141121-30-03-999999", "项目名称": None}, "项目代码", "No project of yours matches"),
        ({"开发区": None, "项目名称": None}, "项目代码", "Give the project code"),
        ({"月份": "2024-04"}, "月份", "already in row 2"),
    ],
)
def test_each_bad_monthly_cell_is_reported(tmp_path, wenshui_editor, unchanged_ledger, bad_row, column, message):
    good = {"项目名称": "好的测试项目", "开发区": "文水经济开发区", "月份": "2024-04", "完成投资（万元）": 10}
    bad = good | {"月份": "2024-05"} | bad_row
    headers = ["项目代码", "项目名称", "开发区", "月份", "完成投资（万元）"]
    path = write_workbook(tmp_path / "bad.xlsx", [GOOD], [good, bad], monthly_headers=headers)
    result = import_workbook(file=path, user=wenshui_editor, language="en")
    assert where(result.errors) == [(MONTHLY_SHEET, 3, column)]
    assert message in result.errors[0].message


def test_every_error_of_the_file_is_reported_not_just_the_first(tmp_path, wenshui_editor, unchanged_ledger):
    path = write_workbook(
        tmp_path / "many.xlsx",
        [
            project_row("坏项目一", **{"总投资（万元）": -1}),
            GOOD,
            project_row("坏项目二", 开发区="火星开发区", 签约日期="昨天"),
            project_row("坏项目三", 签约批次="2024-1"),
        ],
        [{"项目名称": "好的测试项目", "开发区": "文水经济开发区", "月份": "明年", "完成投资（万元）": 1}],
    )
    result = import_workbook(file=path, user=wenshui_editor)
    assert where(result.errors) == [
        (LEDGER_SHEET, 2, "总投资（万元）"),
        (LEDGER_SHEET, 4, "签约日期"),
        (LEDGER_SHEET, 4, "开发区"),
        (LEDGER_SHEET, 5, "签约批次"),
        (MONTHLY_SHEET, 2, "月份"),
    ]


def test_every_bad_cell_of_a_row_is_reported_at_once(tmp_path, wenshui_editor, unchanged_ledger):
    bad = project_row(
        "坏的测试项目", 开发区="孝义经济开发区", 签约日期="2024/13/40", 统一社会信用代码="91140000123456789X"
    )
    path = write_workbook(tmp_path / "bad.xlsx", [GOOD, bad], ledger_headers=list(dict.fromkeys([*GOOD, *bad])))
    result = import_workbook(file=path, user=wenshui_editor, language="en")
    assert sorted(where(result.errors)) == sorted(
        [(LEDGER_SHEET, 3, "签约日期"), (LEDGER_SHEET, 3, "开发区"), (LEDGER_SHEET, 3, "统一社会信用代码")]
    )
    assert not result.applied


def test_messages_are_chinese_by_default_and_english_when_asked(tmp_path, wenshui_editor):
    path = write_workbook(tmp_path / "lang.xlsx", [project_row("语言测试项目", 开发区="火星经济开发区")])
    chinese = import_workbook(file=path, user=wenshui_editor).errors[0].message
    english = import_workbook(file=path, user=wenshui_editor, language="en").errors[0].message
    assert english == "“火星经济开发区” is not a zone in zoneledger."
    assert chinese != english
    assert "开发区" in chinese


def test_a_missing_required_column_is_reported_on_the_header_row(tmp_path, wenshui_editor, unchanged_ledger):
    path = write_workbook(tmp_path / "columns.xlsx", [{"项目名称": "缺列项目", "开发区": "文水经济开发区"}])
    result = import_workbook(file=path, user=wenshui_editor, language="en")
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (1, "总投资（万元）", "The required column is missing.")
    ]


def test_a_column_given_twice_is_refused(tmp_path, wenshui_editor, unchanged_ledger):
    path = write_workbook(
        tmp_path / "twice.xlsx",
        [GOOD],
        ledger_headers=["项目名称", "开发区", "总投资（万元）", "总投资(万元)"],
    )
    result = import_workbook(file=path, user=wenshui_editor, language="en")
    assert [(e.row, e.column, e.message) for e in result.errors] == [(1, "总投资（万元）", "The column appears twice.")]


def test_a_workbook_without_the_ledger_sheet_is_refused(tmp_path, wenshui_editor):
    import xlsxwriter

    book = xlsxwriter.Workbook(str(tmp_path / "sheet.xlsx"))
    book.add_worksheet("Sheet1").write_string(0, 0, "项目名称")
    book.close()
    result = import_workbook(file=tmp_path / "sheet.xlsx", user=wenshui_editor, language="en")
    assert [error.message for error in result.errors] == ["The workbook has no sheet called 项目台账."]


def test_a_text_longer_than_a_cell_holds_is_refused_at_its_row_and_column(tmp_path, wenshui_editor, unchanged_ledger):
    # 16,384 characters of CJK Extension B are 32,768 of a cell's UTF-16 units, one more than a cell holds: a
    # spreadsheet program would not save them, but a file made otherwise can hold them (openpyxl does not cut).
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = LEDGER_SHEET
    bad = project_row("过长的测试项目", 建设内容="\U00020000" * 16_384)
    sheet.append(list(bad))
    sheet.append([float(value) if isinstance(value, Decimal) else value for value in bad.values()])
    book.save(tmp_path / "long.xlsx")

    result = import_workbook(file=tmp_path / "long.xlsx", user=wenshui_editor, language="en")

    assert where(result.errors) == [(LEDGER_SHEET, 2, "建设内容")]
    assert result.errors[0].message == "The text has 32,768 characters, more than a cell holds (32,767)."
    assert not result.applied


CODE_TAKEN = (
    "This project code is already registered for another project. If it is this project's code, ask the"
    " province's business administrator."
)


@pytest.mark.parametrize("row_names", ["a new project", "a project of the zone without a code"])
def test_a_project_code_of_another_zone_gets_the_form_s_answer_naming_nothing(
    tmp_path, wenshui_editor, unchanged_ledger, row_names
):
    """Issue 20, C1: the same answer as the project form's for any code conflict, whatever the row names."""
    other = Project.objects.filter(zone__name="孝义经济开发区").first()
    Project.objects.filter(pk=other.pk).update(code="2024-141181-30-03-000888")
    name = "抢代码项目"
    if row_names != "a new project":
        name = Project.objects.filter(zone__name="文水经济开发区", code=None).first().name
    path = write_workbook(tmp_path / "code.xlsx", [project_row(name, 项目代码="2024-141181-30-03-000888")])
    result = import_workbook(file=path, user=wenshui_editor, language="en")
    assert [(error.row, error.column, error.message) for error in result.errors] == [(2, "项目代码", CODE_TAKEN)]
    Project.objects.filter(pk=other.pk).update(code=None)


def test_a_viewer_may_not_import_at_all(tmp_path, unchanged_ledger):
    from zoneledger.accounts.models import User

    viewer = User.objects.get(username="wenshui-viewer")
    path = write_workbook(tmp_path / "viewer.xlsx", [GOOD])
    result = import_workbook(file=path, user=viewer, language="en")
    assert where(result.errors) == [(LEDGER_SHEET, 2, "开发区")]


def test_a_month_given_three_times_points_each_repeat_at_the_first_row_that_was_taken(
    tmp_path, wenshui_editor, unchanged_ledger
):
    month = {"项目名称": "好的测试项目", "开发区": "文水经济开发区", "月份": "2024-04"}
    monthly = [
        month | {"完成投资（万元）": -5},  # row 2: refused for its amount, so not the first mention
        month | {"月份": "2024-05", "完成投资（万元）": 1},
        month | {"完成投资（万元）": 10},  # row 4: the first mention taken
        month | {"月份": date(2024, 4, 1), "完成投资（万元）": 20},
        month | {"月份": "2024年4月", "完成投资（万元）": 30},
    ]
    path = write_workbook(tmp_path / "repeats.xlsx", [GOOD], monthly)
    result = import_workbook(file=path, user=wenshui_editor, language="en")
    assert where(result.errors) == [
        (MONTHLY_SHEET, 2, "完成投资（万元）"),
        (MONTHLY_SHEET, 5, "月份"),
        (MONTHLY_SHEET, 6, "月份"),
    ]
    assert [error.message for error in result.errors[1:]] == ["The same project and month are already in row 4."] * 2
    assert not result.applied


@pytest.mark.parametrize("named_by", ["code", "zone and name"])
def test_a_monthly_row_for_a_project_of_another_zone_is_refused(tmp_path, wenshui_editor, named_by):
    other = Project.objects.filter(zone__name="孝义经济开发区").first()
    Project.objects.filter(pk=other.pk).update(code="2024-141181-30-03-000888")
    months_before = list(other.progress.order_by("month").values_list("month", "completed_investment", "status"))
    keys = {"项目代码": "2024-141181-30-03-000888"}
    if named_by == "zone and name":
        keys = {"项目名称": other.name, "开发区": "孝义经济开发区"}
    path = write_workbook(tmp_path / "other.xlsx", [GOOD], [keys | {"月份": "2024-05", "完成投资（万元）": 99}])
    result = import_workbook(file=path, user=wenshui_editor, language="en")
    column, message = (
        ("项目代码", "No project of yours matches") if named_by == "code" else ("开发区", "may not import")
    )
    assert where(result.errors) == [(MONTHLY_SHEET, 2, column)]
    assert message in result.errors[0].message
    assert not result.applied
    assert (
        list(other.progress.order_by("month").values_list("month", "completed_investment", "status")) == months_before
    )
