"""The site header's menu: each role sees the pages it may open, the current one marked, in the user's language."""

import re

import pytest
from django.test import Client
from django.utils import translation

from tests.security.sessions import log_in
from zoneledger.accounts.models import User
from zoneledger.projects.models import Project

pytestmark = pytest.mark.django_db

MENU = re.compile(r'<ul class="site-nav">(.*?)</ul>', re.S)
LINK = re.compile(r'<li><a href="([^"]+)"[^>]*>([^<]+)</a></li>')

BUSINESS = ["Dashboard", "Ledger", "Problems", "Monthly reports", "Plans", "Rounds", "Year summary", "Warnings"]


def signed_in(username):
    return log_in(Client(headers={"accept-language": "en"}), User.objects.get(username=username))


def menu_of(username, path="/"):
    response = signed_in(username).get(path)
    assert response.status_code == 200
    block = MENU.search(response.content.decode())
    return [] if block is None else LINK.findall(block[1])


def labels(username, path="/"):
    return [label for _url, label in menu_of(username, path)]


def test_a_viewer_sees_the_business_pages_and_nothing_to_review_import_or_administer():
    assert labels("province-viewer") == BUSINESS


def test_an_editor_also_imports():
    assert labels("wenshui-editor") == [*BUSINESS, "Import"]


def test_a_reviewer_gets_the_review_queue_with_its_count_fetched_after_the_page():
    assert labels("lvliang-reviewer") == [*BUSINESS[:4], "To review", *BUSINESS[4:], "Import"]
    page = signed_in("lvliang-reviewer").get("/").content.decode()
    assert re.search(
        r'<a href="/progress/review/" class="counted" hx-get="/progress/review/badge/" hx-trigger="load" '
        r'data-testid="review-link">To review</a>',
        page,
    )


def test_the_province_business_administrator_keeps_the_working_days_and_confirms_accounts():
    assert labels("province-admin")[-2:] == ["Working days", "Accounts to confirm"]


def test_a_city_administrator_has_no_working_days():
    assert "Working days" not in labels("lvliang-admin")
    assert "Accounts to confirm" in labels("lvliang-admin")


def test_the_auditor_reads_the_business_pages_and_the_audit_log():
    assert labels("auditor", "/audit/") == [*BUSINESS, "Audit log"]


def test_the_system_and_security_administrators_get_their_own_pages():
    assert labels("sysadmin", "/accounts/users/") == ["Accounts"]
    assert labels("secadmin", "/accounts/security/") == ["Security"]


def test_the_current_page_is_marked_and_a_section_covers_its_pages():
    client = signed_in("province-viewer")
    ledger = client.get("/projects/").content.decode()
    assert re.search(r'<a href="/projects/"[^>]*aria-current="page"[^>]*>Ledger<', ledger)
    assert MENU.search(ledger)[1].count('aria-current="page"') == 1
    project = Project.objects.filter(zone__name="文水经济开发区").first()
    detail = client.get(f"/projects/{project.pk}/").content.decode()
    assert re.search(r'aria-current="page"[^>]*>Ledger<', detail)
    dashboard = client.get("/").content.decode()
    assert re.search(r'aria-current="page"[^>]*>Dashboard<', dashboard)
    assert not re.search(r'aria-current="page"[^>]*>Ledger<', dashboard)


def test_the_menu_follows_the_language_of_each_request():
    client = signed_in("province-viewer")
    english = client.get("/").content.decode()
    chinese = client.get("/", headers={"accept-language": "zh-hans"}).content.decode()
    assert ">Ledger<" in english
    with translation.override("zh-hans"):
        ledger_zh = str(translation.gettext("Ledger"))
    assert ledger_zh != "Ledger"
    assert f">{ledger_zh}<" in chinese
    assert ">Ledger<" not in MENU.search(chinese)[1]


def test_someone_not_signed_in_gets_no_menu():
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    assert MENU.search(response.content.decode()) is None


def test_the_header_links_lead_to_their_pages():
    client = signed_in("wenshui-editor")
    page = client.get("/").content.decode()
    for url in re.findall(r'<a href="(/[^"]*)"', page):
        assert client.get(url).status_code == 200, url
