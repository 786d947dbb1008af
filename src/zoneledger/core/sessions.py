"""Django's database sessions, except that a busy database is reported as such.

Django reads any database error met while saving a session as "the session was deleted by a concurrent request"
and answers 400. A session written while the database is busy raises `DatabaseBusy` instead, which pages answer
with the "busy, try again" page (core/middleware.py).
"""

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

from .db import DatabaseBusy, is_database_busy


class SessionStore(DatabaseSessionStore):
    def save(self, must_create=False):
        try:
            return super().save(must_create=must_create)
        except UpdateError as error:
            if is_database_busy(error):
                raise DatabaseBusy from error
            raise
