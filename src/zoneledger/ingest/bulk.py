"""The fast path for the import's largest table: monthly rows go in with COPY (PostgreSQL) or executemany.

The rows are validated before they get here (importer.py); this only moves checked values into the
table, in the caller's transaction, converting them exactly as the model fields would.
"""

from django.db import connection

from zoneledger.projects.models import MonthlyProgress

PROGRESS_FIELDS = (
    "project",
    "month",
    "completed_investment",
    "progress_note",
    "status",
    "submitted_at",
    "submitted_by",
    "reviewed_at",
    "reviewed_by",
    "review_note",
)


def insert_rows(model, field_names, rows):
    """Insert tuples of Python values (in `field_names` order) into `model`'s table; no ids come back."""
    fields = [model._meta.get_field(name) for name in field_names]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    prepared = (
        [field.get_db_prep_save(value, connection) for field, value in zip(fields, row, strict=True)] for row in rows
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in prepared:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", list(prepared))


def insert_progress(rows, *, status, submitted_by, submitted_at, reviewed_by, reviewed_at):
    """New monthly rows from (project id, month, amount), all with the same status and reviewer."""
    submitted_id = submitted_by.pk if submitted_by else None
    reviewed_id = reviewed_by.pk if reviewed_by else None
    insert_rows(
        MonthlyProgress,
        PROGRESS_FIELDS,
        (
            (project_id, month, amount, "", status, submitted_at, submitted_id, reviewed_at, reviewed_id, "")
            for project_id, month, amount in rows
        ),
    )
