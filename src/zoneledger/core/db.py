"""The database being busy: SQLite's "database is locked", met by a writer that waited its busy timeout while
another transaction held the write lock. Pages answer it with a 503 "busy, try again" (core/middleware.py)."""

from django.db import OperationalError

# SQLite's messages for a lock it waited for in vain (SQLITE_BUSY) or met in its shared cache (SQLITE_LOCKED).
_BUSY_MESSAGES = ("database is locked", "database table is locked")


class DatabaseBusy(Exception):
    """The database stayed locked for longer than a request may wait; raised where an error would say otherwise."""


def is_database_busy(error: BaseException | None) -> bool:
    """Whether `error`, or an error it was raised from or while handling, is the database being busy."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, DatabaseBusy):
            return True
        if isinstance(error, OperationalError) and any(message in str(error) for message in _BUSY_MESSAGES):
            return True
        error = error.__cause__ or error.__context__
    return False
