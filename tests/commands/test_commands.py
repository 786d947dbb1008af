"""The console verbs: demo, adduser, round, serve."""

import io
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from zoneledger.accounts.models import User
from zoneledger.campaigns.models import Round
from zoneledger.core.commands import terminal_width
from zoneledger.demo.builder import DEMO_USERS

pytestmark = pytest.mark.django_db


def run(*args, stdin=""):
    out = io.StringIO()
    sys_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        call_command(*args, stdout=out)
    finally:
        sys.stdin = sys_stdin
    return out.getvalue()


def test_adduser_creates_a_zone_editor_reading_the_password_from_stdin():
    output = run("adduser", "zhang.san", "--org", "文水经济开发区", "--role", "editor", stdin="Strong-pass-9\n")
    user = User.objects.get(username="zhang.san")
    assert user.org.zone.name == "文水经济开发区"
    assert user.role == "editor"
    assert user.check_password("Strong-pass-9")
    assert "zhang.san" in output


def test_adduser_finds_a_city_by_division_code_and_the_province_by_name():
    run("adduser", "li.si", "--org", "141100", "--role", "reviewer", stdin="Strong-pass-9\n")
    run("adduser", "wang.wu", "--org", "province", "--role", "viewer", stdin="Strong-pass-9\n")
    assert User.objects.get(username="li.si").org.division_id == "141100"
    assert User.objects.get(username="wang.wu").org.kind == "province"


@pytest.mark.parametrize(
    ("args", "stdin", "field"),
    [
        (["nobody", "--org", "不存在开发区", "--role", "editor"], "Strong-pass-9\n", "org"),
        (["wenshui-editor", "--org", "province", "--role", "editor"], "Strong-pass-9\n", "username"),
        (["weak", "--org", "province", "--role", "viewer"], "123\n", "password"),
    ],
)
def test_adduser_refuses_bad_input_naming_the_field(args, stdin, field):
    before = User.objects.count()
    with pytest.raises(CommandError) as error:
        run("adduser", *args, stdin=stdin)
    assert str(error.value).startswith(f"{field}:")
    assert User.objects.count() == before


def test_round_add_and_list():
    output = run("round", "add", "2025-1", "--held-on", "2025-03-20", "--title", "2025年第一次")
    assert "2025-1" in output
    assert Round.objects.get_by_label("2025-1").held_on.isoformat() == "2025-03-20"
    assert "2025-1" in run("round", "list")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["2023-4", "--held-on", "2023-12-01"], "批次 2023-4 已存在"),
        (["2025", "--held-on", "2025-03-20"], "2023-4"),
        (["2025-2", "--held-on", "2025-13-01"], "YYYY-MM-DD"),
    ],
)
def test_round_add_refuses_bad_input(args, message):
    before = Round.objects.count()
    with pytest.raises(CommandError) as error:
        run("round", "add", *args)
    assert message in str(error.value)
    assert Round.objects.count() == before


def test_serve_refuses_production_with_the_development_key(settings):
    from zoneledger.core.server import check_production_ready

    settings.PRODUCTION = True
    settings.DEBUG = False
    settings.SECRET_KEY = settings.DEVELOPMENT_SECRET_KEY
    with pytest.raises(CommandError, match="SECRET_KEY"):
        check_production_ready()
    settings.SECRET_KEY = "a-real-key-from-the-environment-0123456789-abcdefghij"
    check_production_ready()


def zoneledger(*args, env):
    return subprocess.run(
        [sys.executable, "-m", "zoneledger.cli", *args], env=env, capture_output=True, text=True, timeout=600
    )


def test_demo_no_serve_twice_on_a_fresh_sqlite_file(tmp_path):
    env = {**os.environ, "ZONELEDGER_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    first = zoneledger("demo", "--no-serve", env=env)
    assert first.returncode == 0, first.stderr
    assert "wenshui-editor" in first.stdout
    assert "已载入演示台账" in first.stdout
    second = zoneledger("demo", "--no-serve", env=env)
    assert second.returncode == 0, second.stderr
    assert "演示台账已载入" in second.stdout
    count = zoneledger(
        "shell",
        "-v",
        "0",
        "-c",
        "from zoneledger.projects.models import Project; print(Project.objects.count())",
        env=env,
    )
    seeds = int(first.stdout.split("已载入演示台账：")[1].split(" ")[0])
    live = int(first.stdout.split("实时演示数据：")[1].split(" ")[0])  # the year of the day it is built
    assert live > 0
    assert int(count.stdout) == seeds + live
    assert "实时演示数据" not in second.stdout
    # The log-ins line up in a terminal: each org unit's name starts in the same column, whatever the role's width.
    logins = [line for line in first.stdout.splitlines() if line.startswith("  ")]
    assert len(logins) == len(DEMO_USERS)
    assert (
        len(
            {
                terminal_width(line[: line.index(org)])
                for line, (_user, org, _role, _name) in zip(logins, DEMO_USERS, strict=True)
            }
        )
        == 1
    )
    assert "auditor, sysadmin, secadmin 需要第二因素" in first.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("template", "t.xlsx"),
        ("export", "--scope", "province", "e.xlsx"),
        ("figures", "--scope", "province", "--year", "2024"),
    ],
)
def test_a_command_on_a_database_not_set_up_says_how_to_set_it_up(tmp_path, args):
    env = {**os.environ, "ZONELEDGER_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    finished = subprocess.run(
        [sys.executable, "-m", "zoneledger.cli", *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert finished.returncode == 1
    assert "Traceback" not in finished.stderr
    assert f"The database {tmp_path / 'zoneledger.sqlite3'} is not set up yet" in finished.stderr
    assert "./run demo" in finished.stderr
    assert "./run migrate" in finished.stderr
    assert "尚未初始化" in finished.stderr
    assert not (tmp_path / args[-1]).exists()


def free_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_runs_gunicorn_and_answers_http(tmp_path):
    import time
    import urllib.request

    env = {**os.environ, "ZONELEDGER_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    assert zoneledger("migrate", "-v", "0", env=env).returncode == 0
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "zoneledger.cli", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=5) as response:
                    assert response.status == 200
                    assert response.headers["Server"].startswith("gunicorn")
                    break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "the server did not answer within 60 s"
                time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=30)
