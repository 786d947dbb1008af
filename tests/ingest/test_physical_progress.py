"""The monthly sheet's 形象进度: given, it is the month's; blank or absent, the report keeps its own (issue 14)."""

from datetime import date
from decimal import Decimal

import pytest

from tests.factories import ProjectFactory
from tests.ingest.conftest import ledger_fingerprint, write_workbook
from tests.rows import rows_of
from zoneledger.accounts.models import User
from zoneledger.ingest.columns import MONTHLY_SHEET
from zoneledger.ingest.importer import import_workbook
from zoneledger.ingest.writer import write_ledger_xlsx
from zoneledger.progress.models import ReportTransition, ReportVersion
from zoneledger.progress.services import progress_approve, progress_submit
from zoneledger.projects.choices import Stage
from zoneledger.projects.models import MonthlyProgress, Project, StageEvent
from zoneledger.zones.models import Zone

pytestmark = pytest.mark.django_db
LEDGER = ["项目名称", "开发区", "总投资（万元）"]
MONTH = date(2024, 11, 1)


@pytest.fixture
def approved(wenshui_editor):
    """A 文水 month approved with its 形象进度 and a note, as a person entered them."""
    project = ProjectFactory(zone=Zone.objects.get(name="文水经济开发区"), name="形象进度测试项目")
    StageEvent.objects.create(project=project, stage=Stage.STARTED, happened_on=date(2024, 3, 10))
    version = progress_submit(
        actor=wenshui_editor,
        project=project,
        month=MONTH,
        amount=Decimal("321.00"),
        physical_progress="主体结构封顶",
        note="含设备款",
    )
    return progress_approve(actor=User.objects.get(username="wenshui-reviewer"), version=version)


def month_row(project, **cells):
    return {"项目名称": project.name, "开发区": "文水经济开发区", "月份": MONTH, "完成投资（万元）": 321} | cells


def reports():
    """Every row a monthly sheet could have written (the import's own audit record aside)."""
    counts, *rows = ledger_fingerprint()
    return (
        counts[:4],
        rows,
        rows_of(MonthlyProgress.objects.order_by("pk").values_list("progress_note")),
        rows_of(ReportVersion.objects.order_by("pk").values_list("pk", "state", "physical_progress", "note")),
        ReportTransition.objects.count(),
    )


def versions(project):
    return list(ReportVersion.objects.filter(project=project, month=MONTH).values_list("number", "state"))


@pytest.mark.parametrize("headers", [None, ["项目名称", "开发区", "月份", "完成投资（万元）", "形象进度"]])
def test_restating_a_month_without_its_progress_keeps_it_and_corrects_nothing(
    tmp_path, wenshui_editor, approved, headers
):
    # No 形象进度 column at all, or the column left blank.
    path = write_workbook(
        tmp_path / "m.xlsx", [], [month_row(approved.project)], ledger_headers=LEDGER, monthly_headers=headers
    )
    before = reports()
    result = import_workbook(file=path, user=wenshui_editor)
    assert result.errors == []
    assert list(result.unchanged[MONTHLY_SHEET]) == [2]
    assert reports() == before
    assert versions(approved.project) == [(1, "approved")]
    head = MonthlyProgress.objects.get(project=approved.project, month=MONTH)
    assert head.progress_note == "主体结构封顶"


def test_a_new_amount_without_progress_is_a_correction_that_keeps_the_text(tmp_path, wenshui_editor, approved):
    path = write_workbook(
        tmp_path / "m.xlsx", [], [month_row(approved.project) | {"完成投资（万元）": 400}], ledger_headers=LEDGER
    )
    assert import_workbook(file=path, user=wenshui_editor).errors == []
    correction = ReportVersion.objects.get(project=approved.project, month=MONTH, number=2)
    assert (correction.amount, correction.physical_progress, correction.note) == (
        Decimal("400.00"),
        "主体结构封顶",
        "含设备款",
    )


def test_a_given_progress_replaces_the_month_s(tmp_path, wenshui_editor, approved):
    path = write_workbook(
        tmp_path / "m.xlsx", [], [month_row(approved.project, 形象进度="设备安装调试")], ledger_headers=LEDGER
    )
    assert import_workbook(file=path, user=wenshui_editor).errors == []
    correction = ReportVersion.objects.get(project=approved.project, month=MONTH, number=2)
    assert (correction.amount, correction.physical_progress) == (Decimal("321.00"), "设备安装调试")


def test_a_progress_too_long_is_the_row_s_error_in_its_column_and_nothing_changes(tmp_path, wenshui_editor, approved):
    path = write_workbook(
        tmp_path / "m.xlsx", [], [month_row(approved.project, 形象进度="进" * 2001)], ledger_headers=LEDGER
    )
    before = reports()
    result = import_workbook(file=path, user=wenshui_editor)
    assert [(error.row, error.column) for error in result.errors] == [(2, "形象进度")]
    assert reports() == before


def test_the_export_carries_the_progress_and_importing_it_back_changes_nothing(tmp_path, wenshui_editor, approved):
    path = tmp_path / "export.xlsx"
    with path.open("wb") as out:
        write_ledger_xlsx(projects_queryset=Project.objects.filter(pk=approved.project_id), file=out)
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(MONTHLY_SHEET).to_python()
    header = next(row for row in sheet if "形象进度" in row)
    assert "主体结构封顶" in [row[header.index("形象进度")] for row in sheet]
    before = reports()
    result = import_workbook(file=path, user=wenshui_editor)
    assert result.errors == []
    assert reports() == before
