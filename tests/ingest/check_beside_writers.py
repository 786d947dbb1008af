"""Check, then apply, a workbook on a database file while another connection writes with no patience at all
(run by test_locks in a subprocess: the suite's own SQLite database lives in memory).

    python -m tests.ingest.check_beside_writers IN.xlsx      (with ZONELEDGER_DATA_DIR set to an empty folder)

Each time the import reports progress, a second connection to the same file (busy timeout 0) writes one row.
Prints JSON: for the check and for the apply, whether the import succeeded and what each write met.
"""

import json
import os
import sqlite3
import sys


def main(source):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zoneledger.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from zoneledger.accounts.models import User
    from zoneledger.demo.builder import DemoBuilder, build_orgs, ensure_demo_users
    from zoneledger.ingest.importer import import_workbook

    call_command("migrate", verbosity=0)
    DemoBuilder().build_reference()
    build_orgs()
    ensure_demo_users()
    user = User.objects.get(username="province-reviewer")
    database = connection.settings_dict["NAME"]

    def run(dry_run):
        writes = []

        def write_meanwhile(_done, _total):
            other = sqlite3.connect(database, timeout=0)
            try:
                with other:
                    other.execute("UPDATE accounts_user SET display_name = display_name WHERE id = ?", [user.pk])
                writes.append("written")
            except sqlite3.OperationalError as error:
                writes.append(str(error))
            finally:
                other.close()

        result = import_workbook(file=source, user=user, dry_run=dry_run, progress=write_meanwhile)
        return {"ok": result.ok, "applied": result.applied, "writes": writes}

    print(json.dumps({"check": run(dry_run=True), "apply": run(dry_run=False)}))


if __name__ == "__main__":
    main(*sys.argv[1:])
