"""Backing up and restoring the whole database.

SQLite uses its online backup API, so a backup is consistent while the product keeps serving;
PostgreSQL uses pg_dump / pg_restore (custom format). A backup file names its kind by its first
bytes, and restoring one kind into the other database is refused before anything is touched.

Before anything is touched, a restore also reads the whole file (a damaged one is refused) and its
record of migrations (`django_migrations`): a database that is not zoneledger's, or one of a later
version (a migration this code does not know), is refused. A backup of an earlier version is
restored, and the caller is told to migrate it.
"""

import itertools
import os
import re
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

SQLITE_MAGIC = b"SQLite format 3\x00"
POSTGRES_MAGIC = b"PGDMP"
# Migrations every zoneledger database has had from the start: what tells its backup from another database's.
_COPY_MIGRATIONS = re.compile(r"COPY (?:\w+\.)?django_migrations \(")  # the table's data in pg_restore's script
ZONELEDGER_MIGRATIONS = {("zones", "0001_initial"), ("projects", "0001_initial"), ("audit", "0001_initial")}


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


ROTATED_PREFIX = "zoneledger-"


def backup_rotate(folder, *, keep, using="default"):
    """Back up into `folder` under a name stamped with the time (UTC), then delete all but the newest `keep` of
    the backups there that this function wrote; returns (the new backup, the ones deleted). The nightly timer's
    job (deploy/zoneledger-backup.service)."""
    if keep < 1:
        raise BackupError(_("Keep at least one backup."))
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ".sqlite3" if connections[using].vendor == "sqlite" else ".dump"
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = backup(folder / f"{ROTATED_PREFIX}{stamp}{suffix}", using=using)
    # The stamp sorts as the time does; a ".partial" left by a crash is not a backup and is not counted.
    kept = sorted((old for old in folder.glob(f"{ROTATED_PREFIX}*{suffix}")), reverse=True)
    removed = kept[keep:]
    for old in removed:
        old.unlink()
    return path, removed


def restore(path, *, using="default"):
    """Replace the database's contents with the backup at `path`, after checking it is a whole zoneledger backup
    this version can read; returns the migrations the restored database still needs (a backup of an earlier
    version), in the order `migrate` would apply them."""
    path = Path(path)
    connection = connections[using]
    kind = _kind_of(path)
    if kind != connection.vendor:
        raise BackupError(
            _("%(file)s is a %(kind)s backup; this database is %(vendor)s.")
            % {"file": path, "kind": kind, "vendor": connection.vendor}
        )
    applied = _sqlite_migrations(path) if kind == "sqlite" else _postgres_migrations(path)
    pending = _pending_migrations(path, applied)
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
    return pending


def _damaged(path, reason):
    return BackupError(
        _("%(file)s is damaged and cannot be restored (%(reason)s); the database was not touched.")
        % {"file": path, "reason": reason}
    )


def _not_ours(path):
    return BackupError(_("%(file)s is not a zoneledger backup.") % {"file": path})


def _sqlite_migrations(path):
    """The (app, name) of each migration the SQLite backup records, after checking every page of it can be read."""
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            problems = [row[0] for row in source.execute("PRAGMA quick_check")]
            if problems != ["ok"]:
                raise _damaged(path, problems[0])
            tables = source.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'")
            if tables.fetchone() is None:
                raise _not_ours(path)
            return set(source.execute("SELECT app, name FROM django_migrations"))
        finally:
            source.close()
    except sqlite3.DatabaseError as error:
        raise _damaged(path, error) from None


def _postgres_migrations(path):
    """The (app, name) of each migration the pg_dump archive records, after reading the whole archive once."""
    _read_archive(path, ["--file=/dev/null"])  # every entry and its data: a damaged archive fails here
    script = _read_archive(path, ["--data-only", "--table=django_migrations", "--file=-"])
    lines = iter(script.splitlines())
    for line in lines:
        if _COPY_MIGRATIONS.match(line):
            # The table's rows in COPY's text format (id, app, name, applied), up to its end marker.
            rows = itertools.takewhile(lambda row: row != "\\.", lines)
            return {tuple(row.split("\t")[1:3]) for row in rows}
    raise _not_ours(path)


def _read_archive(path, arguments):
    """pg_restore's reading of the archive at `path`, connected to no database; its output as text."""
    if shutil.which("pg_restore") is None:
        raise BackupError(_("%(tool)s is not installed.") % {"tool": "pg_restore"})
    result = subprocess.run(["pg_restore", *arguments, str(path)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise _damaged(path, result.stderr.strip().splitlines()[-1] if result.stderr.strip() else result.returncode)
    return result.stdout


def _pending_migrations(path, applied):
    """The migrations this version has that the backup lacks, after refusing a backup that is not zoneledger's
    or that records a migration this version does not know (a later version's)."""
    if not applied >= ZONELEDGER_MIGRATIONS:
        raise _not_ours(path)
    loader = MigrationLoader(None, ignore_no_migrations=True)
    installed = {config.label for config in apps.get_app_configs()}
    unknown = sorted(migration for migration in applied if migration[0] in installed)
    unknown = [migration for migration in unknown if migration not in loader.disk_migrations]
    if unknown:
        raise BackupError(
            _(
                "%(file)s is a backup of a later version of zoneledger (its database has migration %(migration)s,"
                " which this version does not know): restore it with that version."
            )
            % {"file": path, "migration": ".".join(unknown[0])}
        )
    plan = loader.graph.forwards_plan  # each leaf's migrations in dependency order
    ordered = dict.fromkeys(node for leaf in loader.graph.leaf_nodes() for node in plan(leaf))
    return [node for node in ordered if node not in applied]


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
    raise _not_ours(path)


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
