"""The database being busy, and keeping work off the lock.

SQLite's "database is locked" is met by a writer that waited its busy timeout while another transaction held the
write lock; a PostgreSQL server that cannot be reached (restarting, shutting down, the connection lost) is met the
same way for the seconds it is away. Pages and the API answer both with a 503 "busy, try again"
(core/middleware.py, api.py); a connection found broken is dropped at the request's end (Django's
`close_if_unusable_or_obsolete`), so the next request connects afresh and the site recovers by itself.
`working_copy()` keeps work that writes only to throw its writes away (checking an import) off that lock altogether.
"""

import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections

# SQLite's messages for a lock it waited for in vain (SQLITE_BUSY) or met in its shared cache (SQLITE_LOCKED).
_BUSY_MESSAGES = ("database is locked", "database table is locked")
# PostgreSQL's classes of errors for a server that is not there for now: connection exceptions (08) and an operator's
# intervention (57: shutting down, starting up, connections ended by a restart). No SQLSTATE: the client's own
# "connection refused" or "server closed the connection unexpectedly".
_AWAY_SQLSTATE_CLASSES = ("08", "57")


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


@contextmanager
def working_copy() -> Iterator[None]:
    """On SQLite, this thread's queries go to a copy of the database taken now, thrown away at the end.

    For work that writes only to roll back (an import's check): on the database itself its transaction would hold
    SQLite's one write lock from start to end and every other user's write would wait for it. The copy is taken
    with SQLite's backup API, which only reads (in WAL mode nobody waits for it); other threads and processes keep
    the database. Elsewhere (PostgreSQL locks rows, not the database), inside a transaction, or on a database
    in memory (the tests'), the work runs on the database itself.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "sqlite" or connection.in_atomic_block or connection.is_in_memory_db():
        yield
        return
    original = connection.settings_dict
    with tempfile.TemporaryDirectory(prefix="zoneledger-check-") as folder:
        copy = Path(folder) / "copy.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(copy) as target:
            connection.connection.backup(target)
        target.close()
        connection.close()
        connection.settings_dict = {**original, "NAME": str(copy)}
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict = original
