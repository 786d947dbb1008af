"""Round trip: the demo exported, imported into an empty database and exported again gives the same cells
and the same figures."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import python_calamine

from tests.ingest.empty_ledger import ledger_figures
from zoneledger.ingest.importer import import_workbook
from zoneledger.ingest.writer import write_ledger_xlsx
from zoneledger.projects.models import MonthlyProgress, Project

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[2]


def demo_projects():
    """The demo's ledger: Shanxi's projects (the test database's second province is not the demo's)."""
    return Project.objects.filter(zone__province_id="140000")


def demo_months():
    return MonthlyProgress.objects.filter(project__zone__province_id="140000")


def cells(path):
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_the_demo_exported_and_imported_into_an_empty_database_exports_the_same_and_figures_the_same(
    tmp_path, province_admin
):
    write_ledger_xlsx(projects_queryset=demo_projects(), file=tmp_path / "demo.xlsx")
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environment |= {"ZONELEDGER_DATA_DIR": str(tmp_path / "empty"), "DJANGO_SETTINGS_MODULE": "zoneledger.settings"}
    finished = subprocess.run(
        [sys.executable, "-m", "tests.ingest.empty_ledger", str(tmp_path / "demo.xlsx"), str(tmp_path / "again.xlsx")],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert finished.returncode == 0, finished.stderr
    first, second = cells(tmp_path / "demo.xlsx"), cells(tmp_path / "again.xlsx")
    assert len(first["项目台账"]) == demo_projects().count() + 1
    assert len(first["月度投资"]) == demo_months().count() + 1
    assert first == second
    # The template carries amounts, not their review: a reviewer's import with --approve approves every month, so the
    # demo's submitted months are approved here too before the figures are compared.
    demo_months().update(status="approved")
    expected = json.loads(json.dumps(ledger_figures(province_admin), ensure_ascii=False))
    assert json.loads(finished.stdout) == expected


def test_importing_the_demo_export_back_into_the_demo_changes_nothing(tmp_path, province_admin, unchanged_ledger):
    from zoneledger.accounts.models import User

    write_ledger_xlsx(projects_queryset=demo_projects(), file=tmp_path / "demo.xlsx")
    editor = User.objects.get(username="province-editor")
    result = import_workbook(file=tmp_path / "demo.xlsx", user=editor, dry_run=True)
    assert result.errors == []
    assert len(result.unchanged["项目台账"]) == demo_projects().count()
    assert len(result.unchanged["月度投资"]) == demo_months().count()
    assert not result.created
    assert not result.updated
