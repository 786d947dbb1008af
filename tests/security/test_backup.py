"""Back up, change data, restore: the database is exactly as it was — on whichever database the suite runs on."""

import os
import subprocess
import sys
import uuid
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest


def zoneledger(env, *args, stdin=None):
    command = [sys.executable, "-m", "zoneledger.cli", *args]
    result = subprocess.run(command, env=env, input=stdin, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def with_database(url, name):
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture(scope="module")
def scratch_env(tmp_path_factory):
    """Commands pointed at a fresh, migrated database of the suite's kind (never the test database)."""
    folder = tmp_path_factory.mktemp("backup")
    env = {**os.environ, "ZONELEDGER_DATA_DIR": str(folder), "DJANGO_SETTINGS_MODULE": "zoneledger.settings"}
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        env.pop("DATABASE_URL", None)
        zoneledger(env, "migrate", "--noinput")
        yield env
        return
    name = f"zl_backup_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as server:
        server.execute(f'CREATE DATABASE "{name}"')
        try:
            env = {**env, "DATABASE_URL": with_database(url, name)}
            zoneledger(env, "migrate", "--noinput")
            yield env
        finally:
            server.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def add_superuser(env, username):
    password_env = {**env, "DJANGO_SUPERUSER_PASSWORD": "Backup-test-9"}
    zoneledger(
        password_env, "createsuperuser", "--noinput", "--username", username, "--email", f"{username}@example.cn"
    )


def snapshot(env):
    return zoneledger(env, "dumpdata", "--indent=1")


def test_a_restore_brings_back_exactly_the_backed_up_database(scratch_env, tmp_path):
    zoneledger(scratch_env, "round", "add", "2031-1", "--held-on", "2031-01-15")
    add_superuser(scratch_env, "backup-person")
    before = snapshot(scratch_env)
    backup_file = tmp_path / "ledger.backup"
    zoneledger(scratch_env, "backup", str(backup_file))

    zoneledger(scratch_env, "round", "add", "2031-2", "--held-on", "2031-04-15")
    add_superuser(scratch_env, "later-person")
    assert snapshot(scratch_env) != before

    zoneledger(scratch_env, "restore", str(backup_file), "--noinput")
    after = snapshot(scratch_env)
    assert after == before
    assert "backup-person" in after
    assert "later-person" not in after
    zoneledger(scratch_env, "audit_verify")  # exits with an error unless the restored chain is intact


def test_a_file_that_is_not_a_backup_is_refused_and_nothing_changes(scratch_env, tmp_path):
    before = snapshot(scratch_env)
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a backup")
    command = [sys.executable, "-m", "zoneledger.cli", "restore", str(bogus), "--noinput"]
    result = subprocess.run(command, env=scratch_env, capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "notes.txt" in result.stderr
    assert snapshot(scratch_env) == before
