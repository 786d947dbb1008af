"""The fast path for the import's largest tables: rows go in with COPY (PostgreSQL) or executemany (SQLite).

The rows are validated before they get here (importer.py); this only moves checked values into a table,
in the caller's transaction, converted exactly as the model fields convert them. Values every row shares
(who recorded them, when, the status) are converted once.
"""

from django.db import DEFAULT_DB_ALIAS, connections


def insert_rows(model, field_names, rows, **shared):
    """Insert tuples of Python values for `field_names`, each row completed by the `shared` field values.

    Foreign keys are given as ids. Nothing comes back: use this where no ids are needed afterwards.
    """
    # The connection itself, not the `django.db.connection` proxy, which costs a context lookup per use.
    connection = connections[DEFAULT_DB_ALIAS]
    fields = [model._meta.get_field(name) for name in field_names]
    fixed = [model._meta.get_field(name).get_db_prep_save(value, connection) for name, value in shared.items()]
    prepared = (
        [*(field.get_db_prep_save(value, connection) for field, value in zip(fields, row, strict=True)), *fixed]
        for row in rows
    )
    copy_rows(model._meta.db_table, [model._meta.get_field(name).column for name in [*field_names, *shared]], prepared)


def copy_rows(table, columns, rows):
    """Insert rows already in database form: COPY on PostgreSQL, executemany elsewhere."""
    connection = connections[DEFAULT_DB_ALIAS]
    table = connection.ops.quote_name(table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", list(rows))
