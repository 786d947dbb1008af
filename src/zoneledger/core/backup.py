"""Backing up and restoring the whole database.

SQLite uses its online backup API, so a backup is consistent while the product keeps serving;
PostgreSQL uses pg_dump / pg_restore (custom format). A backup file names its kind by its first
bytes, and restoring one kind into the other database is refused before anything is touched.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections
from django.utils.translation import gettext as _

SQLITE_MAGIC = b"SQLite format 3\x00"
POSTGRES_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why, for the operator."""


def backup(path, *, using="default"):
    """Write a consistent copy of the database to `path` (replaced only once the copy is complete)."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    connection = connections[using]
    if connection.vendor == "sqlite":
        _sqlite_copy(source=_raw(connection), target_path=partial)
    elif connection.vendor == "postgresql":
        _run("pg_dump", ["--format=custom", "--no-owner", f"--file={partial}"], connection.settings_dict)
    else:
        raise BackupError(_("Backups support SQLite and PostgreSQL, not %(vendor)s.") % {"vendor": connection.vendor})
    os.replace(partial, path)
    return path


def restore(path, *, using="default"):
    """Replace the database's contents with the backup at `path`."""
    path = Path(path)
    connection = connections[using]
    kind = _kind_of(path)
    if kind != connection.vendor:
        raise BackupError(
            _("%(file)s is a %(kind)s backup; this database is %(vendor)s.")
            % {"file": path, "kind": kind, "vendor": connection.vendor}
        )
    if kind == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            source.backup(_raw(connection))
        finally:
            source.close()
    else:
        connection.close()  # pg_restore must not wait for our own open transaction
        restore_options = ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error"]
        _run("pg_restore", [*restore_options, str(path)], connection.settings_dict)
    connection.close()


def _raw(connection):
    connection.ensure_connection()
    return connection.connection


def _sqlite_copy(*, source, target_path):
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
    finally:
        target.close()


def _kind_of(path):
    try:
        with path.open("rb") as file:
            head = file.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise BackupError(_("Cannot read %(file)s: %(error)s") % {"file": path, "error": error.strerror}) from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(POSTGRES_MAGIC):
        return "postgresql"
    raise BackupError(_("%(file)s is not a zoneledger backup.") % {"file": path})


def _run(tool, arguments, database):
    """Run a PostgreSQL client tool against `database` (Django's settings dict); the password goes by environment."""
    if shutil.which(tool) is None:
        raise BackupError(_("%(tool)s is not installed.") % {"tool": tool})
    options = [f"--dbname={database['NAME']}"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            options.append(f"{flag}={database[key]}")
    env = {**os.environ, "PGPASSWORD": database.get("PASSWORD") or ""}
    result = subprocess.run([tool, *options, *arguments], env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or f"{tool} failed ({result.returncode})")
