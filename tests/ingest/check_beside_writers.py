"""Check, then apply, workbooks on a database file while others write (run by test_locks in a subprocess: the
suite's own SQLite database lives in memory).

    python -m tests.ingest.check_beside_writers FOLDER      (with ZONELEDGER_DATA_DIR set to an empty folder)

Each time an import reports progress (while it reads and checks the file), a second connection to the same file
(busy timeout 0) writes one row, and another thread of this process does what the scenario says through the
services: a log-in's audit record, an edit of a project the file changes, a stage recorded on such a project.
Prints JSON: per scenario, what the import said, what each write met, and what the database holds afterwards.
"""

import json
import os
import sqlite3
import sys
import threading
from datetime import date
from decimal import Decimal
from pathlib import Path


def main(folder):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zoneledger.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    from tests.ingest.conftest import project_row, write_workbook
    from zoneledger.accounts.models import User
    from zoneledger.audit import services as audit
    from zoneledger.audit.actions import Action
    from zoneledger.audit.models import AuditRecord
    from zoneledger.demo.builder import DemoBuilder, build_orgs, ensure_demo_users
    from zoneledger.ingest.importer import UNIQUE_INDEXES_ONLY, import_workbook
    from zoneledger.projects.models import Project, StageEvent
    from zoneledger.projects.services import project_update, record_stage

    call_command("migrate", verbosity=0)
    DemoBuilder().build_reference()
    build_orgs()
    ensure_demo_users()
    user = User.objects.get(username="province-reviewer")
    editor = User.objects.get(username="wenshui-editor")
    database = connection.settings_dict["NAME"]
    folder = Path(folder)

    def in_thread(work):
        """Run `work` on a connection of its own (to the database, whatever this thread's points at)."""

        def run():
            try:
                work()
            finally:
                connections.close_all()

        thread = threading.Thread(target=run)
        thread.start()
        thread.join()

    def pragmas():
        """This thread's connection's pragmas: the copy's while an import runs (core.db.COPY_PRAGMAS)."""
        with connection.cursor() as cursor:
            found = {}
            for name in ("journal_mode", "synchronous", "temp_store", "cache_size"):
                cursor.execute(f"PRAGMA {name}")
                found[name] = cursor.fetchone()[0]
        return found

    def indexes():
        """The unique and the other indexes this thread's connection sees of the tables the copy keeps with their
        unique indexes only (ingest.importer.UNIQUE_INDEXES_ONLY)."""
        found = {}
        with connection.cursor() as cursor:
            for table in UNIQUE_INDEXES_ONLY:
                cursor.execute(f'PRAGMA index_list("{table}")')
                listed = cursor.fetchall()  # (seq, name, unique, origin, partial)
                found[table] = {
                    "unique": sum(1 for row in listed if row[2]),
                    "others": sum(1 for row in listed if not row[2]),
                }
        return found

    def run(name, rows, *, dry_run=False, meanwhile=None):
        writes, seen = [], []

        def write_meanwhile(_done, _total):
            if not seen:
                seen.append(pragmas())
                seen.append(indexes())
            other = sqlite3.connect(database, timeout=0)
            try:
                with other:
                    other.execute("UPDATE accounts_user SET display_name = display_name WHERE id = ?", [user.pk])
                writes.append("written")
            except sqlite3.OperationalError as error:
                writes.append(str(error))
            finally:
                other.close()
            if meanwhile is not None and len(writes) == 1:
                in_thread(meanwhile)

        path = write_workbook(folder / f"{name}.xlsx", rows)
        result = import_workbook(file=path, user=user, dry_run=dry_run, progress=write_meanwhile, language="en")
        return {
            "ok": result.ok,
            "applied": result.applied,
            "errors": [str(error) for error in result.errors],
            "writes": writes,
            "copy_pragmas": seen[0],
            "pragmas_after": pragmas(),
            "copy_indexes": seen[1],
            "indexes_after": indexes(),
        }

    def projects(*names):
        return {name: Project.objects.filter(name=name).exists() for name in names}

    def chains_intact():
        return audit.verify_chain().intact

    outcome = {}
    rows = [project_row(f"锁测试项目{n}", 签约日期=date(2024, 3, 28), 签约批次="2024-1") for n in range(3)]
    outcome["check"] = run("check", rows, dry_run=True) | {"projects": projects("锁测试项目0")}

    def log_in():
        audit.record(actor=editor, action=Action.LOGIN)

    imports_before = AuditRecord.objects.filter(action=Action.INGEST_IMPORT).count()
    outcome["apply"] = run("apply", rows, meanwhile=log_in) | {
        "projects": projects("锁测试项目0", "锁测试项目1", "锁测试项目2"),
        "summaries": AuditRecord.objects.filter(action=Action.INGEST_IMPORT).count() - imports_before,
        # The log-in, recorded while the file was checked, comes before the import's records in the chain.
        "login_first": AuditRecord.objects.filter(action=Action.LOGIN).latest("sequence").sequence
        < AuditRecord.objects.filter(action=Action.INGEST_IMPORT).latest("sequence").sequence,
        "intact": chains_intact(),
    }

    changed = Project.objects.get(name="锁测试项目0")

    def edit():
        project_update(actor=editor, project=changed, expected_version=changed.version, total_investment=7000)

    records_before = AuditRecord.objects.count()
    stale = [project_row("锁测试项目0") | {"总投资（万元）": Decimal("9000.00")}, project_row("锁测试新项目")]
    outcome["edited"] = run("edited", stale, meanwhile=edit) | {
        "projects": projects("锁测试新项目"),
        "investment": str(Project.objects.get(pk=changed.pk).total_investment),
        "new_records": AuditRecord.objects.count() - records_before,  # the edit's own
        "intact": chains_intact(),
    }

    staged = Project.objects.get(name="锁测试项目1")

    def record():
        record_stage(actor=editor, project=staged, stage="started", happened_on=date(2024, 5, 6))

    events_before = StageEvent.objects.filter(project=staged).count()
    later = [
        project_row("锁测试项目1", 签约日期=date(2024, 3, 28), 开工日期=date(2024, 6, 1)),
        project_row("锁测试新项目"),
    ]
    outcome["staged"] = run("staged", later, meanwhile=record) | {
        "projects": projects("锁测试新项目"),
        "events_added": StageEvent.objects.filter(project=staged).count() - events_before,  # the thread's own
        "intact": chains_intact(),
    }
    print(json.dumps(outcome, ensure_ascii=False))


if __name__ == "__main__":
    main(*sys.argv[1:])
