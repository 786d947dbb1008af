"""The database being busy, and keeping work off the lock.

SQLite's "database is locked" is met by a writer that waited its busy timeout while another transaction held the
write lock; a PostgreSQL server that cannot be reached (restarting, shutting down, the connection lost) is met the
same way for the seconds it is away. Pages and the API answer both with a 503 "busy, try again"
(core/middleware.py, api.py); a connection found broken is dropped at the request's end (Django's
`close_if_unusable_or_obsolete`), so the next request connects afresh and the site recovers by itself.
Two ways keep long work off SQLite's lock: `working_copy()` for work that writes only to throw its writes away
(checking an import), and `staged_writes()` for work that keeps them (applying an import): it runs on a copy too,
and what it changed is then carried over to the database in one short write transaction that first makes sure
nobody changed the same rows meanwhile.
"""

import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from django.db import DEFAULT_DB_ALIAS, IntegrityError, InterfaceError, OperationalError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.translation import gettext as _

from .errors import Conflict

# SQLite's messages for a lock it waited for in vain (SQLITE_BUSY) or met in its shared cache (SQLITE_LOCKED).
_BUSY_MESSAGES = ("database is locked", "database table is locked")
# PostgreSQL's classes of errors for a server that is not there for now: connection exceptions (08) and an operator's
# intervention (57: shutting down, starting up, connections ended by a restart). No SQLSTATE: the client's own
# "connection refused" or "server closed the connection unexpectedly".
_AWAY_SQLSTATE_CLASSES = ("08", "57")
STAGED = "staged"  # the copy's schema name while its writes are carried over
_TOUCHED = "zl_touched"  # in the copy: the first image of each row the work changed or removed
_SCOPE = "zl_scope"  # in the copy: the ids of the scope rows (say, projects) the work wrote to
# A copy is a scratch file no one else opens, thrown away on any failure: no fsync (a crash loses only the copy), a
# rollback journal rather than WAL (WAL writes every page twice, once to the log and once when checkpointed back),
# savepoints' journals in memory (the copy's writes are a chunk at a time, each under a bulk service's savepoint),
# and a larger page cache (16 MiB, a fixed size however large the file) for the B-trees the work grows.
COPY_PRAGMAS = ("journal_mode = TRUNCATE", "synchronous = OFF", "temp_store = MEMORY", "cache_size = -16384")


class DatabaseBusy(Exception):
    """The database stayed locked for longer than a request may wait; raised where an error would say otherwise."""


def is_database_busy(error: BaseException | None) -> bool:
    """Whether `error`, or an error it was raised from or while handling, is the database being busy or away."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, DatabaseBusy | InterfaceError):  # InterfaceError: a connection already closed
            return True
        if isinstance(error, OperationalError) and any(message in str(error) for message in _BUSY_MESSAGES):
            return True
        if isinstance(error, psycopg.OperationalError):
            sqlstate = error.sqlstate
            if sqlstate is None or sqlstate.startswith(_AWAY_SQLSTATE_CLASSES):
                return True
        error = error.__cause__ or error.__context__
    return False


def _on_own_file(connection: BaseDatabaseWrapper) -> bool:
    """Whether the connection is to an SQLite file outside any transaction: where a copy keeps work off the lock.

    Elsewhere (PostgreSQL locks rows, not the database), inside a transaction, or on a database in memory (the
    tests'), the work runs on the database itself."""
    return connection.vendor == "sqlite" and not connection.in_atomic_block and not connection.is_in_memory_db()


def _copy_to(connection: BaseDatabaseWrapper, copy: Path) -> None:
    """Copy the database with SQLite's backup API, which only reads (in WAL mode nobody waits for it)."""
    connection.ensure_connection()
    with _opened(copy) as target:
        connection.connection.backup(target)


@contextmanager
def _opened(copy: Path) -> Iterator[sqlite3.Connection]:
    """A connection of our own to the copy, committed at the end of the block (rolled back on an error) and closed."""
    target = sqlite3.connect(copy)
    try:
        with target:
            yield target
    finally:
        target.close()


@contextmanager
def _pointed_at(connection: BaseDatabaseWrapper, copy: Path) -> Iterator[Callable[[], None]]:
    """This thread's queries go to `copy` until the returned function is called, or the block ends."""
    original = connection.settings_dict
    connection.close()
    # The copy's pragmas instead of the database's own (WAL, the busy timeout: no one else opens the copy).
    options = {**original.get("OPTIONS", {}), "init_command": "".join(f"PRAGMA {pragma};" for pragma in COPY_PRAGMAS)}
    connection.settings_dict = {**original, "NAME": str(copy), "OPTIONS": options}

    def restore() -> None:
        if connection.settings_dict is not original:
            connection.close()
            connection.settings_dict = original

    try:
        yield restore
    finally:
        restore()


def _drop_search_indexes(copy: sqlite3.Connection, tables: Iterable[str]) -> None:
    """In the copy, drop the indexes of `tables` that only speed up searches: each costs every added row a B-tree
    insert, and work that only appends to a table (an audit trail, a history) or finds its rows through the unique
    ones needs none of them. Unique indexes stay: they are rules, and the work must meet them in the copy as in the
    database."""
    tables = list(tables)
    if not tables:
        return
    marks = ", ".join("?" * len(tables))
    found = copy.execute(
        f"SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks}) "
        "AND upper(sql) NOT LIKE 'CREATE UNIQUE %'",
        tables,
    ).fetchall()
    for (name,) in found:
        copy.execute(f'DROP INDEX "{name}"')


@contextmanager
def working_copy(*, unique_indexes_only: Iterable[str] = ()) -> Iterator[None]:
    """On SQLite, this thread's queries go to a copy of the database taken now, thrown away at the end.

    For work that writes only to roll back (an import's check): on the database itself its transaction would hold
    SQLite's one write lock from start to end and every other user's write would wait for it. Other threads and
    processes keep the database. Not on SQLite files (see `_on_own_file`): the work runs on the database itself.
    `unique_indexes_only`: tables the work only adds rows to, or searches only through their unique indexes, kept in
    the copy without their other indexes (`_drop_search_indexes`).
    """
    connection = connections[DEFAULT_DB_ALIAS]
    if not _on_own_file(connection):
        yield
        return
    with tempfile.TemporaryDirectory(prefix="zoneledger-check-") as folder:
        copy = Path(folder) / "copy.sqlite3"
        _copy_to(connection, copy)
        with _opened(copy) as target:
            _drop_search_indexes(target, unique_indexes_only)
        with _pointed_at(connection, copy):
            yield


@dataclass(frozen=True)
class _Table:
    name: str
    columns: list[str]
    last: int  # the copy's largest rowid when it was taken: rows past it were added since
    first_new: int  # the first id the work's own rows get (set aside in the database), or last + 1

    def image(self, alias: str) -> str:
        """SQL for one text that changes when any column of row `alias` does (`quote` keeps each value exact)."""
        return " || ',' || ".join(f'quote({alias}."{column}")' for column in self.columns)

    @property
    def quoted(self) -> str:
        return ", ".join(f'"{column}"' for column in self.columns)


class StagedWrites:
    """A copy of the SQLite database that work writes to (see `staged_writes`), and carrying its writes over."""

    def __init__(self, connection: BaseDatabaseWrapper, copy: Path, tables: dict[str, _Table], restore: Callable):
        self.connection, self.copy, self.tables, self._restore = connection, copy, tables, restore

    def first_id(self, table: str) -> int:
        """The first id of the rows the work added to `table` (they run on from it)."""
        return self.tables[table].first_new

    def carry_over(
        self,
        *,
        scope: tuple[str, str] | None = None,
        own: Iterable[str] = (),
        before: Callable[[Any], None] | None = None,
        during: Callable[[Any], None] | None = None,
    ) -> None:
        """Write what the work changed in the copy to the database, in one short transaction, or nothing.

        Every row the work changed or removed must be in the database as the copy had it, and for `scope` (a
        table and the column other tables point at it by, e.g. ("projects_project", "project_id")) no row may
        have been added meanwhile pointing at a scope row the work wrote to; else Conflict, with nothing written.
        Rows added meanwhile by others elsewhere are kept: the work's own ids were set aside for it. Tables in
        `own` are left to `during(cursor)`, called in the transaction with the copy attached as `STAGED` (the
        audit trail's chains, which must run on from the database's heads); `before(cursor)` is called with the
        copy attached just before the transaction, to prepare what `during` will need without holding the lock.
        """
        self._restore()
        own = set(own)
        if scope is not None:
            self._collect_scope(*scope)
        connection = self.connection
        with connection.cursor() as cursor:
            cursor.execute(f"ATTACH DATABASE %s AS {STAGED}", [str(self.copy)])
            try:
                if before is not None:
                    before(cursor)
                with transaction.atomic():
                    self._check_unchanged(cursor, own)
                    if scope is not None:
                        self._check_scope(cursor, scope[1])
                    if during is not None:
                        during(cursor)
                    self._write(cursor, own)
            except IntegrityError as clash:  # a new row's unique value (a project's code) was taken meanwhile
                raise Conflict(_changed_meanwhile()) from clash
            finally:
                cursor.execute(f"DETACH DATABASE {STAGED}")

    # -- before the lock: the copy only ----------------------------------------------------------------------
    def _collect_scope(self, table: str, column: str) -> None:
        """The ids of the scope rows the work wrote to: changed themselves, or pointed at by a row it wrote."""
        with _opened(self.copy) as copy:
            copy.execute(f"CREATE TABLE {_SCOPE} (id INTEGER PRIMARY KEY)")
            copy.execute(f"INSERT OR IGNORE INTO {_SCOPE} SELECT rid FROM {_TOUCHED} WHERE tbl = ?", [table])
            for other in self.tables.values():
                if column in other.columns:
                    copy.execute(
                        f'INSERT OR IGNORE INTO {_SCOPE} SELECT "{column}" FROM "{other.name}" '
                        f'WHERE "{column}" IS NOT NULL AND (rowid > ? '
                        f"OR rowid IN (SELECT rid FROM {_TOUCHED} WHERE tbl = ?))",
                        [other.last, other.name],
                    )

    # -- in the transaction ----------------------------------------------------------------------------------
    def _touched_tables(self, cursor: Any, own: set[str]) -> list[_Table]:
        cursor.execute(f"SELECT DISTINCT tbl FROM {STAGED}.{_TOUCHED}")
        return [self.tables[name] for (name,) in cursor.fetchall() if name not in own]

    def _check_unchanged(self, cursor: Any, own: set[str]) -> None:
        for table in self._touched_tables(cursor, own):
            _refuse_if_any(
                cursor,
                f'SELECT 1 FROM {STAGED}.{_TOUCHED} AS t LEFT JOIN main."{table.name}" AS r ON r.rowid = t.rid '
                f"WHERE t.tbl = %s AND (r.rowid IS NULL OR {table.image('r')} IS NOT t.image) LIMIT 1",
                [table.name],
            )

    def _check_scope(self, cursor: Any, column: str) -> None:
        for table in self.tables.values():
            if column in table.columns:
                _refuse_if_any(
                    cursor,
                    f'SELECT 1 FROM main."{table.name}" WHERE rowid > %s '
                    f'AND "{column}" IN (SELECT id FROM {STAGED}.{_SCOPE}) LIMIT 1',
                    [table.last],
                )

    def _write(self, cursor: Any, own: set[str]) -> None:
        for table in self._touched_tables(cursor, own):
            touched = f"(SELECT rid FROM {STAGED}.{_TOUCHED} WHERE tbl = %s)"
            cursor.execute(
                f'DELETE FROM main."{table.name}" WHERE rowid IN {touched} '
                f'AND rowid NOT IN (SELECT rowid FROM {STAGED}."{table.name}" WHERE rowid IN {touched})',
                [table.name, table.name],
            )
            assignments = ", ".join(f'"{column}" = s."{column}"' for column in table.columns)
            cursor.execute(
                f'UPDATE main."{table.name}" AS r SET {assignments} FROM {STAGED}."{table.name}" AS s '
                f"WHERE s.rowid = r.rowid AND r.rowid IN {touched}",
                [table.name],
            )
        for table in self.tables.values():
            if table.name in own:
                continue
            cursor.execute(
                f'INSERT INTO main."{table.name}" ({table.quoted}) '
                f'SELECT {table.quoted} FROM {STAGED}."{table.name}" WHERE rowid > %s',
                [table.last],
            )


def _refuse_if_any(cursor: Any, sql: str, params: list[Any]) -> None:
    """Conflict if the query finds a row: something the carried-over writes depend on changed meanwhile."""
    cursor.execute(sql, params)
    if cursor.fetchone():
        raise Conflict(_changed_meanwhile())


def _changed_meanwhile() -> str:
    return _(
        "Someone changed the same projects while the file was being checked; nothing was imported. "
        "Import the file again to check it against the ledger as it is now."
    )


def _describe(copy: sqlite3.Connection) -> list[tuple[str, list[str], int, bool]]:
    """Each table of the copy: its name, columns, largest rowid, and whether its ids are AUTOINCREMENT."""
    described = []
    for name, sql in copy.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall():
        columns = [row[1] for row in copy.execute(f'PRAGMA table_info("{name}")')]
        (last,) = copy.execute(f'SELECT COALESCE(MAX(rowid), 0) FROM "{name}"').fetchone()
        described.append((name, columns, last, "AUTOINCREMENT" in (sql or "").upper()))
    return described


def _set_aside(connection: BaseDatabaseWrapper, names: list[str], count: int) -> dict[str, int]:
    """In one short write transaction, move each table's id counter `count` past its last id; the first id set
    aside per table. Others' rows meanwhile get ids past the block, so the work's rows keep theirs."""
    first: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for name in names:
            cursor.execute(
                f"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
                f'COALESCE((SELECT MAX(rowid) FROM "{name}"), 0))',
                [name],
            )
            first[name] = cursor.fetchone()[0] + 1
            last = first[name] + count - 1
            cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [last, name])
            if not cursor.rowcount:
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [name, last])
    return first


@contextmanager
def staged_writes(*, set_aside: int, unique_indexes_only: Iterable[str] = ()) -> Iterator[StagedWrites | None]:
    """On an SQLite file, this thread's queries go to a copy of the database, whose writes `carry_over()` then
    writes to the database in one short transaction; None elsewhere (the work writes to the database itself).

    For long work that keeps its writes (applying an import): on the database itself its transaction would hold
    SQLite's one write lock from start to end. `set_aside`: at least how many rows the work may add to one table;
    that many ids of every table are set aside for it first (in a transaction of a few milliseconds), so that
    others' rows meanwhile do not take them. Each row the work changes or removes in the copy is remembered as
    the copy had it (a trigger per table), for `carry_over` to check. `unique_indexes_only`: as for `working_copy`;
    the rows carried over go into the database's tables with all their indexes.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    if not _on_own_file(connection):
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="zoneledger-apply-") as folder:
        copy = Path(folder) / "copy.sqlite3"
        _copy_to(connection, copy)
        with _opened(copy) as target:
            described = _describe(target)
            counted = [name for name, _columns, _last, autoincrement in described if autoincrement]
            first = _set_aside(connection, counted, set_aside)
            tables = {
                name: _Table(name, columns, last, first.get(name, last + 1))
                for name, columns, last, _autoincrement in described
            }
            _prepare_copy(target, tables.values(), first)
            _drop_search_indexes(target, unique_indexes_only)
        with _pointed_at(connection, copy) as restore:
            yield StagedWrites(connection, copy, tables, restore)


def _prepare_copy(copy: sqlite3.Connection, tables: Iterable[_Table], first: dict[str, int]) -> None:
    """The copy's id counters at the ids set aside; a trigger per table keeping the first image of a row changed."""
    for name, first_id in first.items():
        copy.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = ?", [first_id - 1, name])
        if not copy.execute("SELECT changes()").fetchone()[0]:
            copy.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", [name, first_id - 1])
    copy.execute(f"CREATE TABLE {_TOUCHED} (tbl TEXT, rid INTEGER, image TEXT, PRIMARY KEY (tbl, rid))")
    for table in tables:
        for event in ("UPDATE", "DELETE"):
            copy.execute(
                f'CREATE TRIGGER "zl_{event.lower()}_{table.name}" BEFORE {event} ON "{table.name}" '
                f"WHEN OLD.rowid <= {int(table.last)} BEGIN "
                f"INSERT OR IGNORE INTO {_TOUCHED} (tbl, rid, image) "
                f"VALUES ('{table.name}', OLD.rowid, {table.image('OLD')}); END"
            )
