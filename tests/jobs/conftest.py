"""A database of its own for tests that run `zoneledger worker` (or a web server) in other processes.

Such processes cannot see the test's transaction (nor, on SQLite, the in-memory test database), so each test
gets a copy of the session's test database as it stood after set-up (the demo ledger and its users): on SQLite a
file made with SQLite's backup API, on PostgreSQL a database made from a template. `other_processes.env` points
a child process at it; `other_processes.run(code)` runs Python there and gives back what it printed as JSON.
"""

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _admin_connection(settings_dict):
    return psycopg.connect(
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        user=settings_dict["USER"] or None,
        password=settings_dict["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


@pytest.fixture(scope="session")
def database_template(django_db_setup, django_db_blocker, tmp_path_factory):
    """The test database as set up, copied once for the session: a file (SQLite) or a database name (PostgreSQL)."""
    with django_db_blocker.unblock():
        settings_dict = dict(connection.settings_dict)
        if connection.vendor == "sqlite":
            path = tmp_path_factory.mktemp("template") / "template.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(path)
            connection.connection.backup(target)
            target.close()
            yield {"vendor": "sqlite", "path": path}
            return
        name = f"{settings_dict['NAME']}_tpl"[:60]
        connection.close()  # a template must have no other connection while it is copied
        with _admin_connection(settings_dict) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{settings_dict["NAME"]}"')
        yield {"vendor": "postgresql", "name": name, "settings": settings_dict}
        with _admin_connection(settings_dict) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class OtherProcesses:
    env: dict
    url: str
    vendor: str

    def run(self, code, timeout=60):
        """Run Python `code` under Django against the copy; what it printed last, read as JSON."""
        script = "import django, json; django.setup()\n" + code
        finished = subprocess.run(
            [sys.executable, "-c", script], env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
        )
        assert finished.returncode == 0, finished.stderr
        return json.loads(finished.stdout.strip().splitlines()[-1])

    def query(self, sql, parameters=()):
        """Rows of one SQL statement on the copy, straight through the driver (quicker than a process)."""
        if self.vendor == "sqlite":
            with sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=30) as database:
                return database.execute(sql, parameters).fetchall()
        with psycopg.connect(self.url.replace("postgres://", "postgresql://"), autocommit=True) as database:
            return database.execute(sql.replace("?", "%s"), parameters or None).fetchall()  # no parameters: % is %

    def jobs(self):
        """{job id (hex): (state, result, message)} of every job on the copy."""
        rows = self.query("SELECT id, state, result, message FROM jobs_job")
        return {
            (key.hex if isinstance(key, uuid.UUID) else key.replace("-", "")): (
                state,
                json.loads(result) if isinstance(result, str) else result,
                message,
            )
            for key, state, result, message in rows
        }

    def start(self, *arguments, **options):
        """Start `zoneledger ARGUMENTS…` against the copy; the caller stops it."""
        return subprocess.Popen([sys.executable, "-m", "zoneledger.cli", *arguments], env=self.env, cwd=ROOT, **options)


@pytest.fixture
def other_processes(database_template, tmp_path):
    if database_template["vendor"] == "sqlite":
        path = tmp_path / "copy.sqlite3"
        source = sqlite3.connect(database_template["path"])
        target = sqlite3.connect(path)
        source.backup(target)
        target.execute("PRAGMA journal_mode=WAL")  # as the product's own connections set it (settings.py)
        source.close(), target.close()
        url = f"sqlite:///{path}"
        dropped = None
    else:
        settings_dict = database_template["settings"]
        name = f"zl_copy_{uuid.uuid4().hex[:12]}"
        with _admin_connection(settings_dict) as admin:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{database_template["name"]}"')
        credentials = settings_dict["USER"] + (f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else "")
        url = f"postgres://{credentials}@{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}/{name}"
        dropped = name
    env = os.environ | {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "tests.jobs.process_settings",
        "ZONELEDGER_DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(ROOT),
        "DEBUG": "0",
    }
    yield OtherProcesses(env=env, url=url, vendor=database_template["vendor"])
    if dropped:
        with _admin_connection(database_template["settings"]) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{dropped}" WITH (FORCE)')
