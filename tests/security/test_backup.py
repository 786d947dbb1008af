"""Back up, change data, restore: the database is exactly as it was — on whichever database the suite runs on."""

import os
import sqlite3
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


def refused(env, backup_file):
    """The restore's error (it must fail) and the database's snapshot after it."""
    command = [sys.executable, "-m", "zoneledger.cli", "restore", str(backup_file), "--noinput"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 1, result.stdout
    return result.stderr.strip().splitlines()[-1]  # after any start-up warnings


def foreign_backup(env, path):
    """A backup of the suite's kind, as that kind's own tool makes it, of a database that is not zoneledger's."""
    url = env.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        with sqlite3.connect(path) as other:
            other.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
            other.execute("INSERT INTO notes (text) VALUES ('someone else''s data')")
        return path
    name = f"zl_foreign_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as server:
        server.execute(f'CREATE DATABASE "{name}"')
        try:
            with psycopg.connect(with_database(url, name), autocommit=True) as other:
                other.execute("CREATE TABLE notes (id serial PRIMARY KEY, text text)")
                other.execute("INSERT INTO notes (text) VALUES ('someone else''s data')")
            subprocess.run(["pg_dump", "--format=custom", f"--file={path}", with_database(url, name)], check=True)
        finally:
            server.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    return path


def test_a_database_file_that_is_not_a_zoneledger_backup_is_refused_and_nothing_changes(scratch_env, tmp_path):
    before = snapshot(scratch_env)

    message = refused(scratch_env, foreign_backup(scratch_env, tmp_path / "other.backup"))

    assert message == f"{tmp_path / 'other.backup'} 不是 zoneledger 备份文件。"  # commands speak Chinese
    assert snapshot(scratch_env) == before


def test_a_backup_of_a_newer_schema_is_refused_and_nothing_changes(scratch_env, tmp_path):
    backup_file = tmp_path / "newer.backup"
    future = ("projects", "9999_from_a_later_version")
    record = f"INSERT INTO django_migrations (app, name, applied) VALUES {(*future, '2031-01-01')};"
    zoneledger(scratch_env, "dbshell", stdin=record)
    try:
        zoneledger(scratch_env, "backup", str(backup_file))
    finally:
        zoneledger(scratch_env, "dbshell", stdin=f"DELETE FROM django_migrations WHERE name = '{future[1]}';")
    zoneledger(scratch_env, "round", "add", "2032-1", "--held-on", "2032-01-15")  # a change the backup lacks
    before = snapshot(scratch_env)

    message = refused(scratch_env, backup_file)

    assert message == (
        f"{backup_file} 是较新版本 zoneledger 的备份"
        "（其数据库有本版本不认识的迁移 projects.9999_from_a_later_version）：请用那个版本恢复。"
    )
    assert snapshot(scratch_env) == before


def test_a_damaged_backup_is_refused_and_nothing_changes(scratch_env, tmp_path):
    backup_file = tmp_path / "whole.backup"
    zoneledger(scratch_env, "backup", str(backup_file))
    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes(backup_file.read_bytes()[: backup_file.stat().st_size // 2])
    zoneledger(scratch_env, "round", "add", "2033-1", "--held-on", "2033-01-15")
    before = snapshot(scratch_env)

    message = refused(scratch_env, damaged)

    assert message.startswith(f"{damaged} 已损坏，无法恢复（")
    assert message.endswith("）；数据库未被改动。")
    assert snapshot(scratch_env) == before


def test_a_backup_of_an_earlier_schema_is_restored_and_says_to_migrate(scratch_env, tmp_path):
    backup_file = tmp_path / "earlier.backup"
    zoneledger(scratch_env, "backup", str(backup_file))
    # The plan's last migration: no other depends on it, so a backup without it is a consistent earlier schema.
    latest = zoneledger(scratch_env, "showmigrations", "--plan").split()[-1]  # e.g. problems.0002_…
    app, name = latest.split(".")
    # The backup as a version before the latest migration left it: its record of that migration gone.
    if not scratch_env.get("DATABASE_URL", "").startswith("postgres"):
        with sqlite3.connect(backup_file) as earlier:
            earlier.execute("DELETE FROM django_migrations WHERE app = ? AND name = ?", (app, name))
    else:
        forget = f"DELETE FROM django_migrations WHERE app = '{app}' AND name = '{name}';"
        zoneledger(scratch_env, "dbshell", stdin=forget)
        zoneledger(scratch_env, "backup", str(backup_file))

    output = zoneledger(scratch_env, "restore", str(backup_file), "--noinput")

    assert output.splitlines() == [
        f"已从 {backup_file} 恢复。",
        "该备份来自较早的版本：还有 1 个迁移需要应用。启动服务器前请运行“zoneledger migrate”。",
    ]
    zoneledger(scratch_env, "migrate", app, name, "--fake")  # the schema is the latest: only the record was gone


def test_the_nightly_backup_keeps_the_newest_and_deletes_the_older(scratch_env, tmp_path):
    folder = tmp_path / "nightly"
    folder.mkdir()
    (folder / "zoneledger-19990101T000000000000Z.dump.partial").write_bytes(b"a crash's leftover")
    (folder / "notes.txt").write_text("not a backup")

    for _ in range(3):
        zoneledger(scratch_env, "backup", "--into", str(folder), "--keep", "2")

    backups = sorted(path.name for path in folder.glob("zoneledger-*") if not path.name.endswith(".partial"))
    assert len(backups) == 2
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        [*backups, "notes.txt", "zoneledger-19990101T000000000000Z.dump.partial"]
    )
    newest = folder / backups[-1]
    assert newest.read_bytes()[:5] in (b"SQLit", b"PGDMP")


def test_a_backup_needs_one_target_and_keeps_at_least_one(scratch_env, tmp_path):
    command = [sys.executable, "-m", "zoneledger.cli", "backup"]
    for arguments in ([], [str(tmp_path / "a"), "--into", str(tmp_path)], ["--into", str(tmp_path), "--keep", "0"]):
        result = subprocess.run([*command, *arguments], env=scratch_env, capture_output=True, text=True, check=False)
        assert result.returncode == 1, arguments
        assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # refused before anything was written
