"""The dashboard, the year summary and the warnings pages: figures from the figures functions, scope, bad input."""

import io
import json
from datetime import date

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ProjectFactory, RoundFactory, ZoneFactory
from tests.security.sessions import log_in
from zoneledger.accounts.models import User
from zoneledger.accounts.scope import user_scope_in
from zoneledger.audit.models import AuditRecord
from zoneledger.core.money import format_percent
from zoneledger.projects.choices import Stage
from zoneledger.projects.models import StageEvent
from zoneledger.reports import figures
from zoneledger.zones.models import Zone

pytestmark = pytest.mark.django_db

WENSHUI_2024 = {"year": 2024, "as_of": "2024-12-31"}


def as_user(client, username):
    return log_in(client, User.objects.get(username=username))


def chart(response, name):
    return response.context["charts"][name]


# -- dashboard ---------------------------------------------------------------------------------------------------


def test_the_dashboard_shows_the_seeds_figures_for_wenshui_2024(client):
    response = as_user(client, "wenshui-editor").get(reverse("reports:dashboard"), WENSHUI_2024)

    cards = {card["key"]: card for card in response.context["year_cards"]}
    assert (cards["signed"]["value"], cards["signed"]["detail"]) == (7, "10.55 亿元")
    assert (cards["started"]["value"], cards["started"]["detail"]) == (4, "16.74 亿元")
    assert (cards["commissioned"]["value"], cards["commissioned"]["detail"]) == (3, "5.65 亿元")
    assert (cards["start-rate"]["value"], cards["start-rate"]["detail"]) == ("42.9%", "签约 7 个中已开工 3 个")
    assert cards["completed"]["value"] == "3.31"


def test_the_dashboard_charts_come_from_the_figures_functions(client):
    user = User.objects.get(username="lvliang-reviewer")
    scope = user_scope_in(user, "141100")
    period = figures.Period.for_year(2024)

    response = as_user(client, "lvliang-reviewer").get(reverse("reports:dashboard"), WENSHUI_2024)

    batch = figures.batch_figures(user=user, scope=scope, period=period, as_of=date(2024, 12, 31))
    rows = figures.breakdown(user=user, scope=scope, period=period, by="zone", as_of=date(2024, 12, 31))
    assert [step["value"] for step in chart(response, "funnel")["data"]] == [
        batch.signed.count,
        batch.started.count,
        batch.commissioned.count,
        batch.commissioned.at_capacity,
    ]
    # Each step after the first says which share of the batch before it went on: 开工率, 投产率, 达产率.
    start_rate = f"{format_percent(batch.signed.start_rate, 1)}%"
    assert start_rate in chart(response, "funnel")["data"][1]["name"]
    assert f"{format_percent(batch.started.commission_rate, 1)}%" in chart(response, "funnel")["data"][2]["name"]
    assert chart(response, "bars")["categories"] == [row.name for row in rows]
    assert chart(response, "bars")["series"][0]["data"] == [row.signed.count for row in rows]
    assert chart(response, "bars")["rows"][0] == (
        rows[0].name,
        [rows[0].signed.count, rows[0].started.count, rows[0].commissioned.count],
    )
    assert f'<th scope="row">{rows[0].name}</th>' in response.content.decode()


def test_the_monthly_line_has_one_point_per_month_up_to_the_as_of_date(client):
    response = as_user(client, "wenshui-editor").get(
        reverse("reports:dashboard"), {"year": 2024, "as_of": "2024-06-30"}
    )

    months = chart(response, "months")
    assert months["categories"] == [f"2024-{month:02d}" for month in range(1, 7)]
    assert len(months["series"][0]["data"]) == 6


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("province-viewer", lambda: {"吕梁市", "太原市"}),
        ("lvliang-viewer", lambda: {"文水经济开发区", "孝义经济开发区"}),
        ("wenshui-viewer", lambda: {"2024-1", "2024-2", "2024-3", "2024-4"}),
    ],
)
def test_the_bars_are_by_city_for_the_province_by_zone_for_a_city_by_round_for_a_zone(client, username, expected):
    response = as_user(client, username).get(reverse("reports:dashboard"), WENSHUI_2024)

    assert expected() <= set(chart(response, "bars")["categories"])


def test_a_citys_bars_hold_only_its_own_zones(client):
    city = as_user(client, "lvliang-viewer").get(reverse("reports:dashboard"), WENSHUI_2024)

    assert set(chart(city, "bars")["categories"]) <= set(
        Zone.objects.filter(city_id="141100").values_list("name", flat=True)
    )


def test_the_chart_data_is_in_json_script_and_the_page_loads_charts_js(client):
    response = as_user(client, "wenshui-editor").get(reverse("reports:dashboard"), WENSHUI_2024)

    body = response.content.decode()
    assert '<script id="chart-funnel" type="application/json">' in body
    assert 'data-chart="chart-bars"' in body
    assert "js/charts.js" in body
    assert "vendor/echarts/echarts.min.js" in body


def test_the_warning_counts_link_to_the_warnings_page(client):
    response = as_user(client, "province-viewer").get(reverse("reports:dashboard"), {"as_of": "2024-12-31"})

    warnings = figures.signed_not_started(
        user=User.objects.get(username="province-viewer"),
        scope=user_scope_in(User.objects.get(username="province-viewer"), "province"),
        as_of=date(2024, 12, 31),
    )
    counts = response.context["warning_counts"]
    assert counts["red"] == sum(warning.level == "red" for warning in warnings)
    assert counts["yellow"] == sum(warning.level == "yellow" for warning in warnings)
    assert f"{reverse('reports:warnings')}?level=red" in response.content.decode()


def test_a_bad_filter_value_is_named_and_the_page_still_answers(client):
    response = as_user(client, "wenshui-editor").get(
        reverse("reports:dashboard"), {"year": "twenty", "as_of": "2024-02-30"}
    )

    assert response.status_code == 200
    form = response.context["filter_form"]
    assert set(form.errors) == {"year", "as_of"}
    assert response.context["as_of"] == date.today()


def test_the_dashboard_needs_a_log_in(client):
    response = client.get(reverse("reports:dashboard"))

    assert response.status_code == 302
    assert "login" in response.url


def dashboard_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reports:dashboard"), WENSHUI_2024)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("username", ["province-viewer", "lvliang-viewer", "wenshui-viewer"])
def test_the_dashboards_queries_do_not_grow_with_the_ledger(client, username):
    as_user(client, username)
    before = dashboard_queries(client)
    round_ = RoundFactory(year=2024, sequence=9, held_on=date(2024, 12, 20))
    for _number in range(5):
        zone = ZoneFactory()
        for _project in range(3):
            project = ProjectFactory(zone=zone)
            StageEvent.objects.create(project=project, stage=Stage.SIGNED, happened_on=date(2024, 12, 20), round=round_)
    wenshui = Zone.objects.get(name="文水经济开发区")
    for _project in range(3):
        project = ProjectFactory(zone=wenshui)
        StageEvent.objects.create(project=project, stage=Stage.SIGNED, happened_on=date(2024, 12, 20), round=round_)

    after = dashboard_queries(client)

    # A zone's bars read one figure per round of the year (the round, then its figures); the new round adds exactly
    # those two queries.
    assert after == before + (2 if username == "wenshui-viewer" else 0)


@pytest.mark.parametrize(("username", "queries"), [("province-viewer", 38), ("lvliang-viewer", 32)])
def test_the_dashboard_query_count_is_pinned(client, django_assert_num_queries, username, queries):
    as_user(client, username)

    # Session, user with their org (accounts.backends); the scope; the latest round, the one before and the
    # next; its figures, the year's and the year before's (year on year); the scope's year target; warnings;
    # months (the year before's December too, in January only: month on month); breakdown; approvals done by
    # zone. The to-dos: the calendar (1), problems by colour, overdue milestones, projects 手续未齐, 低于序时进度 (the
    # plans; their approved amounts only when there are plans), 未按时填报 (the late projects; their versions and
    # counted rows only when one has a draft: the demo has none), the user's projects (an editor's month and a
    # reviewer's queue come on top, tested in test_cockpit). The rankings: each level now and at the previous
    # round (cities and zones for a province, zones for a city), zones' kinds, the annual plans on each of the
    # two days (their approved amounts only when there are plans: the demo has none); a province's city names
    # for its tiles and the zones placed on them. Each of the figures, breakdowns and rankings reads its period's
    # rounds first (reports.figures._in_rounds): eight of them for a province, six for a city.
    with django_assert_num_queries(queries):
        client.get(reverse("reports:dashboard"))


# -- year summary ------------------------------------------------------------------------------------------------


def test_the_year_summary_writes_the_seeds_sentences(client):
    response = as_user(client, "wenshui-editor").get(reverse("reports:year_summary"), WENSHUI_2024)

    assert response.context["sentences"] == [
        '2024年"签约一批"项目共7个，总投资10.55亿元，已开工3个，开工率43%。',
        '2024年"开工一批"项目共4个，总投资16.74亿元，完成投资3.31亿元。',
        '2024年"投产一批"项目共3个，总投资5.65亿元，达产率100%。',
    ]


def test_the_year_summary_of_a_city_breaks_down_by_zone(client):
    response = as_user(client, "lvliang-reviewer").get(
        reverse("reports:year_summary"), {"scope": "141100", **WENSHUI_2024}
    )

    names = [row["name"] for row in response.context["rows"]]
    assert "文水经济开发区" in names
    assert set(names) <= set(Zone.objects.filter(city_id="141100").values_list("name", flat=True))
    assert response.context["total"]["cells"]["signed_count"] == sum(
        row["cells"]["signed_count"] for row in response.context["rows"]
    )


def test_the_as_of_date_changes_the_figures(client):
    as_user(client, "wenshui-editor")

    early = client.get(reverse("reports:year_summary"), {"year": 2024, "as_of": "2024-03-31"})
    late = client.get(reverse("reports:year_summary"), WENSHUI_2024)

    assert early.context["total"]["cells"]["signed_count"] < late.context["total"]["cells"]["signed_count"]


@pytest.mark.parametrize(
    ("username", "scope"),
    [("wenshui-editor", "孝义经济开发区"), ("wenshui-editor", "141100"), ("lvliang-reviewer", "province")],
)
def test_a_scope_outside_the_users_view_is_not_found(client, username, scope):
    response = as_user(client, username).get(reverse("reports:year_summary"), {"scope": scope})

    assert response.status_code == 404


def test_the_scope_picker_offers_only_what_the_user_sees(client):
    response = as_user(client, "lvliang-viewer").get(reverse("reports:year_summary"))

    body = response.content.decode()
    assert 'value="141100"' in body
    assert 'value="孝义经济开发区"' in body
    assert 'value="province"' not in body
    assert "临汾经济开发区" not in body


def test_the_year_summary_prints_with_the_print_stylesheet(client):
    response = as_user(client, "wenshui-editor").get(reverse("reports:year_summary"))

    assert 'css/print.css" media="print"' in response.content.decode()


# -- warnings ----------------------------------------------------------------------------------------------------


def test_the_warnings_show_only_the_users_zone(client):
    response = as_user(client, "wenshui-editor").get(reverse("reports:warnings"))

    zones = {warning.zone for warning in response.context["page"]}
    assert zones == {"文水经济开发区"}


def test_each_level_has_its_colour_and_its_words(client):
    response = as_user(client, "province-viewer").get(reverse("reports:warnings"), {"level": "red"})

    body = response.content.decode()
    assert response.context["page"].paginator.count > 0
    assert {warning.level for warning in response.context["page"]} == {"red"}
    assert 'class="warning-level warning-level-red" data-level="red">● 报警' in body


@pytest.mark.parametrize(("sort", "key", "descending"), [("days", "days", False), ("-investment", "investment", True)])
def test_the_warnings_sort_by_a_column(client, sort, key, descending):
    response = as_user(client, "province-viewer").get(reverse("reports:warnings"), {"sort": sort})

    values = [getattr(warning, key) for warning in response.context["page"]]
    assert values == sorted(values, reverse=descending)


def test_a_sort_heading_links_to_the_other_direction(client):
    response = as_user(client, "province-viewer").get(reverse("reports:warnings"), {"level": "red", "sort": "name"})

    name = next(heading for heading in response.context["headings"] if heading["key"] == "name")
    assert name["aria_sort"] == "ascending"
    assert name["query"] == "level=red&sort=-name"


def test_an_htmx_request_gets_the_table_alone(client):
    response = as_user(client, "wenshui-editor").get(
        reverse("reports:warnings"), {"sort": "name"}, headers={"HX-Request": "true"}
    )

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="warnings-table"')
    assert "<html" not in body


def test_an_unknown_sort_is_named_and_ignored(client):
    response = as_user(client, "wenshui-editor").get(reverse("reports:warnings"), {"sort": "password"})

    assert response.status_code == 200
    assert "sort" in response.context["filter_form"].errors


def test_the_export_holds_exactly_the_filtered_rows_and_is_audited(client):
    as_user(client, "province-viewer")
    query = {"level": "yellow", "sort": "name", "as_of": "2024-12-31"}
    page = client.get(reverse("reports:warnings"), query)
    exports_before = AuditRecord.objects.filter(action="export").count()

    response = client.get(reverse("reports:warnings_export"), query)

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names
    assert names == [warning.name for warning in page.context["page"].paginator.object_list]
    assert {row[6] for row in sheet.iter_rows(min_row=2, values_only=True)} == {"预警"}
    assert AuditRecord.objects.filter(action="export").count() == exports_before + 1


def test_a_zone_user_exports_only_their_zone(client):
    response = as_user(client, "xiaoyi-editor").get(reverse("reports:warnings_export"))

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)} <= {"孝义经济开发区"}


def test_the_json_script_never_carries_floats(client):
    response = as_user(client, "province-viewer").get(reverse("reports:dashboard"), WENSHUI_2024)

    months = json.loads(json.dumps(chart(response, "months")))
    assert all(isinstance(value, str) for value in months["series"][0]["data"])
