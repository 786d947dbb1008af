"""Out-of-scope probes: a signed-in user's 404s on the product's pages are audited, held back past a limit (429 in
their language, audited once), and shown to the auditor; 404s that say nothing of another zone are not recorded."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.security.sessions import log_in
from zoneledger.accounts.models import User
from zoneledger.audit.models import AuditRecord
from zoneledger.projects.models import Project

pytestmark = pytest.mark.django_db
LIMIT = 3


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.ZONELEDGER_PROBE_LIMIT, settings.ZONELEDGER_PROBE_WINDOW_MINUTES = LIMIT, 10


@pytest.fixture
def prober(client):
    user = User.objects.get(username="wenshui-editor")
    log_in(client, user)
    return user


def elsewhere():
    """Projects of other zones than 文水's, as a 文水 user would try their ids."""
    return Project.objects.exclude(zone__name="文水经济开发区").order_by("pk")


def own_project():
    return Project.objects.filter(zone__name="文水经济开发区").first()


def probes(user, action="access.not_found"):
    return AuditRecord.objects.filter(actor=user, action=action)


def test_another_zone_s_project_is_a_404_and_the_probe_is_audited(client, prober):
    target = elsewhere().first()
    url = reverse("projects:project_detail", args=[target.pk])

    assert client.get(url).status_code == 404

    entry = probes(prober).get()
    assert (entry.success, entry.message, entry.source_address) == (False, f"GET {url}", "127.0.0.1")
    assert entry.province == "140000"  # in the prober's province's chain, so their province's auditors see it


def test_a_missing_id_is_audited_alike(client, prober):
    missing = Project.objects.order_by("-pk").first().pk + 1000
    assert client.get(reverse("projects:project_edit", args=[missing])).status_code == 404
    assert probes(prober).count() == 1


@pytest.mark.parametrize("path", ["/favicon.ico", "/static/no-such-file.css", "/wp-login.php", "/projects/abc/"])
def test_an_address_no_page_has_is_not_recorded(client, prober, path):
    before = AuditRecord.objects.count()
    assert client.get(path).status_code == 404
    assert AuditRecord.objects.count() == before


def test_anonymous_404s_are_not_recorded(client):
    before = AuditRecord.objects.count()
    assert client.get("/no-such-page/").status_code == 404
    assert client.get(reverse("projects:project_detail", args=[elsewhere().first().pk])).status_code == 302
    assert AuditRecord.objects.count() == before


def test_past_the_limit_the_user_is_held_back_in_their_language_and_it_is_audited_once(client, prober):
    ids = list(elsewhere().values_list("pk", flat=True)[: LIMIT + 3])
    answers = [client.get(reverse("projects:project_detail", args=[pk])).status_code for pk in ids]

    assert answers == [404] * LIMIT + [429] * 3
    held = client.get(reverse("projects:project_detail", args=[own_project().pk]))  # even one's own record …
    assert held.status_code == 429
    assert "暂停" in held.content.decode()  # "held back", in the default language
    assert 0 < int(held["Retry-After"]) <= 600
    assert client.get(reverse("projects:project_list")).status_code == 200  # … but the ledger's list works
    assert probes(prober).count() == LIMIT  # the held-back requests are not each recorded
    limited = probes(prober, "access.probes_limited").get()
    assert limited.after["not_found"] == LIMIT
    assert limited.success is False


def test_the_held_back_page_speaks_english_to_an_english_user(client, prober):
    client.cookies["django_language"] = "en"
    for pk in elsewhere().values_list("pk", flat=True)[: LIMIT + 1]:
        response = client.get(reverse("projects:project_detail", args=[pk]))
    assert response.status_code == 429
    assert "held back" in response.content.decode()


def test_an_htmx_probe_past_the_limit_gets_the_message_alone(client, prober):
    for pk in elsewhere().values_list("pk", flat=True)[:LIMIT]:
        client.get(reverse("projects:project_detail", args=[pk]))
    response = client.get(
        reverse("projects:project_detail", args=[elsewhere().last().pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 429
    assert b"<html" not in response.content
    assert b"probes-held-back" in response.content


def test_logging_in_again_does_not_reset_the_count(client, prober):
    for pk in elsewhere().values_list("pk", flat=True)[:LIMIT]:
        client.get(reverse("projects:project_detail", args=[pk]))
    client.logout()
    log_in(client, prober)

    assert client.get(reverse("projects:project_detail", args=[elsewhere().last().pk])).status_code == 429
    assert probes(prober, "access.probes_limited").count() == 1


def test_after_the_window_the_user_may_open_records_again(client, prober, monkeypatch):
    for pk in elsewhere().values_list("pk", flat=True)[: LIMIT + 1]:
        client.get(reverse("projects:project_detail", args=[pk]))
    later = timezone.now() + timedelta(minutes=11)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert client.get(reverse("projects:project_detail", args=[own_project().pk])).status_code == 200
    assert client.get(reverse("projects:project_detail", args=[elsewhere().last().pk])).status_code == 404
    assert probes(prober).count() == LIMIT + 1  # counted afresh


def test_the_auditor_finds_the_probes_and_the_hold_on_the_audit_page(client, prober):
    for pk in elsewhere().values_list("pk", flat=True)[: LIMIT + 1]:
        client.get(reverse("projects:project_detail", args=[pk]))
    log_in(client, User.objects.get(username="auditor"))

    page = client.get(reverse("audit:record_list"))
    response = client.get(reverse("audit:record_list"), {"action": "access."})

    assert f'href="{reverse("audit:record_list")}?action=access."' in page.content.decode()
    shown = {record.action for record in response.context["page"]}
    assert {"access.not_found", "access.probes_limited"} <= shown
    assert "超出范围" in response.content.decode()  # the action's label, not its code
