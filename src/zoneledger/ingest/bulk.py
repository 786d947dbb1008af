"""The fast path for the import's largest tables: rows go in with COPY (PostgreSQL) or executemany (SQLite).

The rows are validated before they get here (importer.py); this only moves checked values into a table,
in the caller's transaction, converted exactly as the model fields convert them. Values every row shares
(who recorded them, when, the status) are converted once.

A `BackgroundWriter` does the inserting on a thread of its own while the caller checks the next rows: the
database works with Python's lock released (SQLite's executemany between rows, psycopg while COPY's data
travels), so the two overlap on two cores.
"""

import queue
import threading
from functools import lru_cache
from operator import call

from django.db import DEFAULT_DB_ALIAS, connections


def insert_rows(model, field_names, rows, *, writer=None, **shared):
    """Insert tuples of Python values for `field_names`, each row completed by the `shared` field values.

    Foreign keys are given as ids. Nothing comes back: use this where no ids are needed afterwards. With a
    `writer`, the rows are converted here and inserted by the writer's thread.
    """
    # The connection itself, not the `django.db.connection` proxy, which costs a context lookup per use.
    connection = connections[DEFAULT_DB_ALIAS]
    converters = [_converter(model._meta.get_field(name), connection) for name in field_names]
    fixed = [model._meta.get_field(name).get_db_prep_save(value, connection) for name, value in shared.items()]
    prepared = ([*map(call, converters, row), *fixed] for row in rows)
    columns = [model._meta.get_field(name).column for name in [*field_names, *shared]]
    if writer is None:
        copy_rows(model._meta.db_table, columns, prepared)
    else:
        writer.put(model._meta.db_table, columns, list(prepared))


def _converter(field, connection):
    """The field's own conversion to database form, remembered for the values met last.

    An import repeats values row after row (a project's id on each of its months, the same months and
    dates), and Django's conversion chain costs more than the insert itself.
    """

    @lru_cache(maxsize=4096, typed=True)
    def convert(value):
        return field.get_db_prep_save(value, connection)

    return convert


def copy_rows(table, columns, rows, *, connection=None):
    """Insert rows already in database form: COPY on PostgreSQL, executemany elsewhere."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
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


def allocate_ids(model, count, *, after=0):
    """`count` new primary keys for `model`, taken in the caller's transaction, for rows inserted with ids.

    `after`: the last id this transaction took before, whose row may still be on its way (BackgroundWriter).
    """
    connection = connections[DEFAULT_DB_ALIAS]
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, model._meta.pk.column, count],
            )
            return [pk for (pk,) in cursor.fetchall()]
        # SQLite: the transaction holds the database's write lock (transaction_mode IMMEDIATE), so nobody else
        # takes ids meanwhile; AUTOINCREMENT moves its counter past the ids inserted.
        cursor.execute(
            f"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0),"
            f" COALESCE((SELECT MAX({connection.ops.quote_name(model._meta.pk.column)})"
            f" FROM {connection.ops.quote_name(table)}), 0))",
            [table],
        )
        first = max(cursor.fetchone()[0], after) + 1
        return list(range(first, first + count))


def insert_instances(model, instances, *, writer=None):
    """Insert unsaved model instances whose primary keys are set (see allocate_ids), every concrete field."""
    fields = model._meta.concrete_fields
    insert_rows(
        model,
        [field.name for field in fields],
        ([getattr(instance, field.attname) for field in fields] for instance in instances),
        writer=writer,
    )


class BackgroundWriter:
    """Inserts rows (`put`) on a thread of its own, in the order given, on the caller's connection and so in its
    transaction. A context manager, used inside the transaction: leaving it waits until every row is in. An
    insert that fails is raised in the caller, at its next `put` or on leaving.

    The queue holds at most `depth` jobs, so memory stays that of a few chunks. Rows already put may not be in
    the database yet: the caller looks up only rows it did not put (and takes ids with `allocate_ids(after=)`).
    """

    def __init__(self, *, depth=2):
        self.connection = connections[DEFAULT_DB_ALIAS]
        self.jobs = queue.Queue(maxsize=depth)
        self.failure = None
        self.thread = threading.Thread(target=self._work, name="import-writer", daemon=True)

    def __enter__(self):
        self.connection.inc_thread_sharing()
        self.thread.start()
        return self

    def put(self, table, columns, rows):
        self._raise_failure()
        self.jobs.put((table, columns, rows))

    def _work(self):
        while (job := self.jobs.get()) is not None:
            if self.failure is None:  # after a failure the rest is only drained
                try:
                    copy_rows(*job, connection=self.connection)
                except BaseException as failure:  # handed to the caller's thread, which raises it
                    self.failure = failure

    def __exit__(self, *_exception):
        self.jobs.put(None)
        self.thread.join()
        self.connection.dec_thread_sharing()
        # Raised even over an exception on its way out: a failed insert (on PostgreSQL, an aborted transaction)
        # is usually why the caller failed too.
        self._raise_failure()

    def _raise_failure(self):
        if self.failure is not None:
            raise self.failure
