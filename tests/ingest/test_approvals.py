"""The approval platform's workbook: every bad row reported at its row and column with nothing written, all or
nothing, importing twice changing nothing, unmatched codes kept and matched when a project gets the code; the
command (errors as the ledger import prints them, exit 1), the page (editors and above) and the template."""

import io
from datetime import date
from decimal import Decimal

import pytest
import python_calamine
import xlsxwriter
from django.core.management import CommandError, call_command
from django.urls import reverse

from zoneledger.approvals.choices import ApprovalState, Matter
from zoneledger.approvals.models import ApprovalItem
from zoneledger.audit.models import AuditRecord
from zoneledger.ingest.approvals import APPROVAL_COLUMNS, APPROVALS_SHEET, import_approvals
from zoneledger.milestones.models import Milestone
from zoneledger.projects import services as project_services
from zoneledger.zones.models import Zone

pytestmark = pytest.mark.django_db

HEADERS = [column.header for column in APPROVAL_COLUMNS]
CODE = "2025-141121-30-03-00101A"
OTHER = "2025-141121-30-03-00102B"


def row(code=CODE, matter="备案", state="已办", authority="文水县行政审批服务管理局", number="文审批备〔2025〕3号",
        decided=date(2025, 2, 20), due=None):  # fmt: skip
    return {"项目代码": code, "事项名称": matter, "审批部门": authority, "办理状态": state, "批复文号": number,
            "办结日期": decided, "承诺期限": due}  # fmt: skip


GOOD = [
    row(),
    row(matter="环评", state="在办", number="", decided=None),
    row(matter="施工许可", state="承诺制待补", number="", decided=None, due=date(2025, 9, 30)),
    row(code=OTHER, matter="用地预审与选址", state="未办", number="", decided=None),
]


def workbook(path, rows, *, headers=HEADERS, sheet=APPROVALS_SHEET):
    book = xlsxwriter.Workbook(str(path))
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    out = book.add_worksheet(sheet)
    for position, header in enumerate(headers):
        out.write_string(0, position, header)
    for number, cells in enumerate(rows, start=1):
        for position, header in enumerate(headers):
            value = cells.get(header)
            if isinstance(value, date):
                out.write_datetime(number, position, value, date_format)
            elif value not in (None, ""):
                out.write(number, position, value)
    book.close()
    return path


def ours():
    return ApprovalItem.objects.filter(project_code__in=[CODE, OTHER, "2025-141121-30-03-00103C"])


def fingerprint():
    items = list(ours().order_by("project_code", "matter").values())
    return items, Milestone.objects.count(), AuditRecord.objects.count()


@pytest.fixture
def wenshui():
    return Zone.objects.get(name="文水经济开发区")


def test_a_good_workbook_is_imported_and_the_codes_without_a_project_wait_unmatched(tmp_path, wenshui_editor):
    result = import_approvals(file=workbook(tmp_path / "a.xlsx", GOOD), user=wenshui_editor)

    assert result.applied, result.errors
    assert list(result.created[APPROVALS_SHEET]) == [2, 3, 4, 5]
    assert list(result.unmatched) == [2, 3, 4, 5]
    items = {(item.project_code, item.matter): item for item in ours()}
    done = items[(CODE, Matter.FILING)]
    assert (done.state, done.decided_on, done.document_number) == (
        ApprovalState.DONE,
        date(2025, 2, 20),
        "文审批备〔2025〕3号",
    )
    assert items[(CODE, Matter.ENVIRONMENT)].state == ApprovalState.IN_PROGRESS
    assert items[(CODE, Matter.CONSTRUCTION)].papers_due_on == date(2025, 9, 30)
    assert all(item.project is None and item.zone == Zone.objects.get(name="文水经济开发区") for item in items.values())


def test_importing_the_same_file_twice_changes_nothing(tmp_path, wenshui_editor):
    path = workbook(tmp_path / "a.xlsx", GOOD)
    import_approvals(file=path, user=wenshui_editor)
    items, milestones, _records = fingerprint()

    again = import_approvals(file=path, user=wenshui_editor)

    assert again.ok
    assert list(again.unchanged[APPROVALS_SHEET]) == [2, 3, 4, 5]
    assert not again.created[APPROVALS_SHEET]
    assert not again.updated[APPROVALS_SHEET]
    assert fingerprint()[:2] == (items, milestones)
    # Only the file's own summary is recorded, no item changed.
    assert not AuditRecord.objects.filter(action="approval.save", at__gt=_last_import_time()).exists()


def _last_import_time():
    return AuditRecord.objects.filter(action="approvals.import").order_by("-at").values_list("at", flat=True)[1]


@pytest.mark.parametrize(
    ("bad", "column", "message"),
    [
        ({"项目代码": "2025-141121-30-03"}, "项目代码", "is not a project code"),
        ({"项目代码": None}, "项目代码", "This column is required."),
        ({"事项名称": "立项审批"}, "事项名称", "is not an approval matter"),
        ({"办理状态": "办理中"}, "办理状态", "is not an approval state"),
        ({"办结日期": "去年二月"}, "办结日期", "not a date such as"),
        ({"办结日期": "2025-02-30"}, "办结日期", "not a date that exists"),
        ({"办结日期": None}, "办结日期", "A done item needs the date it was decided."),
        ({"办结日期": date(2999, 1, 1)}, "办结日期", "in the future"),
        ({"办理状态": "承诺制待补", "办结日期": None}, "承诺期限", "papers are due"),
        ({"项目代码": "2025-130100-30-03-00001A"}, "项目代码", "not in your province"),
        ({"审批部门": "局" * 101}, "审批部门", "at most 100 characters"),
    ],
)
def test_each_bad_row_is_reported_at_its_row_and_column_and_nothing_is_written(
    tmp_path, wenshui_editor, bad, column, message
):
    rows = [*GOOD[1:], row() | bad]
    before = fingerprint()

    result = import_approvals(file=workbook(tmp_path / "bad.xlsx", rows), user=wenshui_editor, language="en")

    assert [(error.sheet, error.row, error.column) for error in result.errors] == [(APPROVALS_SHEET, 5, column)]
    assert message in result.errors[0].message
    assert not result.applied
    assert fingerprint() == before


def test_a_duplicate_row_is_reported_against_the_first_and_nothing_is_written(tmp_path, wenshui_editor):
    rows = [*GOOD, row(matter="备案/核准/审批", state="在办", decided=None)]  # the same matter in other words
    before = fingerprint()

    result = import_approvals(file=workbook(tmp_path / "dup.xlsx", rows), user=wenshui_editor, language="en")

    assert [(error.row, error.column) for error in result.errors] == [(6, "事项名称")]
    assert "already in row 2" in result.errors[0].message
    assert fingerprint() == before


def test_every_error_of_every_row_is_reported_at_once(tmp_path, wenshui_editor):
    rows = [row(code="坏代码"), row(matter="立项审批", state="办理中"), *GOOD[1:]]

    result = import_approvals(file=workbook(tmp_path / "many.xlsx", rows), user=wenshui_editor, language="en")

    assert [(error.row, error.column) for error in result.errors] == [(2, "项目代码"), (3, "事项名称"), (3, "办理状态")]


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ([header for header in HEADERS if header != "办理状态"], "The required column is missing."),
        ([*HEADERS, "办理状态"], "The column appears twice."),
    ],
)
def test_a_missing_or_repeated_column_is_reported_and_nothing_is_written(tmp_path, wenshui_editor, headers, message):
    before = fingerprint()
    result = import_approvals(
        file=workbook(tmp_path / "h.xlsx", GOOD, headers=headers), user=wenshui_editor, language="en"
    )
    assert [(error.row, error.column, error.message) for error in result.errors] == [(1, "办理状态", message)]
    assert fingerprint() == before


def test_a_file_that_is_not_a_workbook_is_refused_as_a_whole(tmp_path, wenshui_editor):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"not a workbook")
    result = import_approvals(file=path, user=wenshui_editor, language="en")
    assert [(error.row, error.column) for error in result.errors] == [(None, "")]


def test_the_workbook_s_only_sheet_is_read_whatever_its_name(tmp_path, wenshui_editor):
    result = import_approvals(file=workbook(tmp_path / "s.xlsx", GOOD[:1], sheet="Sheet1"), user=wenshui_editor)
    assert result.applied
    assert list(result.created["Sheet1"]) == [2]


def test_a_dry_run_checks_and_writes_nothing(tmp_path, wenshui_editor):
    before = fingerprint()
    result = import_approvals(file=workbook(tmp_path / "a.xlsx", GOOD), user=wenshui_editor, dry_run=True)
    assert result.ok
    assert not result.applied
    assert list(result.created[APPROVALS_SHEET]) == [2, 3, 4, 5]
    assert fingerprint() == before


def test_a_viewer_may_not_import(tmp_path, user):
    before = fingerprint()
    result = import_approvals(file=workbook(tmp_path / "a.xlsx", GOOD), user=user("wenshui-viewer"), language="en")
    assert not result.ok
    assert fingerprint() == before


def test_another_zones_items_are_refused_at_their_rows(tmp_path, wenshui_editor, xiaoyi_editor):
    import_approvals(file=workbook(tmp_path / "a.xlsx", GOOD[:1]), user=wenshui_editor)
    before = fingerprint()

    result = import_approvals(file=workbook(tmp_path / "b.xlsx", GOOD[:2]), user=xiaoyi_editor, language="en")

    assert [(error.row, error.column) for error in result.errors] == [(2, "项目代码")]
    assert fingerprint() == before


def test_unmatched_items_are_matched_when_a_project_gets_the_code(tmp_path, wenshui_editor, wenshui):
    import_approvals(file=workbook(tmp_path / "a.xlsx", GOOD), user=wenshui_editor)
    project = project_services.project_create(
        actor=wenshui_editor, zone=wenshui, name="审批导入匹配项目", total_investment=Decimal(100)
    )
    assert not ours().filter(project=project).exists()

    project = project_services.project_update(
        actor=wenshui_editor, project=project, expected_version=project.version, code=CODE
    )

    assert sorted(ours().filter(project=project).values_list("matter", flat=True)) == sorted(
        [Matter.FILING, Matter.ENVIRONMENT, Matter.CONSTRUCTION]
    )
    assert ours().get(project_code=OTHER).project is None
    # The 承诺制 item's papers became a milestone of the project.
    assert Milestone.objects.filter(project=project, planned_on=date(2025, 9, 30)).exists()


def test_an_item_of_a_project_already_holding_the_code_is_matched_on_import(tmp_path, wenshui_editor, wenshui):
    project = project_services.project_create(
        actor=wenshui_editor, zone=wenshui, name="已有代码项目", total_investment=Decimal(100), code=CODE
    )
    result = import_approvals(file=workbook(tmp_path / "a.xlsx", GOOD), user=wenshui_editor)
    assert list(result.unmatched) == [5]
    assert ours().filter(project=project).count() == 3


# -- the command ---------------------------------------------------------------------------------------------------


def test_the_command_imports_and_says_what_it_did(tmp_path):
    out = io.StringIO()
    call_command(
        "approvals",
        "import",
        str(workbook(tmp_path / "a.xlsx", GOOD)),
        "--as",
        "wenshui-editor",
        "--lang",
        "en",
        stdout=out,
    )
    assert "4 new, 0 updated, 0 unchanged; 4 wait for their project." in out.getvalue()
    assert ours().count() == 4


def test_the_command_prints_every_error_as_the_ledger_import_does_and_fails(tmp_path):
    path = workbook(tmp_path / "bad.xlsx", [row(code="坏代码"), row(matter="立项审批")])
    err = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("approvals", "import", str(path), "--as", "wenshui-editor", "--lang", "en", stderr=err)
    assert "2 errors; nothing was imported." in str(refused.value)
    assert refused.value.returncode == 1
    assert err.getvalue().splitlines() == [
        "审批事项 · row 2 · 项目代码: “坏代码” is not a project code of the form 2024-141121-30-03-012345.",
        "审批事项 · row 3 · 事项名称: “立项审批” is not an approval matter: use 备案/核准/审批、用地预审与选址、"
        "建设用地规划许可、建设工程规划许可、环评批复、节能审查、施工许可、竣工验收.",
    ]
    assert not ours().exists()


def test_the_command_s_dry_run_writes_nothing(tmp_path):
    out = io.StringIO()
    path = str(workbook(tmp_path / "a.xlsx", GOOD))
    call_command("approvals", "import", path, "--as", "wenshui-editor", "--dry-run", "--lang", "en", stdout=out)
    assert "nothing was written" in out.getvalue()
    assert not ours().exists()


def test_the_command_refuses_an_unknown_user(tmp_path):
    with pytest.raises(CommandError) as refused:
        call_command("approvals", "import", str(workbook(tmp_path / "a.xlsx", GOOD)), "--as", "nobody")
    assert str(refused.value).startswith("--as")
    assert not ours().exists()


def test_the_command_lists_a_scope_s_items_as_json(tmp_path):
    import json

    call_command("approvals", "import", str(workbook(tmp_path / "a.xlsx", GOOD)), "--as", "wenshui-editor")
    out = io.StringIO()
    call_command(
        "approvals", "list", "--scope", "文水经济开发区", "--as", "wenshui-editor", "--format", "json", stdout=out
    )
    items = [item for item in json.loads(out.getvalue()) if item["project_code"] in (CODE, OTHER)]
    assert len(items) == 4
    filing = next(item for item in items if item["project_code"] == CODE and item["matter"] == "filing")
    assert filing == filing | {"project": None, "state": "done", "decided_on": "2025-02-20"}


@pytest.mark.parametrize("scope", ["孝义经济开发区", "不存在的开发区"])
def test_the_list_refuses_a_scope_outside_the_user_s(scope):
    with pytest.raises(CommandError) as refused:
        call_command("approvals", "list", "--scope", scope, "--as", "wenshui-editor")
    assert scope in str(refused.value)


def test_the_template_holds_the_columns_and_a_guide(tmp_path, wenshui_editor):
    path = tmp_path / "t.xlsx"
    call_command("approvals", "template", str(path), stdout=io.StringIO())
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == [APPROVALS_SHEET, "填报说明"]
    assert book.get_sheet_by_name(APPROVALS_SHEET).to_python()[0] == HEADERS
    # The template imports as it is (no rows: nothing to do, nothing refused).
    assert import_approvals(file=path, user=wenshui_editor).ok


# -- the page ------------------------------------------------------------------------------------------------------


def test_the_page_imports_for_an_editor_and_shows_each_error_otherwise(tmp_path, client, wenshui_editor):
    client.force_login(wenshui_editor)
    url = reverse("ingest:approvals_import")
    assert client.get(url).status_code == 200

    with open(workbook(tmp_path / "bad.xlsx", [row(code="坏代码"), *GOOD[1:]]), "rb") as upload:
        page = client.post(url, {"file": upload})
    assert page.status_code == 200
    assert "坏代码" in page.content.decode()
    assert not ours().exists()

    with open(workbook(tmp_path / "a.xlsx", GOOD), "rb") as upload:
        page = client.post(url, {"file": upload}, follow=True)
    assert page.status_code == 200
    assert ours().count() == 4


def test_a_viewer_may_not_open_the_page(client, user):
    client.force_login(user("wenshui-viewer"))
    assert client.get(reverse("ingest:approvals_import")).status_code == 403


def test_the_template_downloads(client, wenshui_editor):
    client.force_login(wenshui_editor)
    response = client.get(reverse("ingest:approvals_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
