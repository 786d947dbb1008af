"""One number per label: every page that shows a figure for a scope and a date shows the figures command's number."""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.security.sessions import log_in
from zoneledger.accounts.models import User
from zoneledger.core.money import format_percent, format_yi, rate
from zoneledger.reports.presenters import today

pytestmark = pytest.mark.django_db

SCOPES = [("wenshui-editor", "文水经济开发区"), ("lvliang-reviewer", "141100"), ("province-viewer", "province")]


def command_figures(username, reference, *period, as_of):
    out = io.StringIO()
    call_command(
        "figures", "--as", username, "--scope", reference, *period, "--as-of", as_of, "--format", "json", stdout=out
    )
    return json.loads(out.getvalue())


def shown(document):
    """The command's JSON in the cells the pages show: 亿元 with two decimals, rates with one (from the counts,
    not from the JSON's two-decimal rate, which would round twice)."""
    signed, started, commissioned = document["signed"], document["started"], document["commissioned"]

    def percent(numerator, denominator):
        return format_percent(rate(numerator, denominator, places=1), 1)

    return {
        "signed_count": signed["count"],
        "signed_started": signed["started"],
        "start_rate": percent(signed["started"], signed["count"]),
        "started_count": started["count"],
        "completed_yi": format_yi(started["completed_wan"]),
        "commission_rate": percent(started["commissioned"], started["count"]),
        "commissioned_count": commissioned["count"],
        "capacity_rate": percent(commissioned["at_capacity"], commissioned["count"]),
    }


def cards(context):
    return {card["key"]: card["value"] for card in context["year_cards"]}


@pytest.mark.parametrize(("username", "reference"), SCOPES)
@pytest.mark.parametrize("as_of", ["2024-12-31", "2025-06-30"])
def test_the_dashboard_the_year_summary_and_the_command_agree_on_a_year(client, username, reference, as_of):
    log_in(client, User.objects.get(username=username))
    expected = shown(command_figures(username, reference, "--year", "2024", as_of=as_of))

    summary = client.get(reverse("reports:year_summary"), {"year": 2024, "as_of": as_of}).context
    total = {key: summary["total"]["cells"][key] for key in expected}
    dashboard = cards(client.get(reverse("reports:dashboard"), {"year": 2024, "as_of": as_of}).context)

    assert total == expected
    assert dashboard["signed"] == expected["signed_count"]
    assert dashboard["start-rate"].rstrip("%") == expected["start_rate"]
    assert dashboard["commission-rate"].rstrip("%") == expected["commission_rate"]
    assert dashboard["completed"] == expected["completed_yi"]


@pytest.mark.parametrize(("username", "reference"), SCOPES)
def test_the_round_bulletin_and_the_command_agree_on_a_round(client, username, reference):
    log_in(client, User.objects.get(username=username))
    expected = shown(command_figures(username, reference, "--round", "2024-4", as_of="2025-06-30"))

    bulletin = client.get(
        reverse("reports:round_bulletin", kwargs={"province": "140000", "year": 2024, "sequence": 4}),
        {"as_of": "2025-06-30"},
    )

    assert {key: bulletin.context["total"]["cells"][key] for key in expected} == expected


def test_every_page_counts_as_of_today_unless_a_date_is_chosen(client):
    log_in(client, User.objects.get(username="wenshui-editor"))
    pages = [
        client.get(reverse("reports:dashboard")),
        client.get(reverse("reports:year_summary"), {"year": 2024}),
        client.get(reverse("reports:round_bulletin", kwargs={"province": "140000", "year": 2024, "sequence": 4})),
    ]

    assert [page.context["as_of"] for page in pages] == [today()] * 3
    for page in pages:
        assert f"{today():%Y-%m-%d}" in page.content.decode()  # each states the date it counts to
    assert today() > date(2024, 12, 31)
