"""Issue 20, authentication: failures count per account and per client address, whoever else logs in meanwhile,
and behind the reverse proxy the client's address is the one the proxy names, not the proxy's own."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.security.sessions import log_in as as_admin
from zoneledger.accounts.choices import Role
from zoneledger.accounts.models import LoginSession, User
from zoneledger.accounts.services import own_failures_clear
from zoneledger.audit.models import AuditRecord
from zoneledger.core.addresses import client_address

pytestmark = pytest.mark.django_db
PASSWORD = "Demo-2024-zl"
LOGIN = reverse("accounts:login")
PROXY = "10.0.0.1"
USERS = reverse("accounts:user_list")
SECURITY = reverse("accounts:security")


def log_in(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def through_proxy(client_ip):
    """What a request looks like after the documented nginx site: from the proxy, the client in X-Forwarded-For."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": client_ip}


@pytest.fixture
def behind_proxy(settings):
    settings.ZONELEDGER_PROXY_HEADER = "X-Forwarded-For"
    settings.ZONELEDGER_TRUSTED_PROXIES = [PROXY]


def test_one_s_own_successful_log_in_does_not_reset_a_victim_s_failures_from_the_same_address(client):
    for address in ("10.0.0.90", "10.0.0.91"):  # an account is locked at ten failures: one address stops at five
        for _ in range(4):
            assert log_in(client, "wenshui-viewer", "Wrong-pass-1", REMOTE_ADDR=address).status_code == 200
        assert log_in(client, "wenshui-editor", REMOTE_ADDR=address).status_code == 302  # the attacker's own account
        client.post(reverse("accounts:logout"))
    assert log_in(client, "wenshui-viewer", "Wrong-pass-1", REMOTE_ADDR="10.0.0.93").status_code == 200
    assert log_in(client, "wenshui-viewer", "Wrong-pass-1", REMOTE_ADDR="10.0.0.93").status_code == 429  # the tenth
    assert AuditRecord.objects.filter(action="login.lockout", actor_name="wenshui-viewer").exists()


def test_a_log_in_with_no_failures_behind_it_records_no_release(client):
    assert log_in(client, "wenshui-viewer", REMOTE_ADDR="10.0.0.96").status_code == 302
    assert not AuditRecord.objects.filter(action="lockout.release").exists()


@pytest.mark.parametrize("username", ["", "no-such-account"])
def test_clearing_the_failures_of_a_blank_or_unknown_name_clears_nothing(username):
    AccessAttempt.objects.create(
        username=username, ip_address="10.0.0.97", user_agent="", get_data="", post_data="", failures_since_start=3
    )
    before = list(AccessAttempt.objects.values_list("username", "failures_since_start"))

    assert own_failures_clear(username=username) == 0

    assert list(AccessAttempt.objects.values_list("username", "failures_since_start")) == before
    assert not AuditRecord.objects.filter(action="lockout.release").exists()


def test_sixteen_failures_between_successes_lock_the_victim(client):
    """The probe's pattern: four guesses, one log-in of one's own, and again; the victim is locked at the fifth."""
    answers = []
    for _ in range(4):
        for _ in range(4):
            answers.append(log_in(client, "wenshui-viewer", "Wrong-pass-1", REMOTE_ADDR="10.0.0.92").status_code)
        log_in(client, "lvliang-viewer", REMOTE_ADDR="10.0.0.92")
        client.post(reverse("accounts:logout"))
    assert answers[:4] == [200] * 4
    assert set(answers[4:]) == {429}


def test_a_successful_log_in_still_clears_one_s_own_failures(client):
    for _ in range(4):
        log_in(client, "wenshui-viewer", "Wrong-pass-1", REMOTE_ADDR="10.0.0.94")
    assert log_in(client, "wenshui-viewer", REMOTE_ADDR="10.0.0.94").status_code == 302
    viewer = User.objects.get(username="wenshui-viewer")
    assert not AccessAttempt.objects.filter(username="wenshui-viewer").exists()
    entry = AuditRecord.objects.get(action="lockout.release")  # through the accounts service, audited
    assert (entry.actor, entry.object_id, entry.after) == (
        viewer,
        str(viewer.pk),
        {"username": "wenshui-viewer", "ip_address": "", "rows": 1},
    )
    client.post(reverse("accounts:logout"))
    for _ in range(4):
        log_in(client, "wenshui-viewer", "Wrong-pass-1", REMOTE_ADDR="10.0.0.95")
    assert log_in(client, "wenshui-viewer", REMOTE_ADDR="10.0.0.95").status_code == 302


def test_behind_the_proxy_one_client_s_failures_do_not_lock_the_others(client, behind_proxy):
    for number in range(5):
        log_in(client, f"guess{number}", "Wrong-pass-1", **through_proxy("172.16.5.5"))
    assert log_in(client, "wenshui-editor", **through_proxy("172.16.5.5")).status_code == 429
    assert log_in(client, "wenshui-editor", **through_proxy("172.16.5.6")).status_code == 302


def test_behind_the_proxy_the_audit_and_the_session_list_have_the_client_s_address(client, behind_proxy):
    log_in(client, "wenshui-editor", **through_proxy("172.16.7.7"))
    entry = AuditRecord.objects.filter(action="login").first()
    assert entry.source_address == "172.16.7.7"
    assert LoginSession.objects.get(user=entry.actor).source_address == "172.16.7.7"


def test_the_header_is_not_believed_from_an_address_that_is_not_the_proxy(client, behind_proxy):
    for number in range(5):
        forged = {"REMOTE_ADDR": "10.0.0.77", "HTTP_X_FORWARDED_FOR": f"1.2.3.{number}"}
        log_in(client, f"guess{number}", "Wrong-pass-1", **forged)
    assert log_in(client, "wenshui-editor", REMOTE_ADDR="10.0.0.77", HTTP_X_FORWARDED_FOR="1.2.3.9").status_code == 429


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "172.16.1.1"}, "172.16.1.1"),
        # The client may send its own X-Forwarded-For; the proxy appends what it saw: the right-most untrusted wins.
        ({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "6.6.6.6, 172.16.1.2"}, "172.16.1.2"),
        # A second trusted proxy in the chain is skipped.
        ({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "172.16.1.3, 10.0.0.2"}, "172.16.1.3"),
        ({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "2001:db8::7"}, "2001:db8::7"),
        # No header, or rubbish where the proxy's entry should be: the proxy's own address.
        ({"REMOTE_ADDR": PROXY}, PROXY),
        ({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "not-an-address"}, PROXY),
        # Not from a trusted proxy: the header is ignored.
        ({"REMOTE_ADDR": "10.9.9.9", "HTTP_X_FORWARDED_FOR": "172.16.1.4"}, "10.9.9.9"),
    ],
)
def test_the_client_address_is_read_from_the_right_of_the_trusted_chain(settings, meta, expected):
    settings.ZONELEDGER_PROXY_HEADER = "X-Forwarded-For"
    settings.ZONELEDGER_TRUSTED_PROXIES = [PROXY, "10.0.0.2/32"]
    request = RequestFactory().get("/", **meta)
    assert client_address(request) == expected


def test_without_a_proxy_header_the_connection_s_address_is_the_client(settings):
    settings.ZONELEDGER_PROXY_HEADER = ""
    settings.ZONELEDGER_TRUSTED_PROXIES = [PROXY]
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="172.16.1.1")
    assert client_address(request) == PROXY


# Issue 20, L2: nobody locks an administrator out from one address; the two administrators unlock each other


@pytest.fixture
def secadmin(make_user):
    return make_user("province", Role.SECADMIN, username="secadmin-zhang")


@pytest.fixture
def sysadmin(make_user):
    return make_user("province", Role.SYSADMIN, username="sysadmin-li")


def fail(client, username, address, times=1):
    return [log_in(client, username, "Wrong-pass-1", REMOTE_ADDR=address).status_code for _ in range(times)]


def test_naming_the_security_administrator_from_one_address_does_not_lock_them_out(client, secadmin):
    assert fail(client, secadmin.username, "10.0.1.1", times=7) == [200] * 4 + [429] * 3  # the address is locked

    assert log_in(client, secadmin.username, "Pass-1234x", REMOTE_ADDR="10.0.1.2").status_code == 302
    assert not AuditRecord.objects.filter(action="login.lockout", actor_name=secadmin.username, success=True).exists()


def test_ten_failures_from_two_addresses_lock_an_administrator_s_account_even_for_the_right_password(client, secadmin):
    fail(client, secadmin.username, "10.0.1.3", times=5)
    assert fail(client, secadmin.username, "10.0.1.4", times=5) == [200] * 4 + [429]

    assert log_in(client, secadmin.username, "Pass-1234x", REMOTE_ADDR="10.0.1.5").status_code == 429
    assert AuditRecord.objects.filter(action="login.lockout", actor_name=secadmin.username).exists()


def test_tries_refused_while_an_address_is_locked_do_not_count_against_the_account(client, secadmin):
    fail(client, secadmin.username, "10.0.1.6", times=50)
    fail(client, secadmin.username, "10.0.1.7", times=4)

    assert log_in(client, secadmin.username, "Pass-1234x", REMOTE_ADDR="10.0.1.8").status_code == 302


def test_after_each_failure_an_address_waits_twice_as_long_for_its_next_try(client, settings):
    settings.ZONELEDGER_LOGIN_DELAY_SECONDS = 1
    address = "10.0.1.9"
    pages = []
    for failures in range(1, 5):
        assert fail(client, "wenshui-viewer", address) == [200]  # a checked try: a failure
        early = log_in(client, "wenshui-viewer", REMOTE_ADDR=address)  # the right password, too soon: not checked
        assert early.status_code == 429
        pages.append(early)
        assert AccessAttempt.objects.get(ip_address=address).failures_since_start == failures
        # The wait is over: as if the last failure had been that long ago.
        AccessAttempt.objects.filter(ip_address=address).update(
            attempt_time=F("attempt_time") - timedelta(seconds=2 ** (failures - 1))
        )
    assert [page["Retry-After"] for page in pages] == ["1", "2", "4", "8"]
    assert "8" in main_part(pages[-1])
    assert log_in(client, "wenshui-viewer", REMOTE_ADDR=address).status_code == 302  # the right password, in time
    stranger = Client()
    fail(stranger, "no-such-person", "10.0.1.10")  # the same page for an account that does not exist
    assert main_part(log_in(stranger, "no-such-person", REMOTE_ADDR="10.0.1.10")) == main_part(pages[0])


def main_part(response):
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


def lock_account(client, user):
    fail(client, user.username, "10.0.2.1", times=5)
    fail(client, user.username, "10.0.2.2", times=5)
    assert log_in(client, user.username, "Pass-1234x", REMOTE_ADDR="10.0.2.3").status_code == 429


@pytest.mark.parametrize(
    ("unlocker", "locked", "page"), [("sysadmin", "secadmin", USERS), ("secadmin", "sysadmin", SECURITY)]
)
def test_the_system_and_the_security_administrator_unlock_each_other_from_their_pages_audited(
    client, request, unlocker, locked, page
):
    unlocker, locked = request.getfixturevalue(unlocker), request.getfixturevalue(locked)
    lock_account(Client(), locked)
    as_admin(client, unlocker)

    listed = client.get(page)
    unlock = reverse("accounts:account_unlock", args=[locked.pk])
    assert f'action="{unlock}"'.encode() in listed.content
    assert client.post(unlock).status_code == 302

    assert not AccessAttempt.objects.filter(username=locked.username).exists()
    entry = AuditRecord.objects.get(action="lockout.release")
    assert (entry.actor, entry.object_id, entry.after["username"]) == (unlocker, str(locked.pk), locked.username)
    assert log_in(Client(), locked.username, "Pass-1234x", REMOTE_ADDR="10.0.2.3").status_code == 302


def test_the_system_administrator_unlocks_the_security_administrator_only(client, sysadmin, secadmin):
    viewer = User.objects.get(username="wenshui-viewer")
    lock_account(Client(), viewer)
    as_admin(client, sysadmin)

    assert client.post(reverse("accounts:account_unlock", args=[viewer.pk])).status_code == 403
    assert client.post(reverse("accounts:account_unlock", args=[sysadmin.pk])).status_code == 403
    assert AccessAttempt.objects.filter(username="wenshui-viewer").exists()
    assert not AuditRecord.objects.filter(action="lockout.release").exists()
