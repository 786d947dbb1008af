"""`zoneledger check-deploy`: a good production configuration passes; each bad one is named plainly, exit 1."""

import os
import secrets
import socket
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from django.utils.translation import override

from tests.security.test_hardening import ANCHOR_KEY, STRONG_KEY, production, zoneledger_command
from zoneledger.jobs import services
from zoneledger.jobs.models import WorkerProcess


@pytest.fixture
def good(settings, tmp_path, db):
    """A production configuration that passes (SQLite allowed explicitly: the tests run on it)."""
    settings.PRODUCTION = True
    settings.DEBUG = False
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    settings.ALLOWED_HOSTS = ["ledger.example.cn"]
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.ZONELEDGER_ALLOW_SQLITE = True
    settings.ZONELEDGER_BACKUP_DIR = tmp_path / "backups"
    settings.ZONELEDGER_AUDIT_ANCHOR_KEY = ANCHOR_KEY
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend"}}  # pytest's is locmem
    services.worker_register(worker_id="deploy-worker", host=socket.gethostname(), pid=os.getpid(), concurrency=1)
    return settings


def check_deploy():
    """(passed, printed lines, the final message)."""
    output = []

    class Out:
        def write(self, text):
            output.append(text.strip())

    with override("en"):
        try:
            call_command("check_deploy", stdout=Out())
        except CommandError as error:
            return False, output, str(error)
    return True, output, ""


def test_a_good_configuration_passes(good):
    passed, lines, _ = check_deploy()

    assert passed, lines
    assert lines == ["Ready for production: every check passed."]


def weak_key(settings):
    settings.SECRET_KEY = settings.DEVELOPMENT_SECRET_KEY


def short_key(settings):
    settings.SECRET_KEY = "short-but-random-Xq9"


def debug_on(settings):
    settings.DEBUG = True


def no_hosts(settings):
    settings.ALLOWED_HOSTS = [""]


def any_host(settings):
    settings.ALLOWED_HOSTS = ["*"]


def cookies_over_http(settings):
    settings.SESSION_COOKIE_SECURE = False


def no_hsts(settings):
    settings.SECURE_HSTS_SECONDS = 0


def no_redirect(settings):
    settings.SECURE_SSL_REDIRECT = False


def sqlite_not_allowed(settings):
    if connection.vendor != "sqlite":
        pytest.skip("the check reads the database the suite runs on; on PostgreSQL there is no SQLite to refuse")
    settings.ZONELEDGER_ALLOW_SQLITE = False


def no_worker(settings):
    WorkerProcess.objects.all().delete()


def silent_worker(settings):
    WorkerProcess.objects.update(heartbeat_at=timezone.now() - timedelta(hours=1))


def backup_folder_unwritable(settings):
    blocker = settings.ZONELEDGER_BACKUP_DIR.parent / "a-file"
    blocker.write_text("not a folder")
    settings.ZONELEDGER_BACKUP_DIR = blocker / "backups"


def not_production(settings):
    settings.PRODUCTION = False


def no_anchor_key(settings):
    settings.ZONELEDGER_AUDIT_ANCHOR_KEY = ""


@pytest.mark.parametrize(
    ("spoil", "said"),
    [
        (weak_key, "SECRET_KEY is too weak for production: it is the development key."),
        (short_key, "SECRET_KEY is too weak for production: it is shorter than 50 characters."),
        (debug_on, "DEBUG is on"),
        (no_hosts, "ALLOWED_HOSTS is empty"),
        (any_host, 'ALLOWED_HOSTS contains "*"'),
        (cookies_over_http, "cookies are not marked Secure"),
        (no_hsts, "HSTS is off"),
        (no_redirect, "Nothing sends plain HTTP to HTTPS"),
        (sqlite_not_allowed, "The database is SQLite"),
        (no_worker, "No worker has renewed its heartbeat"),
        (silent_worker, "No worker has renewed its heartbeat"),
        (backup_folder_unwritable, "The backup folder"),
        (not_production, 'ZONELEDGER_ENV is not "production"'),
        (no_anchor_key, "anchor"),
    ],
)
def test_each_bad_configuration_is_named(good, spoil, said):
    spoil(good)

    passed, lines, final = check_deploy()

    assert not passed
    assert any(said in line for line in lines), lines
    assert final.endswith("not ready for production.")
    assert len(lines) == int(final.split()[0])


def test_an_unreachable_database_is_said_once(good):
    from unittest.mock import patch

    from django.db import OperationalError

    with patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("refused")):
        passed, lines, _ = check_deploy()

    assert not passed
    assert [line for line in lines if "database" in line.lower()] == [
        "✗ The database does not answer: check DATABASE_URL and that the server runs."
    ]


def test_at_the_console_it_is_check_deploy_and_exits_1(tmp_path):
    # On the default database (an empty SQLite file in tmp_path), whichever database the suite itself runs on.
    result = zoneledger_command(
        "check-deploy", **production(tmp_path, SECRET_KEY=STRONG_KEY, ZONELEDGER_ENV="production", DATABASE_URL="")
    )

    assert result.returncode == 1
    assert "SQLite" in result.stdout
    assert "zoneledger migrate" in result.stdout  # an empty database: its migrations are all missing
    assert result.stderr.strip()  # the count of problems, on one line
    assert "Traceback" not in result.stderr
