"""The ledger page keeps its results and its filter's fields under the ledger's change stamp (audit/stamp.py): a
repeat between two writes reads no project, and no write leaves a page it changed in the cache; no two orgs, query
strings or languages share a page."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zoneledger.accounts.models import User
from zoneledger.projects import services
from zoneledger.projects.models import Project, StageEvent
from zoneledger.zones.models import Zone

pytestmark = pytest.mark.django_db

LEDGER = reverse("projects:project_list")
NAME = "缓存页测试项目"


@pytest.fixture
def province_viewer(client):
    client.force_login(User.objects.get(username="province-viewer"))
    return client


@pytest.fixture
def project(wenshui_editor):
    return services.project_create(
        actor=wenshui_editor, zone=Zone.objects.get(name="文水经济开发区"), name=NAME, total_investment=Decimal(1000)
    )


def rows_of(response):
    """The ledger's rows as the page shows them (its cells' text), for comparing two answers."""
    page = response.content.decode()
    return page[page.index('<section id="ledger"') : page.index("</section>")]


def test_a_repeat_reads_no_project_and_shows_the_same_page(province_viewer):
    first = province_viewer.get(LEDGER, {"sort": "-investment"})
    with CaptureQueriesContext(connection) as queries:
        again = province_viewer.get(LEDGER, {"sort": "-investment"})

    assert rows_of(again) == rows_of(first)
    assert not [query for query in queries if "projects_project" in query["sql"]]


def test_a_stage_recorded_between_two_requests_shows_on_the_second(province_viewer, project, wenshui_editor):
    asked = {"q": NAME}
    before = province_viewer.get(LEDGER, asked)
    assert "stage-none" in rows_of(before)

    services.record_stage(actor=wenshui_editor, project=project, stage="signed", happened_on=date(2024, 5, 6))
    after = province_viewer.get(LEDGER, asked)

    assert "stage-signed" in rows_of(after)
    assert "stage-none" not in rows_of(after)


def test_a_voided_event_leaves_the_page_at_once(province_viewer, project, wenshui_editor):
    services.record_stage(actor=wenshui_editor, project=project, stage="signed", happened_on=date(2024, 5, 6))
    asked = {"q": NAME, "stage": "signed"}
    assert NAME in rows_of(province_viewer.get(LEDGER, asked))

    event = StageEvent.objects.get(project=project)
    services.void_event(actor=wenshui_editor, event=event, reason="录入错误")

    assert NAME not in rows_of(province_viewer.get(LEDGER, asked))


def signed_in(*usernames):
    """A browser for each user, every one signed in before any page is asked (a log-in is an audited write, which
    would move the change stamp between the pages compared)."""
    browsers = []
    for username in usernames:
        browser = Client()
        browser.force_login(User.objects.get(username=username))
        browsers.append(browser)
    return browsers


def test_two_orgs_never_share_a_page():
    province, zone = signed_in("province-viewer", "wenshui-viewer")

    def count(response):
        return int(re.search(r"(\d+) 个项目", rows_of(response)).group(1))

    in_province = count(province.get(LEDGER))
    in_zone = count(zone.get(LEDGER))

    assert in_province == Project.objects.filter(province_id="140000").count()
    assert in_zone == Project.objects.filter(zone__name="文水经济开发区").count() < in_province


def test_the_filter_s_choices_are_the_user_s_own():
    province, zone = signed_in("province-viewer", "wenshui-viewer")

    def zone_choices(response):
        page = response.content.decode()
        return page[page.index('name="zone"') : page.index("</select>", page.index('name="zone"'))]

    assert "孝义" in zone_choices(province.get(LEDGER))
    assert "孝义" not in zone_choices(zone.get(LEDGER))


def test_each_language_has_its_own_page(province_viewer):
    province_viewer.cookies["django_language"] = "zh-hans"
    chinese = province_viewer.get(LEDGER)
    province_viewer.cookies["django_language"] = "en"
    english = province_viewer.get(LEDGER)

    assert "个项目" in rows_of(chinese)
    assert "projects" in rows_of(english)
    assert "个项目" not in rows_of(english)


def test_the_htmx_part_is_the_same_results_as_the_page(province_viewer):
    whole = province_viewer.get(LEDGER, {"sort": "name"})
    part = province_viewer.get(LEDGER, {"sort": "name"}, headers={"HX-Request": "true"})

    assert part.content.decode().strip().startswith('<section id="ledger"')
    assert rows_of(part) == rows_of(whole)
