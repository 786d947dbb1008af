"""Reads: the API answers what the pages show, within the user's scope, money as strings of 万元."""

import json
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.helpers import assert_problem, wenshui_project, xiaoyi_project
from zoneledger.chains.models import ChainLink
from zoneledger.projects.models import Project
from zoneledger.zones.models import Zone

pytestmark = pytest.mark.django_db


def test_the_ledger_is_the_users_scope_paged_with_a_total(session_client):
    client = session_client("wenshui-viewer")
    visible = Project.objects.filter(zone__name="文水经济开发区")

    first = client.get("/api/v1/projects/?page_size=5").json()
    last = client.get(f"/api/v1/projects/?page_size=5&page={first['pages']}").json()
    everything = client.get("/api/v1/projects/?page_size=200").json()

    assert first["count"] == visible.count() == len(everything["items"])
    assert first["pages"] == -(-visible.count() // 5)
    assert {item["id"] for item in everything["items"]} == set(visible.values_list("pk", flat=True))
    assert everything["items"][:5] == first["items"]
    assert everything["items"][-len(last["items"]) :] == last["items"]
    assert client.get(f"/api/v1/projects/?page={first['pages'] + 1}").json()["items"] == []


def test_the_ledger_writes_each_project_byte_for_byte_as_its_own_address(session_client):
    link = ChainLink.objects.select_related("chain").first()
    linked = wenshui_project()
    Project.objects.filter(pk=linked.pk).update(chain=link.chain, chain_link=link, land_mu=None)
    without_enterprise = Project.objects.filter(zone__name="文水经济开发区", enterprise__isnull=True).first()
    client = session_client("wenshui-viewer")

    page = client.get("/api/v1/projects/?page_size=200")

    assert page["Content-Type"] == "application/json; charset=utf-8"
    for project in (linked, without_enterprise, *Project.objects.filter(zone__name="文水经济开发区")[:5]):
        assert client.get(f"/api/v1/projects/{project.pk}").content in page.content
    item = next(item for item in page.json()["items"] if item["id"] == linked.pk)
    assert (item["chain_link"], item["land_mu"]) == ({"id": link.pk, "name": link.name}, None)


def test_a_page_of_the_ledger_takes_the_same_queries_whatever_its_size(session_client):
    client = session_client("province-viewer")
    client.get("/api/v1/projects/?page_size=5")
    cache.clear()  # the page computed again, not answered from the cache
    with CaptureQueriesContext(connection) as small:
        client.get("/api/v1/projects/?page_size=5")
    with CaptureQueriesContext(connection) as large:
        assert len(client.get("/api/v1/projects/?page_size=200").json()["items"]) == 200

    assert len(large) == len(small)


def test_the_ledger_filters_and_sorts_as_the_page(session_client):
    client = session_client("province-viewer")
    zone = Zone.objects.get(name="文水经济开发区")

    response = client.get(f"/api/v1/projects/?zone={zone.pk}&sort=-investment&page_size=200")

    items = response.json()["items"]
    assert items
    assert {item["zone"]["id"] for item in items} == {zone.pk}
    amounts = [float(item["total_investment"]) for item in items]
    assert amounts == sorted(amounts, reverse=True)


def test_a_filter_outside_the_choices_is_refused_not_ignored(session_client):
    client = session_client("wenshui-viewer")
    other_zone = Zone.objects.get(name="孝义经济开发区")

    document = assert_problem(client.get(f"/api/v1/projects/?zone={other_zone.pk}"), 422)

    assert [error["field"] for error in document["errors"]] == ["zone"]


def test_a_project_reads_as_the_ledger_holds_it(session_client):
    project = wenshui_project()

    body = session_client("wenshui-viewer").get(f"/api/v1/projects/{project.pk}").json()

    assert body["id"] == project.pk
    assert body["name"] == project.name
    assert body["zone"] == {"id": project.zone_id, "name": project.zone.name}
    assert body["total_investment"] == f"{project.total_investment:.2f}"
    assert body["version"] == project.version
    assert body["stage"] == project.stage


def test_a_project_out_of_scope_is_404_exactly_like_a_missing_one(session_client):
    client = session_client("wenshui-viewer")

    outside = assert_problem(client.get(f"/api/v1/projects/{xiaoyi_project().pk}"), 404)
    missing = assert_problem(client.get("/api/v1/projects/999999"), 404)
    events = assert_problem(client.get(f"/api/v1/projects/{xiaoyi_project().pk}/events"), 404)

    assert outside == missing == events


def test_a_projects_events_voided_ones_too(session_client):
    project = wenshui_project()

    events = session_client("wenshui-viewer").get(f"/api/v1/projects/{project.pk}/events").json()

    assert [event["id"] for event in events] == list(
        project.events.order_by("happened_on", "id").values_list("pk", flat=True)
    )
    assert all(event["happened_on"][4] == "-" for event in events)


def test_rounds_and_zones_are_the_users(session_client):
    client = session_client("lvliang-viewer")

    rounds = client.get("/api/v1/rounds/").json()
    zones = client.get("/api/v1/zones/").json()
    one = client.get(f"/api/v1/rounds/{rounds[0]['id']}").json()

    assert rounds
    assert {item["province"]["code"] for item in rounds} == {"140000"}
    assert one == rounds[0]
    assert {zone["city"]["code"] for zone in zones} == {"141100"}
    elsewhere = Zone.objects.exclude(city_id="141100").first()
    assert_problem(client.get(f"/api/v1/zones/{elsewhere.pk}"), 404)


@pytest.mark.parametrize(
    "options",
    [
        {"scope": "province", "year": "2024"},
        {"scope": "141100", "round": "2024-1", "as_of": "2024-12-31"},
        {"scope": "province", "year": "2024", "known_at": "2025-01-31T12:00:00+08:00", "by": "city"},
        {"scope": "province", "year": "2024", "by": "zone"},
    ],
)
def test_the_figures_are_the_commands_document(session_client, options):
    """The contract: the same scope, period and moments give exactly `zoneledger figures --format json`."""
    out = StringIO()
    arguments = [f"--{name.replace('_', '-')}={value}" for name, value in options.items()]
    call_command("figures", *arguments, "--as=province-viewer", "--format=json", stdout=out)

    query = "&".join(f"{name}={value}" for name, value in options.items()).replace("+", "%2B")
    response = session_client("province-viewer").get(f"/api/v1/figures/?{query}")

    assert response.status_code == 200, response.content
    assert response.json() == json.loads(out.getvalue())


def test_the_figures_endpoint_gives_the_seeds_golden_numbers_as_the_command_does(session_client):
    """DOMAIN §6 through the API: 文水 2024 and the province's round 2023-4, equal to the command's document."""
    client = session_client("province-viewer")
    golden = {}
    for options in (
        {"scope": "文水经济开发区", "year": "2024", "as_of": "2024-12-31"},
        {"scope": "province", "round": "2023-4", "as_of": "2024-12-31"},
    ):
        out = StringIO()
        arguments = [f"--{name.replace('_', '-')}={value}" for name, value in options.items()]
        call_command("figures", *arguments, "--as=province-viewer", "--format=json", stdout=out)
        response = client.get("/api/v1/figures/", options)
        assert response.status_code == 200, response.content
        assert response.json() == json.loads(out.getvalue())
        golden[options["scope"]] = response.json()

    wenshui = golden["文水经济开发区"]
    assert wenshui["signed"] == {"count": 7, "investment_wan": "105500.00", "started": 3, "start_rate": "42.86"}
    assert (wenshui["started"]["count"], wenshui["started"]["completed_wan"]) == (4, "33100.00")
    assert (wenshui["commissioned"]["count"], wenshui["commissioned"]["capacity_rate"]) == (3, "100.00")
    province = golden["province"]
    assert (province["signed"]["count"], province["started"]["count"], province["commissioned"]["count"]) == (
        233,
        225,
        225,
    )


def test_the_figures_default_to_the_users_own_scope(session_client):
    body = session_client("wenshui-viewer").get("/api/v1/figures/?year=2024").json()

    assert body["scope"]["name"] == "文水经济开发区"


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("year=2024&scope=141000", 404),  # another city's: as if it did not exist
        ("round=2099-1", 404),
        ("year=24x", 422),
        ("round=2024", 422),
        ("", 422),
        ("year=2024&round=2024-1", 422),
        ("year=2024&as_of=2024-13-01", 422),
        ("year=2024&known_at=yesterday", 422),
        ("year=2024&by=county", 422),
    ],
)
def test_figures_refused_with_a_problem(session_client, query, status):
    assert_problem(session_client("lvliang-viewer").get(f"/api/v1/figures/?{query}"), status)
