"""Hardening: production settings pass `check --deploy`, refuse the development key, send CSP and safe cookies."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError
from django.urls import reverse

import zoneledger
from tests.security.sessions import log_in
from zoneledger.accounts.models import User
from zoneledger.audit.models import AuditRecord
from zoneledger.core.server import check_production_ready

PACKAGE = Path(zoneledger.__file__).parent
STRONG_KEY = "k3y-for-the-deploy-check-" + "x9Q!" * 12
ANCHOR_KEY = secrets.token_urlsafe(32)


def zoneledger_command(*args, **env):
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE is for their own process; a deployment never has it.
    dropped = ("SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    inherited = {name: value for name, value in os.environ.items() if name not in dropped}
    environment = {**inherited, "DJANGO_SETTINGS_MODULE": "zoneledger.settings", **env}
    command = [sys.executable, "-m", "zoneledger.cli", *args]
    # A server that starts when it should have refused would run for ever: the timeout fails the test instead.
    return subprocess.run(command, env=environment, capture_output=True, text=True, check=False, timeout=120)


def production(folder, **env):
    return {
        "ZONELEDGER_ENV": "production",
        "ALLOWED_HOSTS": "ledger.example.cn",
        "ZONELEDGER_DATA_DIR": str(folder),
        "ZONELEDGER_AUDIT_ANCHOR_KEY": ANCHOR_KEY,
        **env,
    }


def test_the_production_settings_pass_the_deploy_check(tmp_path):
    result = zoneledger_command(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **production(tmp_path, SECRET_KEY=STRONG_KEY),
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_serve_with_the_development_key(tmp_path):
    result = zoneledger_command("serve", **production(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_a_key_to_anchor_the_audit_chains(tmp_path):
    result = zoneledger_command("serve", **production(tmp_path, SECRET_KEY=STRONG_KEY, ZONELEDGER_AUDIT_ANCHOR_KEY=""))
    assert result.returncode != 0
    assert "zoneledger.E010" in result.stderr
    assert "ZONELEDGER_AUDIT_ANCHOR_KEY" in result.stderr


def test_production_refuses_to_serve_with_a_weak_key(tmp_path):
    result = zoneledger_command("serve", **production(tmp_path, SECRET_KEY="zoneledger-" * 6))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "过于规则" in result.stderr  # "too regular to be random", in the default language


@pytest.mark.parametrize(
    "key",
    [
        "short-but-random-9Qx!",  # under 50 characters
        "a" * 64,
        "password" * 8,
        "0123456789" * 6,
        "zoneledger-development-key-not-for-production",
    ],
)
def test_a_weak_secret_key_is_refused_for_production(settings, key):
    settings.PRODUCTION, settings.DEBUG, settings.SECRET_KEY = True, False, key
    with pytest.raises(CommandError, match="SECRET_KEY"):
        check_production_ready()


@pytest.mark.parametrize("make_key", [lambda: secrets.token_urlsafe(50), lambda: secrets.token_hex(32)])
def test_a_random_secret_key_is_accepted_for_production(settings, make_key):
    settings.PRODUCTION, settings.DEBUG, settings.SECRET_KEY = True, False, make_key()
    check_production_ready()


def test_production_refuses_to_serve_debug_pages(tmp_path):
    result = zoneledger_command("serve", **production(tmp_path, SECRET_KEY=STRONG_KEY, DEBUG="1"))
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_script(client):
    response = client.get(reverse("accounts:login"))
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_the_session_cookie_is_http_only_and_same_site(client):
    response = client.post(reverse("accounts:login"), {"username": "wenshui-viewer", "password": "Demo-2024-zl"})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert not cookie["max-age"]  # ends with the browser; the server ends it sooner when idle


@pytest.mark.django_db
def test_an_upload_over_the_limit_is_refused_before_it_is_read(client, settings):
    settings.ZONELEDGER_UPLOAD_MAX_BYTES = 1024 * 1024
    upload = SimpleUploadedFile("big.xlsx", b"x" * (1024 * 1024 + 1))
    form = {"username": "wenshui-viewer", "password": "wrong", "file": upload}
    response = client.post(reverse("accounts:login"), form)
    assert response.status_code == 413
    assert "1 MB" in response.content.decode()
    assert not AuditRecord.objects.filter(action="login.failed", actor_name="wenshui-viewer").exists()


TEMPLATE_RULES = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.IGNORECASE),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "external URL": re.compile(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.IGNORECASE),
}


def templates():
    return sorted(path for path in PACKAGE.rglob("templates/**/*.html"))


@pytest.mark.parametrize("rule", TEMPLATE_RULES)
def test_no_template_breaks_the_content_security_policy(rule):
    offenders = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in templates()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if TEMPLATE_RULES[rule].search(line)
    ]
    assert offenders == [], f"{rule} in {offenders}"


@pytest.mark.django_db
def test_pages_behind_the_login_are_not_cached(client):
    log_in(client, User.objects.get(username="wenshui-viewer"))
    response = client.get(reverse("accounts:password_change"))
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_refused_request_is_audited(client):
    user = User.objects.get(username="wenshui-viewer")
    log_in(client, user)
    assert client.get(reverse("audit:record_list")).status_code == 403
    entry = AuditRecord.objects.filter(action="access.denied").first()
    assert (entry.actor, entry.success, entry.message) == (user, False, "GET /audit/")


@pytest.mark.django_db
def test_changing_the_password_ends_the_other_sessions(client):
    user = User.objects.get(username="wenshui-viewer")
    other = type(client)()
    log_in(other, user)
    log_in(client, user)
    new = {"old_password": "Demo-2024-zl", "new_password1": "Fresh-start-5", "new_password2": "Fresh-start-5"}
    assert client.post(reverse("accounts:password_change"), new).status_code == 302
    assert client.get(reverse("accounts:password_change")).status_code == 200
    assert other.get(reverse("accounts:password_change")).status_code == 302
