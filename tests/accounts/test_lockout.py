"""Issue 20, authentication: failures count per account and per client address, whoever else logs in meanwhile,
and behind the reverse proxy the client's address is the one the proxy names, not the proxy's own."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from zoneledger.accounts.models import LoginSession
from zoneledger.audit.models import AuditRecord
from zoneledger.core.addresses import client_address

pytestmark = pytest.mark.django_db
PASSWORD = "Demo-2024-zl"
LOGIN = reverse("accounts:login")
PROXY = "10.0.0.1"


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
    for _ in range(4):
        assert log_in(client, "wenshui-viewer", "Wrong-pass-1", REMOTE_ADDR="10.0.0.90").status_code == 200
    assert log_in(client, "wenshui-editor", REMOTE_ADDR="10.0.0.90").status_code == 302  # the attacker's own account
    client.post(reverse("accounts:logout"))
    assert log_in(client, "wenshui-viewer", "Wrong-pass-1", REMOTE_ADDR="10.0.0.91").status_code == 429
    assert AuditRecord.objects.filter(action="login.lockout", actor_name="wenshui-viewer").exists()


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
