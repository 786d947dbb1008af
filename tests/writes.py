"""Rows written per table within the current transaction, for the tests that prove a refused request wrote nothing.

Reading every row before and after a request (the demo's 25,000 monthly reports among them) cost the permission
matrix more than the requests did. The database counts the rows each statement inserts, updates and deletes, so the
tests compare those counts instead: a write to any table shows, whether or not a test thought of that table.

- PostgreSQL keeps the counts of the current transaction in `pg_stat_xact_user_tables`.
- SQLite keeps none, so `count_writes()` adds temporary triggers (of this connection only) that count into a
  temporary table. Created inside a transaction, they go with its rollback.
"""

from django.db import connection

COUNTS = "zoneledger_test_writes"


def count_writes() -> None:
    """Start counting every table's writes on this connection (SQLite; PostgreSQL always counts). Call it inside the
    transaction the tests run in, so its rollback takes the triggers away."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        cursor.execute(f"CREATE TEMP TABLE {COUNTS} (name TEXT PRIMARY KEY, written INTEGER NOT NULL DEFAULT 0)")
        cursor.executemany(f"INSERT INTO {COUNTS} (name) VALUES (%s)", [(table,) for table in tables])
        for table in tables:
            for verb in ("INSERT", "UPDATE", "DELETE"):
                # Inside a trigger's body SQLite resolves the unqualified name to the temporary table.
                cursor.execute(
                    f'CREATE TEMP TRIGGER "{COUNTS}_{table}_{verb}" AFTER {verb} ON main."{table}" '
                    f"BEGIN UPDATE {COUNTS} SET written = written + 1 WHERE name = '{table}'; END"
                )


def writes() -> dict[str, int]:
    """Rows written so far in this transaction, by table; tables not written are left out."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"SELECT name, written FROM {COUNTS} WHERE written > 0")
        else:
            cursor.execute(
                "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
                " WHERE n_tup_ins + n_tup_upd + n_tup_del > 0"
            )
        return dict(cursor.fetchall())
