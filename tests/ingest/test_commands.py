"""The import, export and template verbs: output, exit status and refusals."""

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from tests.ingest.conftest import project_row, write_workbook
from zoneledger.ingest import writer
from zoneledger.projects.models import MonthlyProgress, Project

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_prints_the_counts_and_applies(tmp_path):
    path = write_workbook(tmp_path / "ok.xlsx", [project_row("命令导入项目", 签约日期=date(2024, 3, 28))])
    out, _err = run("import", str(path), "--as", "wenshui-editor", "--lang", "en")
    assert "项目台账: 1 created, 0 updated, 0 unchanged" in out
    assert "1 stage events added" in out
    assert Project.objects.filter(name="命令导入项目").exists()


def test_a_dry_run_exits_0_and_writes_nothing(tmp_path, unchanged_ledger):
    path = write_workbook(tmp_path / "ok.xlsx", [project_row("命令试运行项目")])
    out, _err = run("import", str(path), "--as", "wenshui-editor", "--dry-run")
    assert "项目台账：新增 1，更新 0，未变 0" in out
    assert "试运行" in out


def test_a_dry_run_with_errors_prints_them_and_exits_1(tmp_path, unchanged_ledger):
    path = write_workbook(tmp_path / "bad.xlsx", [project_row("试运行坏项目", 签约日期="2024-02-30")])
    err = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import", str(path), "--as", "wenshui-editor", "--dry-run", stdout=io.StringIO(), stderr=err)
    assert refused.value.returncode == 1
    assert err.getvalue().splitlines() == ["项目台账 · 第 2 行 · 签约日期: “2024-02-30”不是存在的日期。"]


def test_errors_are_all_printed_and_the_command_exits_1(tmp_path, unchanged_ledger):
    path = write_workbook(
        tmp_path / "bad.xlsx",
        [project_row("坏一", **{"总投资（万元）": "很多"}), project_row("坏二", 开发区="孝义经济开发区")],
    )
    err = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import", str(path), "--as", "wenshui-editor", "--lang", "en", stdout=io.StringIO(), stderr=err)
    assert refused.value.returncode == 1
    assert "2 errors; nothing was imported." in str(refused.value)
    lines = err.getvalue().splitlines()
    assert lines == [
        "项目台账 · row 2 · 总投资（万元）: “很多” is not an amount.",
        "项目台账 · row 3 · 开发区: You may not import projects of 孝义经济开发区.",
    ]


def test_import_refuses_an_unknown_user(tmp_path):
    path = write_workbook(tmp_path / "ok.xlsx", [project_row("无人项目")])
    with pytest.raises(CommandError, match="--as"):
        run("import", str(path), "--as", "nobody", "--lang", "en")


@pytest.mark.parametrize(
    ("scope", "username", "zones"),
    [
        ("文水经济开发区", None, {"文水经济开发区"}),
        ("141100", "lvliang-viewer", None),
        ("141121", "lvliang-viewer", {"文水经济开发区"}),
    ],
)
def test_export_writes_the_scope_the_user_may_see(tmp_path, scope, username, zones):
    import python_calamine

    args = ["export", str(tmp_path / "out.xlsx"), "--scope", scope] + (["--as", username] if username else [])
    out, _err = run(*args)
    rows = python_calamine.CalamineWorkbook.from_path(str(tmp_path / "out.xlsx")).get_sheet_by_name("项目台账")
    exported = {row[2] for row in rows.to_python()[1:]}
    expected = zones or set(Project.objects.filter(zone__city_id=scope).values_list("zone__name", flat=True))
    assert exported == expected
    assert str(tmp_path / "out.xlsx") in out


def test_export_refuses_more_monthly_rows_than_a_sheet_holds_and_writes_no_file(tmp_path, monkeypatch):
    months = MonthlyProgress.objects.filter(project__zone__name="文水经济开发区").count()
    monkeypatch.setattr(writer, "SHEET_ROWS", months)  # one row of it is the header
    with pytest.raises(CommandError) as refused:
        run("export", str(tmp_path / "out.xlsx"), "--scope", "文水经济开发区")
    assert "月度投资" in str(refused.value)
    assert f"{months:,}" in str(refused.value)
    assert not (tmp_path / "out.xlsx").exists()
    monkeypatch.setattr(writer, "SHEET_ROWS", months + 1)
    run("export", str(tmp_path / "out.xlsx"), "--scope", "文水经济开发区")
    assert (tmp_path / "out.xlsx").exists()


def test_export_is_audited_in_the_chain_of_the_province_it_reads(tmp_path):
    from zoneledger.audit.models import AuditRecord

    run("export", str(tmp_path / "out.xlsx"), "--scope", "141100", "--as", "lvliang-viewer")
    record = AuditRecord.objects.order_by("-id").first()
    assert (record.action, record.actor.username, record.province) == ("export.command", "lvliang-viewer", "140000")
    assert record.after["scope"] == {"kind": "city", "name": "吕梁市", "code": "141100"}
    assert record.after["rows"] == Project.objects.filter(zone__city_id="141100").count()


def test_export_refuses_a_scope_beyond_the_user_s_and_writes_nothing(tmp_path):
    from zoneledger.audit.models import AuditRecord

    records = AuditRecord.objects.count()
    with pytest.raises(CommandError, match="--scope"):
        run("export", str(tmp_path / "out.xlsx"), "--scope", "province", "--as", "wenshui-viewer")
    assert not (tmp_path / "out.xlsx").exists()
    assert AuditRecord.objects.count() == records


def test_export_refuses_an_unknown_scope(tmp_path):
    with pytest.raises(CommandError, match="--scope"):
        run("export", str(tmp_path / "out.xlsx"), "--scope", "火星")
    assert not (tmp_path / "out.xlsx").exists()
