"""An import holds SQLite's write lock only for the moment it writes (a check never): others write while a workbook
is read and checked, and what they changed meanwhile is never overwritten (SQLite, on a database file)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHANGED_MEANWHILE = (
    "Someone changed the same projects while the file was being checked; nothing was imported. "
    "Import the file again to check it against the ledger as it is now."
)


@pytest.fixture(scope="module")
def outcome(tmp_path_factory):
    folder = tmp_path_factory.mktemp("locks")
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environment |= {"ZONELEDGER_DATA_DIR": str(folder / "data"), "DJANGO_SETTINGS_MODULE": "zoneledger.settings"}
    finished = subprocess.run(
        [sys.executable, "-m", "tests.ingest.check_beside_writers", str(folder)],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert finished.returncode == 0, finished.stderr
    return json.loads(finished.stdout.splitlines()[-1])


def test_the_copy_an_import_works_on_is_a_scratch_file_and_the_database_keeps_its_own_settings(outcome):
    for scenario in ("check", "apply"):
        copy = outcome[scenario]["copy_pragmas"]  # read by the import's thread while it checked the file
        assert copy == {"journal_mode": "truncate", "synchronous": 0, "temp_store": 2, "cache_size": -16384}
        assert outcome[scenario]["pragmas_after"]["journal_mode"] == "wal"
        assert outcome[scenario]["pragmas_after"]["synchronous"] == 1  # NORMAL


def test_the_copy_keeps_the_tables_an_import_writes_most_with_their_unique_indexes_only(outcome):
    for scenario in ("check", "apply"):
        copy, after = outcome[scenario]["copy_indexes"], outcome[scenario]["indexes_after"]
        assert set(copy) == {
            "audit_auditrecord",
            "progress_reporttransition",
            "progress_reportversion",
            "projects_monthlyprogress",
        }
        for table, kept in copy.items():
            assert kept == {"unique": after[table]["unique"], "others": 0}, table  # the rules stay in the copy
            assert after[table]["others"] > 0, table  # the database keeps its search indexes


def test_others_write_while_a_workbook_is_checked(outcome):
    check = outcome["check"]
    assert (check["ok"], check["applied"], check["errors"]) == (True, False, [])
    assert check["writes"] == ["written"]
    assert check["projects"] == {"锁测试项目0": False}


def test_others_write_while_a_workbook_to_apply_is_checked_and_its_records_follow_theirs(outcome):
    apply = outcome["apply"]
    assert (apply["ok"], apply["applied"], apply["errors"]) == (True, True, [])
    assert apply["writes"] == ["written"]  # a writer with no patience at all, while the file was read and checked
    assert apply["projects"] == {"锁测试项目0": True, "锁测试项目1": True, "锁测试项目2": True}
    assert apply["summaries"] == 1
    assert apply["login_first"] is True  # recorded meanwhile, it keeps its place; the import's records follow it
    assert apply["intact"] is True


def test_a_project_edited_while_the_file_was_checked_refuses_the_whole_file(outcome):
    edited = outcome["edited"]
    assert (edited["ok"], edited["applied"]) == (False, False)
    assert edited["errors"] == [CHANGED_MEANWHILE]
    assert edited["projects"] == {"锁测试新项目": False}  # the file's other row is not written either
    assert edited["investment"] == "7000.00"  # the edit made meanwhile stands
    assert edited["new_records"] == 1  # the edit's own record, none of the import's
    assert edited["intact"] is True


def test_a_stage_recorded_meanwhile_on_a_project_of_the_file_refuses_the_whole_file(outcome):
    staged = outcome["staged"]
    assert (staged["ok"], staged["applied"]) == (False, False)
    assert staged["errors"] == [CHANGED_MEANWHILE]
    assert staged["projects"] == {"锁测试新项目": False}
    assert staged["events_added"] == 1  # the stage recorded meanwhile, not the file's 开工
    assert staged["intact"] is True
