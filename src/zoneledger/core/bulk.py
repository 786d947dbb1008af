"""The fast path for bulk writes of many rows (an import, the bulk services): COPY (PostgreSQL) or executemany (SQLite).

The rows are validated before they get here (importer.py); this only moves checked values into a table,
in the caller's transaction, converted exactly as the model fields convert them. Values every row shares
(who recorded them, when, the status) are converted once.

The inserts stay on the caller's thread: a writer thread measured slower on two cores, as it takes turns
with the checking for Python's lock at every row it binds (see docs/PERFORMANCE.md).
"""

from functools import lru_cache
from operator import call

from django.db import DEFAULT_DB_ALIAS, connections, models


def insert_rows(model, field_names, rows, *, ready=(), **shared):
    """Insert tuples of Python values for `field_names`, each row completed by the `shared` field values.

    Foreign keys are given as ids. The fields named in `ready` are given in database form already (a JSON field's
    text, encoded once by the caller) and go in as they are. Nothing comes back: give the ids (`allocate_ids`)
    where they are needed afterwards.
    """
    # The connection itself, not the `django.db.connection` proxy, which costs a context lookup per use.
    connection = connections[DEFAULT_DB_ALIAS]
    converters = [
        _as_it_is if name in ready else _converter(model._meta.get_field(name), connection) for name in field_names
    ]
    fixed = [model._meta.get_field(name).get_db_prep_save(value, connection) for name, value in shared.items()]
    todo = [(position, converter) for position, converter in enumerate(converters) if converter is not _as_it_is]
    if not todo:  # everything given ready (an audit trail's rows): as they are, no call per row
        prepared = ([*row, *fixed] for row in rows) if fixed else rows
    else:  # a column at a time: each converter mapped over its column, not a call per row for every value
        given = list(zip(*rows, strict=True))  # no columns: no rows
        for position, converter in todo if given else ():
            given[position] = tuple(map(converter, given[position]))
        count = len(given[0]) if given else 0
        prepared = zip(*given, *([value] * count for value in fixed), strict=True) if given else []
    columns = [model._meta.get_field(name).column for name in [*field_names, *shared]]
    copy_rows(model._meta.db_table, columns, prepared)


def _as_it_is(value):
    return value


# Values the fields' conversion hands back as they are, on SQLite and PostgreSQL: text for text columns, whole
# numbers for primary keys (and the ids foreign keys hold), None for either. (Other integer fields are not
# among them: psycopg's adaptation wraps their values.)
_KEPT_AS_THEY_ARE = {
    models.CharField: str,
    models.TextField: str,
    models.AutoField: int,
    models.BigAutoField: int,
}


def _converter(field, connection):
    """The field's own conversion to database form, remembered for the values met last.

    An import repeats values row after row (a project's id on each of its months, the same months and
    dates), and Django's conversion chain costs more than the insert itself. Values it would keep as they
    are (most of a project's: names, codes, ids) are not converted, nor remembered, at all.
    """

    if isinstance(field, models.JSONField):
        # Dicts and lists cannot be remembered by value; one object many rows share (a bulk write's common
        # snapshot) is converted once, remembered by its id beside the object itself (so the id stays its own).
        seen = {}

        def convert_json(value):
            known = seen.get(id(value))
            if known is None or known[0] is not value:
                known = seen[id(value)] = (value, field.get_db_prep_save(value, connection))
            return known[1]

        return convert_json

    @lru_cache(maxsize=4096, typed=True)
    def convert(value):
        return field.get_db_prep_save(value, connection)

    kept = _KEPT_AS_THEY_ARE.get(type(field.target_field if field.is_relation else field))
    if kept is None:
        return convert

    def convert_unless_kept(value):
        return value if value is None or value.__class__ is kept else convert(value)

    return convert_unless_kept


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


def allocate_ids(model, count):
    """`count` new primary keys for `model`, taken in the caller's transaction, for rows inserted with ids."""
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
        first = cursor.fetchone()[0] + 1
        return list(range(first, first + count))


def insert_instances(model, instances):
    """Insert unsaved model instances, every concrete field, each given a new primary key (set on it here)."""
    instances = list(instances)
    if not instances:
        return
    for instance, pk in zip(instances, allocate_ids(model, len(instances)), strict=True):
        instance.pk = pk
    fields = model._meta.concrete_fields
    insert_rows(
        model,
        [field.name for field in fields],
        ([getattr(instance, field.attname) for field in fields] for instance in instances),
    )


def update_instances(model, instances, field_names):
    """UPDATE `field_names` of saved instances, one row per primary key, as one executemany.

    What `bulk_update` does, without its CASE over every row of a batch: that statement is built and compiled in
    Python row by row (a reviewer's 3,000 approvals spent 24 of 29 seconds there), where this one is prepared once.
    """
    fields = [model._meta.get_field(name) for name in field_names]
    rows = ([getattr(instance, field.attname) for field in fields] + [instance.pk] for instance in instances)
    update_rows(model, field_names, [model._meta.pk.name], rows)


def update_rows(model, field_names, key_names, rows):
    """UPDATE `field_names` of the rows whose `key_names` match, as one executemany prepared once: each row of
    `rows` gives the new values (foreign keys as ids), then the keys. Rows matching nothing change nothing."""
    connection = connections[DEFAULT_DB_ALIAS]
    fields = [model._meta.get_field(name) for name in field_names]
    keys = [model._meta.get_field(name) for name in key_names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    where = " AND ".join(f"{quote(key.column)} = %s" for key in keys)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {where}"
    converters = [_converter(field, connection) for field in [*fields, *keys]]
    prepared = [list(map(call, converters, row)) for row in rows]
    if prepared:
        with connection.cursor() as cursor:
            cursor.executemany(sql, prepared)
