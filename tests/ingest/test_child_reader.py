"""The child process that reads a long sheet only changes where the reading happens: a long sheet read by the
child imports exactly as one read in the process, damage found by the child is a damaged file, and a child that
dies stops the import with nothing written.
"""

import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction

from tests.ingest.conftest import ledger_fingerprint, project_row, write_workbook
from zoneledger.ingest import xlsx
from zoneledger.ingest.importer import import_workbook
from zoneledger.ingest.xlsx import ChildFailed
from zoneledger.projects.models import MonthlyProgress

pytestmark = pytest.mark.django_db


def ledger_with_months(path, projects=30):
    ledger = [project_row(f"后台读取项目{n:02d}", 签约日期=date(2024, 1, 1 + n % 28)) for n in range(projects)]
    monthly = [
        {
            "项目名称": f"后台读取项目{n:02d}",
            "开发区": "文水经济开发区",
            "月份": f"2024-{m:02d}",
            "完成投资（万元）": n + m / 4,
        }
        for n in range(projects)
        for m in range(1, 7)
    ]
    return write_workbook(path, ledger, monthly)


def imported(path, user, **options):
    result = import_workbook(file=path, user=user, **options)
    assert result.errors == []
    months = sorted(
        MonthlyProgress.objects.filter(project__name__startswith="后台读取项目").values_list(
            "project__name", "month", "completed_investment"
        )
    )
    return result, months


def test_a_long_sheet_read_by_the_child_imports_as_one_read_in_the_process(tmp_path, monkeypatch, wenshui_editor):
    path = ledger_with_months(tmp_path / "long.xlsx")
    with transaction.atomic():
        in_process, months_in_process = imported(path, wenshui_editor)
        transaction.set_rollback(True)
    monkeypatch.setattr(xlsx, "BACKGROUND_ROWS", 10)
    started = []
    real_popen = xlsx.subprocess.Popen
    monkeypatch.setattr(xlsx.subprocess, "Popen", lambda *a, **k: started.append(a[0]) or real_popen(*a, **k))
    by_child, months_by_child = imported(path, wenshui_editor)
    assert [command[4] for command in started] == ["项目台账", "月度投资"]  # python -m module FILE SHEET …
    assert by_child.created == in_process.created
    assert months_by_child == months_in_process
    assert len(months_by_child) == 180
    assert months_by_child[0] == ("后台读取项目00", date(2024, 1, 1), Decimal("0.25"))


def test_damage_the_child_finds_is_a_damaged_file(tmp_path, monkeypatch, wenshui_editor, unchanged_ledger):
    path = ledger_with_months(tmp_path / "whole.xlsx")
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(broken, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "xl/worksheets/sheet2.xml":  # the monthly sheet: its last amount is not a number
                end = data.rindex(b"</v>")
                data = data[: data.rindex(b"<v>", 0, end) + 3] + b"12,5" + data[end:]
            target.writestr(entry, data)
    monkeypatch.setattr(xlsx, "BACKGROUND_ROWS", 10)
    result = import_workbook(file=broken, user=wenshui_editor, language="en")
    assert [error.message for error in result.errors] == ["The file is damaged: it cannot be opened as a workbook."]


def test_a_child_that_dies_stops_the_import_with_nothing_written(tmp_path, monkeypatch, wenshui_editor):
    path = ledger_with_months(tmp_path / "long.xlsx")
    before = ledger_fingerprint()
    monkeypatch.setattr(xlsx, "BACKGROUND_ROWS", 10)
    monkeypatch.setattr(xlsx.sys, "executable", "/bin/false")
    with pytest.raises(ChildFailed):
        import_workbook(file=path, user=wenshui_editor)
    assert ledger_fingerprint() == before
