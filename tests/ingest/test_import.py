"""Importing ledger workbooks: what is created, updated and left alone, and that the rules are the services' rules."""

import gc
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from tests.factories import valid_uscc
from tests.ingest.conftest import project_row, write_workbook
from zoneledger.accounts.models import User
from zoneledger.audit.actions import Action
from zoneledger.audit.models import AuditRecord
from zoneledger.campaigns.models import Round
from zoneledger.enterprises.models import Enterprise
from zoneledger.ingest.columns import LEDGER_SHEET, MONTHLY_SHEET
from zoneledger.ingest.importer import _rare_cycle_collections, import_workbook
from zoneledger.ingest.writer import write_ledger_xlsx
from zoneledger.progress.models import ReportVersion
from zoneledger.projects.models import MonthlyProgress, Project

pytestmark = pytest.mark.django_db


def rows(result, outcome, sheet=LEDGER_SHEET):
    return list(getattr(result, outcome).get(sheet, ()))


def test_a_new_row_creates_the_project_its_enterprise_and_its_stage_events(tmp_path, wenshui_editor):
    path = write_workbook(
        tmp_path / "new.xlsx",
        [
            project_row(
                "年产5万吨测试材料项目",
                项目代码="2024-141121-30-03-000001",
                建设单位="山西测试材料有限公司",
                统一社会信用代码=valid_uscc(123456789),
                行业代码="C30",
                产业链="碳基新材料",
                **{"用地面积（亩）": 120.5, "预计年产值（万元）": "12,000.00"},
                签约日期=date(2024, 3, 28),
                签约批次="2024年第一次",
                开工日期="2024/6/27",
                开工批次="2024-2",
            )
        ],
    )
    result = import_workbook(file=path, user=wenshui_editor)
    assert result.errors == []
    assert rows(result, "created") == [2]
    project = Project.objects.get(name="年产5万吨测试材料项目")
    assert project.zone.name == "文水经济开发区"
    assert project.code == "2024-141121-30-03-000001"
    assert project.enterprise.uscc == valid_uscc(123456789)
    assert project.chain.name == "碳基新材料"
    assert project.land_mu == Decimal("120.50")
    assert project.expected_output == Decimal("12000.00")
    assert project.stage == "started"
    events = list(project.events.values_list("stage", "happened_on", "round__year", "round__sequence"))
    assert events == [("signed", date(2024, 3, 28), 2024, 1), ("started", date(2024, 6, 27), 2024, 2)]


def test_importing_the_same_file_twice_changes_nothing_the_second_time(tmp_path, wenshui_editor):
    path = write_workbook(
        tmp_path / "twice.xlsx",
        [project_row("重复导入测试项目", 建设单位="山西重复有限公司", 签约日期=date(2024, 3, 28), 签约批次="2024-1")],
        [{"项目名称": "重复导入测试项目", "开发区": "文水经济开发区", "月份": "2024-04", "完成投资（万元）": 300}],
    )
    first = import_workbook(file=path, user=wenshui_editor)
    assert first.errors == []
    project = Project.objects.get(name="重复导入测试项目")
    counts = (Enterprise.objects.count(), project.events.count(), MonthlyProgress.objects.count(), project.version)
    second = import_workbook(file=path, user=wenshui_editor)
    assert rows(second, "unchanged") == [2]
    assert rows(second, "unchanged", MONTHLY_SHEET) == [2]
    assert rows(second, "created") == rows(second, "updated") == []
    project.refresh_from_db()
    assert (Enterprise.objects.count(), project.events.count(), MonthlyProgress.objects.count(), project.version) == (
        counts
    )


def test_a_known_project_is_matched_by_zone_and_name_and_gets_its_new_facts_and_stages(tmp_path, wenshui_editor):
    project = Project.objects.filter(zone__name="文水经济开发区", stage="signed").first()
    version, events = project.version, project.events.count()
    signed = project.events.get(stage="signed")
    path = write_workbook(
        tmp_path / "update.xlsx",
        [
            project_row(
                project.name,
                包联领导="王副县长",
                **{"总投资（万元）": project.total_investment},
                签约日期=signed.happened_on,
                开工日期=date(2025, 8, 1),
            )
        ],
    )
    result = import_workbook(file=path, user=wenshui_editor)
    assert result.errors == []
    assert rows(result, "updated") == [2]
    project.refresh_from_db()
    assert project.leader_in_charge == "王副县长"
    assert project.version == version + 1
    assert project.stage == "started"
    assert project.events.count() == events + 1


def test_a_name_is_matched_only_in_the_zone_of_its_row(tmp_path):
    """A city's file: each zone's names are looked up in that zone alone, never in the file's other zones."""
    city_editor = User.objects.get(username="lvliang-editor")
    in_wenshui = Project.objects.filter(zone__name="文水经济开发区").first()
    in_xiaoyi = Project.objects.filter(zone__name="孝义经济开发区").first()
    investment = in_wenshui.total_investment
    path = write_workbook(
        tmp_path / "city.xlsx",
        [
            project_row(in_wenshui.name, 开发区="孝义经济开发区"),
            project_row(in_xiaoyi.name),
            project_row(in_wenshui.name, **{"总投资（万元）": investment + 1}),
        ],
    )
    result = import_workbook(file=path, user=city_editor)
    assert result.errors == []
    assert rows(result, "created") == [2, 3]
    assert rows(result, "updated") == [4]
    assert Project.objects.get(zone__name="孝义经济开发区", name=in_wenshui.name).pk != in_wenshui.pk
    assert Project.objects.get(zone__name="文水经济开发区", name=in_xiaoyi.name).pk != in_xiaoyi.pk
    in_wenshui.refresh_from_db()
    assert in_wenshui.total_investment == investment + 1


def test_a_row_is_matched_by_project_code_before_its_name(tmp_path, wenshui_editor):
    project = Project.objects.filter(zone__name="文水经济开发区").first()
    Project.objects.filter(pk=project.pk).update(code="2024-141121-30-03-000777")
    path = write_workbook(tmp_path / "rename.xlsx", [project_row("改名后的项目", 项目代码="2024-141121-30-03-000777")])
    result = import_workbook(file=path, user=wenshui_editor)
    assert result.errors == []
    assert rows(result, "updated") == [2]
    project.refresh_from_db()
    assert project.name == "改名后的项目"
    assert project.total_investment == Decimal("5000.00")


def test_months_arrive_submitted_unless_a_reviewer_asks_to_approve_them(tmp_path, wenshui_editor):
    reviewer = User.objects.get(username="wenshui-reviewer")
    path = write_workbook(
        tmp_path / "months.xlsx",
        [project_row("月报测试项目", 开工日期=date(2024, 1, 10))],
        [
            {"项目名称": "月报测试项目", "开发区": "文水经济开发区", "月份": date(2024, 2, 1), "完成投资（万元）": 100},
            {"项目名称": "月报测试项目", "开发区": "文水经开区", "月份": "2024年3月", "完成投资（万元）": "1,200.5"},
        ],
    )
    assert import_workbook(file=path, user=wenshui_editor).errors == []
    statuses = set(MonthlyProgress.objects.filter(project__name="月报测试项目").values_list("status", flat=True))
    assert statuses == {"submitted"}
    assert import_workbook(file=path, user=wenshui_editor, approve=True).errors  # an editor may not approve
    months = write_workbook(
        tmp_path / "months2.xlsx",
        [project_row("月报测试项目", 开工日期=date(2024, 1, 10))],
        [{"项目名称": "月报测试项目", "开发区": "文水经济开发区", "月份": "2024-03", "完成投资（万元）": 1300}],
    )
    result = import_workbook(file=months, user=reviewer)  # a reviewer who does not ask: still submitted
    assert rows(result, "updated", MONTHLY_SHEET) == [2]
    entry = MonthlyProgress.objects.get(project__name="月报测试项目", month=date(2024, 3, 1))
    assert (entry.completed_investment, entry.status) == (Decimal("1300.00"), "submitted")
    result = import_workbook(file=months, user=reviewer, approve=True)
    entry.refresh_from_db()
    assert (entry.completed_investment, entry.status, entry.reviewed_by) == (Decimal("1300.00"), "approved", reviewer)
    approvals = AuditRecord.objects.filter(action=Action.PROGRESS_APPROVE, related_id=str(entry.project_id))
    summary = AuditRecord.objects.filter(action=Action.INGEST_IMPORT).order_by("-sequence").first()
    assert set(approvals.values_list("batch", flat=True)) == {summary.batch}
    assert summary.after["monthly_approved"] is True


def test_an_editor_s_change_to_an_approved_month_is_a_correction_waiting_for_review(tmp_path, wenshui_editor):
    entry = MonthlyProgress.objects.filter(project__zone__name="文水经济开发区", status="approved").first()
    path = write_workbook(
        tmp_path / "approved.xlsx",
        [],
        [
            {
                "项目名称": entry.project.name,
                "开发区": "文水经济开发区",
                "月份": entry.month,
                "完成投资（万元）": entry.completed_investment + 1,
            }
        ],
        ledger_headers=["项目名称", "开发区", "总投资（万元）"],
    )
    result = import_workbook(file=path, user=wenshui_editor)
    assert result.errors == []
    assert rows(result, "updated", MONTHLY_SHEET) == [2]
    counted = MonthlyProgress.objects.get(pk=entry.pk)
    assert (counted.completed_investment, counted.status) == (entry.completed_investment, "approved")
    correction = ReportVersion.objects.get(project=entry.project, month=entry.month, state="submitted")
    assert (correction.number, correction.amount) == (2, entry.completed_investment + 1)


def test_headers_in_any_order_with_spaces_full_width_brackets_and_required_marks(tmp_path, wenshui_editor):
    path = write_workbook(
        tmp_path / "headers.xlsx",
        [{"总投资（万元）": 800, "开发区": "文水经济开发区", "项目名称": "表头测试项目"}],
        ledger_headers=[" 总投资 (万元) *", "开发区*", "\u3000项目名称\u3000", "备注"],
    )
    result = import_workbook(file=path, user=wenshui_editor)
    assert result.errors == []
    assert Project.objects.get(name="表头测试项目").total_investment == Decimal("800.00")


def test_a_dry_run_reports_what_would_happen_and_writes_nothing(tmp_path, wenshui_editor, unchanged_ledger):
    path = write_workbook(tmp_path / "dry.xlsx", [project_row("试运行项目")])
    result = import_workbook(file=path, user=wenshui_editor, dry_run=True)
    assert result.ok
    assert not result.applied
    assert rows(result, "created") == [2]


def test_an_import_leaves_a_record_per_changed_object_tied_to_one_summary_of_the_file(tmp_path, wenshui_editor):
    known = Project.objects.filter(zone__name="文水经济开发区", stage="signed").first()
    signed = known.events.get(stage="signed")
    path = write_workbook(
        tmp_path / "audited.xlsx",
        [
            project_row("审计测试项目", 建设单位="山西审计测试有限公司", 签约日期=date(2024, 3, 28)),
            project_row(
                known.name,
                包联领导="李副县长",
                **{"总投资（万元）": known.total_investment},
                签约日期=signed.happened_on,
                开工日期=date(2025, 8, 1),
            ),
        ],
    )
    assert import_workbook(file=path, user=wenshui_editor).errors == []
    summary = AuditRecord.objects.get(action="ingest.import")
    assert summary.actor == wenshui_editor
    assert summary.after["file"].endswith("audited.xlsx")
    assert len(summary.after["sha256"]) == 64
    assert (summary.after["projects_created"], summary.after["projects_updated"]) == (1, 1)
    batch = AuditRecord.objects.filter(batch=summary.batch).exclude(pk=summary.pk)
    new = Project.objects.get(name="审计测试项目")
    assert {(r.action, r.object_id, r.actor_id) for r in batch} == {
        ("project.create", str(new.pk), wenshui_editor.pk),
        ("enterprise.create", str(new.enterprise_id), wenshui_editor.pk),
        ("project.update", str(known.pk), wenshui_editor.pk),
        ("stage.record", str(known.pk), wenshui_editor.pk),
    }
    update = batch.get(action="project.update")
    assert update.before.keys() == update.after.keys()  # what changed, and only that
    assert (update.before["leader_in_charge"], update.after["leader_in_charge"]) == ("", "李副县长")
    assert batch.get(action="project.create").after["stages"] == [["signed", "2024-03-28"]]
    assert batch.get(action="stage.record").after | {"event": None} == {
        "event": None,
        "stage": "started",
        "happened_on": "2025-08-01",
        "round": "",
    }


def test_what_an_import_changed_shows_on_the_project_s_history_page(tmp_path, client, wenshui_editor):
    project = Project.objects.filter(zone__name="文水经济开发区", stage="signed").first()
    path = write_workbook(
        tmp_path / "history.xlsx",
        [
            project_row(
                project.name,
                包联领导="赵副县长",
                **{"总投资（万元）": project.total_investment},
                签约日期=project.events.get(stage="signed").happened_on,
            )
        ],
    )
    assert import_workbook(file=path, user=wenshui_editor).errors == []
    client.force_login(wenshui_editor)
    page = client.get(reverse("projects:project_detail", args=[project.pk])).content.decode()
    history = page[page.index('id="history"') :]
    rows_shown = history[history.index("<tbody>") :]
    first_entry = rows_shown[: rows_shown.index("</tr>")]
    assert wenshui_editor.username in first_entry
    assert "赵副县长</li>" in first_entry


def test_progress_is_reported_as_rows_are_done(tmp_path, wenshui_editor):
    path = write_workbook(tmp_path / "progress.xlsx", [project_row(f"进度测试项目{n}") for n in range(5)])
    calls = []
    import_workbook(file=path, user=wenshui_editor, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (5, 5)


def test_a_round_must_exist(tmp_path, wenshui_editor, unchanged_ledger):
    assert not Round.objects.filter(year=2031).exists()
    path = write_workbook(
        tmp_path / "round.xlsx", [project_row("批次测试项目", 签约日期=date(2024, 3, 28), 签约批次="2031年第一次")]
    )
    result = import_workbook(file=path, user=wenshui_editor, language="en")
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "签约批次", "Round 2031-1 is not defined in zoneledger.")
    ]


def test_a_monthly_sheet_alone_finds_known_projects_by_zone_and_name(tmp_path):
    reviewer = User.objects.get(username="province-reviewer")
    projects = list(Project.objects.filter(zone__province_id="140000").values_list("name", "zone__name")[:2100])
    month = date(2025, 7, 1)
    path = write_workbook(
        tmp_path / "months-only.xlsx",
        [],
        [{"项目名称": name, "开发区": zone, "月份": "2025-07", "完成投资（万元）": 12.5} for name, zone in projects],
        ledger_headers=["项目名称", "开发区", "总投资（万元）"],
    )
    result = import_workbook(file=path, user=reviewer, approve=True)
    assert result.errors == []
    assert len(rows(result, "created", MONTHLY_SHEET)) == len(projects)
    assert MonthlyProgress.objects.filter(month=month, status="approved").count() == len(projects)


def test_the_cycle_collector_runs_rarely_during_imports_and_as_before_once_the_last_one_ends(tmp_path, wenshui_editor):
    before = gc.get_threshold()
    during = []
    path = write_workbook(tmp_path / "gc.xlsx", [project_row("回收测试项目")])
    with _rare_cycle_collections():  # another import, still running when this one ends
        import_workbook(file=path, user=wenshui_editor, progress=lambda *_: during.append(gc.get_threshold()))
        assert gc.get_threshold()[0] == _rare_cycle_collections.FIRST_GENERATION_THRESHOLD
    assert {threshold[0] for threshold in during} == {_rare_cycle_collections.FIRST_GENERATION_THRESHOLD}
    assert gc.get_threshold() == before


@pytest.fixture(params=["one chunk", "a chunk a row"])
def chunk_rows(request, monkeypatch):
    """The file read in one chunk, or a chunk a row: a row's match must not depend on where chunks begin."""
    if request.param == "a chunk a row":
        monkeypatch.setattr("zoneledger.ingest.importer.CHUNK_ROWS", 1)


def coded_project(code):
    project = Project.objects.filter(zone__name="文水经济开发区", code__isnull=True).first()
    Project.objects.filter(pk=project.pk).update(code=code)
    return project


def test_a_row_after_a_rename_finds_the_ledger_as_the_rows_above_left_it(tmp_path, wenshui_editor, chunk_rows):
    """The project is renamed by its code; the old name, given later without a code, is a new project."""
    project = coded_project("2024-141121-30-03-000778")
    old_name = project.name
    path = write_workbook(
        tmp_path / "rename-then-old-name.xlsx",
        [project_row("改名后的项目", 项目代码="2024-141121-30-03-000778"), project_row(old_name)],
    )
    result = import_workbook(file=path, user=wenshui_editor)
    assert result.errors == []
    assert (rows(result, "updated"), rows(result, "created")) == ([2], [3])
    project.refresh_from_db()
    assert project.name == "改名后的项目"
    assert Project.objects.get(zone=project.zone, name=old_name).pk != project.pk


def test_a_project_named_by_its_name_then_by_its_code_is_a_repeat_of_the_first_row(
    tmp_path, wenshui_editor, chunk_rows
):
    project = coded_project("2024-141121-30-03-000779")
    path = write_workbook(
        tmp_path / "name-then-code.xlsx",
        [
            project_row(project.name, 项目代码="2024-141121-30-03-000779"),
            project_row("改名后的项目", 项目代码="2024-141121-30-03-000779"),
        ],
    )
    result = import_workbook(file=path, user=wenshui_editor, language="en")
    assert [(error.row, error.column, error.message) for error in result.errors] == [
        (3, "项目代码", "The same project is already in row 2.")
    ]
    assert Project.objects.get(pk=project.pk).name == project.name


def test_a_row_that_clears_a_code_leaves_the_code_free_for_the_rows_below(tmp_path, wenshui_editor, chunk_rows):
    """A blank code cell clears the project's code (the file gives the facts); a later row with that code is new."""
    project = coded_project("2024-141121-30-03-000781")
    path = write_workbook(
        tmp_path / "clear-then-code.xlsx",
        [project_row(project.name), project_row("取用旧代码的项目", 项目代码="2024-141121-30-03-000781")],
    )
    result = import_workbook(file=path, user=wenshui_editor)
    assert result.errors == []
    assert (rows(result, "updated"), rows(result, "created")) == ([2], [3])
    assert Project.objects.get(pk=project.pk).code is None
    assert Project.objects.get(code="2024-141121-30-03-000781").name == "取用旧代码的项目"


NEW_CODE = {"项目代码": "2024-141121-30-03-000780"}


@pytest.mark.parametrize(
    ("first", "again", "column"),
    [
        ({}, {}, "项目名称"),
        (NEW_CODE, NEW_CODE, "项目名称"),
        (NEW_CODE, {"项目名称": "另一个名字", **NEW_CODE}, "项目代码"),
    ],
)
def test_a_new_project_given_twice_is_a_repeat_wherever_chunks_begin(
    tmp_path, wenshui_editor, unchanged_ledger, chunk_rows, first, again, column
):
    other = project_row("中间的项目")
    path = write_workbook(
        tmp_path / "twice.xlsx",
        [project_row("新的重复项目") | first, other, project_row("新的重复项目") | again],
    )
    result = import_workbook(file=path, user=wenshui_editor, language="en")
    assert [(error.row, error.column, error.message) for error in result.errors] == [
        (4, column, "The same project is already in row 2.")
    ]


def test_a_row_repeating_a_row_that_failed_is_reported_as_its_repeat(
    tmp_path, wenshui_editor, unchanged_ledger, chunk_rows
):
    path = write_workbook(
        tmp_path / "failed-then-again.xlsx",
        [project_row("失败的项目", **{"总投资（万元）": -1}), project_row("失败的项目")],
    )
    result = import_workbook(file=path, user=wenshui_editor, language="en")
    assert [(error.row, error.column) for error in result.errors] == [(2, "总投资（万元）"), (3, "项目名称")]
    assert result.errors[1].message == "The same project is already in row 2."


def test_a_known_enterprise_code_keeps_the_name_the_row_gives_not_another_zone_s(
    tmp_path, wenshui_editor, xiaoyi_editor
):
    """Issue 20, C2: a row's USCC links the shared enterprise; the name shown and exported is the row's own."""
    from zoneledger.enterprises.services import enterprise_resolve
    from zoneledger.ingest.writer import write_ledger_xlsx

    theirs = enterprise_resolve(actor=xiaoyi_editor, name="孝义内部备注：对接中的某公司", uscc=valid_uscc(303030))
    path = write_workbook(
        tmp_path / "known.xlsx",
        [project_row("文水引进的项目", 建设单位="文水录入的建设单位", 统一社会信用代码=valid_uscc(303030))],
    )
    assert import_workbook(file=path, user=wenshui_editor).errors == []

    project = Project.objects.get(name="文水引进的项目")
    assert (project.enterprise, project.enterprise_name) == (theirs, "文水录入的建设单位")
    write_ledger_xlsx(projects_queryset=Project.objects.filter(pk=project.pk), file=tmp_path / "out.xlsx")
    exported = openpyxl.load_workbook(tmp_path / "out.xlsx")[LEDGER_SHEET]
    assert [cell.value for cell in exported[2]][3] == "文水录入的建设单位"


def test_the_key_project_level_and_the_task_force_are_read_by_name_and_written_back_by_name(tmp_path, wenshui_editor):
    path = write_workbook(
        tmp_path / "levels.xlsx",
        [
            project_row("省级重点测试项目", 重点项目级别="省级重点项目", 工作专班="新材料招商专班"),
            project_row("按代码填级别的项目", 重点项目级别="county"),
        ],
    )
    assert import_workbook(file=path, user=wenshui_editor).errors == []
    provincial = Project.objects.get(name="省级重点测试项目")
    assert (provincial.key_level, provincial.task_force) == ("province", "新材料招商专班")
    assert Project.objects.get(name="按代码填级别的项目").key_level == "county"

    exported = tmp_path / "again.xlsx"
    write_ledger_xlsx(projects_queryset=Project.objects.filter(pk=provincial.pk), file=exported)
    header, row = CalamineWorkbook.from_path(str(exported)).get_sheet_by_name(LEDGER_SHEET).to_python()[-2:]
    cells = dict(zip(header, row, strict=True))
    assert (cells["重点项目级别"], cells["工作专班"]) == ("省级重点项目", "新材料招商专班")
