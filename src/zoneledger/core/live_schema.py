"""Migration steps that are safe on a live database the size of the national ledger (docs/SCALING.md).

A new column that must hold a value goes in three steps, none holding a lock that writers wait on for long:
it is added nullable (a catalogue change), filled in batches of ids that each commit on their own (`Backfill`),
then made NOT NULL (`SetNotNull`: on PostgreSQL a CHECK added NOT VALID and validated under a lock writers pass,
which SET NOT NULL then trusts instead of scanning the table). A unique constraint is built beside the old one
(`AddUniqueConcurrently`: CREATE UNIQUE INDEX CONCURRENTLY on PostgreSQL) before the old one is dropped; a new index
is built the same way (`AddIndexConcurrently`). Migrations using them set `atomic = False` so each batch and each
concurrent build runs in its own transaction. On SQLite (one province, one writer) they are the ordinary
operations.
"""

from django.contrib.postgres.operations import AddIndexConcurrently as PostgresAddIndexConcurrently
from django.db import migrations, transaction
from django.db.models import Q

BATCH = 20_000


class Backfill(migrations.RunPython):
    """Set `column` of `table` to `value_sql` (an SQL expression on the row, e.g. a correlated subquery) where it
    is NULL, `BATCH` ids at a time, each batch its own transaction."""

    def __init__(self, table: str, column: str, value_sql: str):
        self.table, self.column, self.value_sql = table, column, value_sql
        super().__init__(self.fill, migrations.RunPython.noop, elidable=False)

    def fill(self, apps, schema_editor) -> None:
        connection = schema_editor.connection
        quote = schema_editor.quote_name
        table, column = quote(self.table), quote(self.column)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MIN(id), MAX(id) FROM {table}")
            low, high = cursor.fetchone()
        if low is None:
            return
        statement = f"UPDATE {table} SET {column} = ({self.value_sql}) WHERE id >= %s AND id < %s AND {column} IS NULL"
        for start in range(low, high + 1, BATCH):
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                cursor.execute(statement, [start, start + BATCH])

    def describe(self) -> str:
        return f"Fill {self.table}.{self.column} in batches of {BATCH}"


class SetNotNull(migrations.AlterField):
    """AlterField to a NOT NULL field, without PostgreSQL scanning the table under an exclusive lock."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        table = schema_editor.quote_name(model._meta.db_table)
        column = schema_editor.quote_name(model._meta.get_field(self.name).column)
        check = schema_editor.quote_name(f"{model._meta.db_table}_{self.name}_not_null"[:63])
        schema_editor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {check} CHECK ({column} IS NOT NULL) NOT VALID")
        schema_editor.execute(f"ALTER TABLE {table} VALIDATE CONSTRAINT {check}")  # SHARE UPDATE EXCLUSIVE
        super().database_forwards(app_label, schema_editor, from_state, to_state)  # trusts the check: no scan
        schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {check}")


class AddUniqueConcurrently(migrations.AddConstraint):
    """AddConstraint for a UniqueConstraint on fields, built without blocking writes on PostgreSQL.

    The index is built CONCURRENTLY; an unconditional constraint then adopts it (ADD CONSTRAINT … USING INDEX),
    a conditional one stays the unique index Django itself would have made.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        constraint = self.constraint
        quote = schema_editor.quote_name
        table, name = quote(model._meta.db_table), quote(constraint.name)
        columns = ", ".join(quote(model._meta.get_field(field).column) for field in constraint.fields)
        where = ""
        if isinstance(constraint.condition, Q):
            # Django's own rendering of the condition, as its unique index would have it.
            where = " WHERE " + constraint._get_condition_sql(model, schema_editor)
        schema_editor.execute(f"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {table} ({columns}){where}")
        if not where:
            schema_editor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} UNIQUE USING INDEX {name}")


class AddIndexConcurrently(PostgresAddIndexConcurrently):
    """AddIndex built without blocking writes on PostgreSQL (CREATE INDEX CONCURRENTLY: django.contrib.postgres'
    operation, which other databases refuse); the ordinary AddIndex elsewhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return migrations.AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)
        return super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return migrations.AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)
        return super().database_backwards(app_label, schema_editor, from_state, to_state)
