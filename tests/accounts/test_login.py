"""Logging in and out: the audit trail, messages that reveal nothing, lockout, timeouts."""

import time

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import NON_FIELD_ERRORS
from django.urls import reverse

from zoneledger.accounts import session
from zoneledger.accounts.models import LoginSession, User
from zoneledger.audit.models import AuditRecord

pytestmark = pytest.mark.django_db
PASSWORD = "Demo-2024-zl"
LOGIN = reverse("accounts:login")


def log_in(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def records(action):
    return AuditRecord.objects.filter(action=action)


def test_the_login_page_has_a_labelled_form(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'autocomplete="current-password"' in page
    assert '<label for="id_username">' in page


def test_a_right_password_logs_in_and_leaves_one_audit_record(client):
    before = records("login").count()
    response = log_in(client, "wenshui-editor", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").wsgi_request.user.username == "wenshui-editor"
    assert records("login").count() == before + 1
    entry = records("login").first()
    assert (entry.actor.username, entry.org_name, entry.source_address, entry.success) == (
        "wenshui-editor",
        "文水经济开发区管委会",
        "10.1.2.3",
        True,
    )
    assert len(entry.request_id) == 36
    assert LoginSession.objects.filter(user=entry.actor, source_address="10.1.2.3").count() == 1


def test_the_login_goes_back_to_the_page_asked_for(client):
    response = client.post(
        f"{LOGIN}?next=/projects/", {"username": "wenshui-editor", "password": PASSWORD, "next": "/projects/"}
    )
    assert response["Location"] == "/projects/"


def test_a_page_sends_anonymous_users_to_the_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(client):
    wrong_password = log_in(client, "wenshui-editor", "Wrong-pass-1")
    unknown_user = log_in(client, "nobody-by-this-name", "Wrong-pass-1")
    assert wrong_password.status_code == unknown_user.status_code == 200
    assert wrong_password.context["form"].errors == unknown_user.context["form"].errors
    assert wrong_password.context["form"].has_error(NON_FIELD_ERRORS, "invalid_login")


def test_a_failed_login_is_audited_once_with_the_name_tried(client):
    before = records("login.failed").count()
    log_in(client, "wenshui-editor", "Wrong-pass-1", REMOTE_ADDR="10.9.9.9")
    assert records("login.failed").count() == before + 1
    entry = records("login.failed").first()
    assert (entry.actor_name, entry.success, entry.source_address) == ("wenshui-editor", False, "10.9.9.9")


def test_an_inactive_user_gets_the_same_answer_as_a_wrong_password(client, make_user):
    user = make_user("province", is_active=False)
    response = log_in(client, user.username, "Pass-1234x")
    assert response.context["form"].has_error(NON_FIELD_ERRORS, "invalid_login")


def test_logging_out_ends_the_session_and_is_audited(client):
    log_in(client, "wenshui-editor")
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert client.get("/").status_code == 302
    entry = records("logout").first()
    assert entry.actor.username == "wenshui-editor"
    assert not LoginSession.objects.filter(user=entry.actor).exists()


def test_ten_failures_lock_the_account_even_for_the_right_password(client):
    for address in ("10.0.0.1", "10.0.0.11"):  # five from one address lock that address
        for _ in range(5):
            log_in(client, "wenshui-viewer", "Wrong-pass-1", REMOTE_ADDR=address)
    response = log_in(client, "wenshui-viewer", REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 429
    assert "30" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
    assert records("login.lockout").filter(actor_name="wenshui-viewer").count() == 2  # the first address, the account


def test_four_failures_do_not_lock(client):
    for _ in range(4):
        log_in(client, "wenshui-viewer", "Wrong-pass-1")
    assert log_in(client, "wenshui-viewer").status_code == 302


def test_five_failures_from_one_address_lock_that_address_for_every_account(client):
    for number in range(5):
        log_in(client, f"guess{number}", "Wrong-pass-1", REMOTE_ADDR="10.0.0.66")
    assert log_in(client, "wenshui-editor", REMOTE_ADDR="10.0.0.66").status_code == 429
    assert log_in(client, "wenshui-editor", REMOTE_ADDR="10.0.0.67").status_code == 302


def test_a_lockout_looks_the_same_for_an_unknown_account(client):
    for address in ("10.0.0.3", "10.0.0.13"):
        for _ in range(5):
            log_in(client, "no-such-person", "Wrong-pass-1", REMOTE_ADDR=address)
    unknown = log_in(client, "no-such-person", "Wrong-pass-1", REMOTE_ADDR="10.0.0.4")
    for address in ("10.0.0.5", "10.0.0.15"):
        for _ in range(5):
            log_in(client, "wenshui-viewer", "Wrong-pass-1", REMOTE_ADDR=address)
    known = log_in(client, "wenshui-viewer", "Wrong-pass-1", REMOTE_ADDR="10.0.0.6")
    assert unknown.status_code == known.status_code == 429
    assert main_part(unknown) == main_part(known)


def test_a_lockout_ends_after_thirty_minutes(client):
    for _ in range(5):
        log_in(client, "wenshui-viewer", "Wrong-pass-1", REMOTE_ADDR="10.0.0.7")
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time.replace(year=2000))
    assert log_in(client, "wenshui-viewer", REMOTE_ADDR="10.0.0.8").status_code == 302


def main_part(response):
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


def age_session(client, **seconds_ago):
    store = client.session
    for key, ago in seconds_ago.items():
        store[key] = time.time() - ago
    store.save()


def test_thirty_idle_minutes_end_the_session(client):
    log_in(client, "wenshui-editor")
    age_session(client, **{session.LAST_SEEN: 31 * 60})
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert client.get("/").status_code == 302
    assert records("logout").first().message == "idle"


def test_activity_within_thirty_minutes_keeps_the_session(client):
    log_in(client, "wenshui-editor")
    age_session(client, **{session.LAST_SEEN: 29 * 60})
    assert client.get("/").status_code == 200
    assert time.time() - client.session[session.LAST_SEEN] < 60


def test_a_session_ends_at_its_absolute_lifetime_even_when_busy(client, settings):
    log_in(client, "wenshui-editor")
    age_session(client, **{session.LOGIN_AT: settings.ZONELEDGER_SESSION_MAX_HOURS * 3600 + 1, session.LAST_SEEN: 0})
    assert client.get("/").status_code == 302
    assert records("logout").first().message == "lifetime"


def test_an_htmx_request_after_a_timeout_gets_a_full_page_redirect(client):
    log_in(client, "wenshui-editor")
    age_session(client, **{session.LAST_SEEN: 31 * 60})
    response = client.get("/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith(LOGIN)


def test_a_logged_in_user_is_sent_on_from_the_login_page(client):
    log_in(client, "wenshui-editor")
    assert client.get(LOGIN)["Location"] == "/"


def test_user_names_are_case_sensitive_and_exact(client):
    assert User.objects.filter(username="wenshui-editor").exists()
    assert log_in(client, "WENSHUI-EDITOR").status_code == 200


def test_logging_in_gives_a_new_session_key(client):
    client.get(LOGIN)
    store = client.session
    store["before_login"] = True
    store.save()
    before = store.session_key
    log_in(client, "wenshui-editor")
    assert client.session.session_key != before
