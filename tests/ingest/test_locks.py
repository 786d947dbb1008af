"""A workbook's check holds no lock on the database: others write while it runs (SQLite, on a database file)."""

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from tests.ingest.conftest import project_row, write_workbook

REPO = Path(__file__).resolve().parents[2]


def test_others_write_while_a_workbook_is_checked_and_wait_while_it_is_applied(tmp_path):
    rows = [project_row(f"锁测试项目{n}", 签约日期=date(2024, 3, 28), 签约批次="2024-1") for n in range(3)]
    path = write_workbook(tmp_path / "locks.xlsx", rows)
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environment |= {"ZONELEDGER_DATA_DIR": str(tmp_path / "data"), "DJANGO_SETTINGS_MODULE": "zoneledger.settings"}
    finished = subprocess.run(
        [sys.executable, "-m", "tests.ingest.check_beside_writers", str(path)],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert finished.returncode == 0, finished.stderr
    outcome = json.loads(finished.stdout.splitlines()[-1])
    assert outcome["check"] == {"ok": True, "applied": False, "writes": ["written"]}
    # The apply still writes in one transaction, so a writer with no patience meets its lock: the check above
    # would have too, had it run on the database itself.
    assert outcome["apply"] == {"ok": True, "applied": True, "writes": ["database is locked"]}
