"""The figures of DOMAIN.md §5: golden numbers from the seeds, rounding traps, as-of and known-at, scope, cost."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from tests.factories import make_org_user
from tests.reports.ledger import LOADED_AT, SHANGHAI, add_project, make_rounds, make_zone
from zoneledger.accounts.choices import Role
from zoneledger.accounts.scope import ScopeNotFound, user_scope_in
from zoneledger.projects.choices import Stage
from zoneledger.projects.services import record_stage, void_event
from zoneledger.reports.figures import (
    Period,
    batch_figures,
    breakdown,
    completed_by_month,
    figures_json,
    signed_not_started,
    signed_not_started_rows,
    summary_sentences,
    warning_counts,
)
from zoneledger.zones.models import Division

pytestmark = pytest.mark.django_db
END_2024 = date(2024, 12, 31)
SIGNED, STARTED, COMMISSIONED, AT_CAPACITY = Stage.SIGNED, Stage.STARTED, Stage.COMMISSIONED, Stage.AT_CAPACITY


@pytest.fixture
def viewer(db):
    return make_org_user("province", Role.VIEWER)


@pytest.fixture
def rounds(db):
    return make_rounds()


@pytest.fixture
def zone(db):
    return make_zone()


def zone_figures(user, zone, period, **when):
    return batch_figures(user=user, scope=user_scope_in(user, zone.name), period=period, **when)


# -- golden: what the seeds publish -------------------------------------------------------------------------------


def test_wenshui_2024_gives_the_seeds_numbers(viewer):
    scope = user_scope_in(viewer, "文水经济开发区")
    figures = batch_figures(user=viewer, scope=scope, period=Period.for_year(2024), as_of=END_2024)
    document = figures_json(figures)
    assert document["signed"] == {"count": 7, "investment_wan": "105500.00", "started": 3, "start_rate": "42.86"}
    assert document["started"]["count"] == 4
    assert document["started"]["investment_wan"] == "167400.00"
    assert document["started"]["completed_wan"] == "33100.00"
    assert document["commissioned"]["count"] == 3
    assert document["commissioned"]["investment_wan"] == "56500.00"
    assert document["commissioned"]["at_capacity"] == 3
    assert document["commissioned"]["capacity_rate"] == "100.00"


def test_wenshui_2024_summary_reads_like_the_seed(viewer):
    scope = user_scope_in(viewer, "文水经济开发区")
    figures = batch_figures(user=viewer, scope=scope, period=Period.for_year(2024), as_of=END_2024)
    with translation.override("zh-hans"):
        sentences = summary_sentences(figures)
    assert sentences == [
        '2024年"签约一批"项目共7个，总投资10.55亿元，已开工3个，开工率43%。',
        '2024年"开工一批"项目共4个，总投资16.74亿元，完成投资3.31亿元。',
        '2024年"投产一批"项目共3个，总投资5.65亿元，达产率100%。',
    ]


def test_province_round_2023_4_has_233_signed_225_started_225_commissioned(viewer):
    scope = user_scope_in(viewer, "province")
    figures = batch_figures(user=viewer, scope=scope, period=Period.for_round("2023-4"), as_of=END_2024)
    assert (figures.signed.count, figures.started.count, figures.commissioned.count) == (233, 225, 225)
    assert figures.same_year_start_rate is None  # a round has no 当年开工率


# -- rounding traps -----------------------------------------------------------------------------------------------


def test_one_of_eight_is_12_50_percent_and_13_percent_in_prose(viewer, rounds, zone):
    signed_on, started_on = date(2019, 2, 1), date(2019, 4, 1)
    add_project(zone, events=[(SIGNED, signed_on, rounds["2019-1"]), (STARTED, started_on, None)])
    for _ in range(7):
        add_project(zone, events=[(SIGNED, signed_on, rounds["2019-1"])])
    figures = zone_figures(viewer, zone, Period.for_round("2019-1"), as_of=date(2019, 12, 31))
    assert figures_json(figures)["signed"]["start_rate"] == "12.50"
    with translation.override("zh-hans"):
        assert "开工率13%" in summary_sentences(figures)[0]


def test_two_of_three_is_66_67_percent_and_nothing_over_nothing_is_null(viewer, rounds, zone):
    for commissioned in (True, True, False):
        events = [(STARTED, date(2019, 5, 1), rounds["2019-2"])]
        if commissioned:
            events.append((COMMISSIONED, date(2019, 9, 1), None))
        add_project(zone, events=events)
    document = figures_json(zone_figures(viewer, zone, Period.for_round("2019-2"), as_of=date(2019, 12, 31)))
    assert document["started"]["commission_rate"] == "66.67"
    assert document["signed"]["start_rate"] is None
    assert document["commissioned"]["capacity_rate"] is None
    assert document["commissioned"]["output_rate"] is None
    assert document["commissioned"]["investment_wan"] == "0.00"


def test_output_rate_is_actual_over_expected_where_both_are_known(viewer, rounds, zone):
    # 晋中's published 达效率: 216.65 / 235.04 = 92.18%.
    commissioned = [(COMMISSIONED, date(2019, 8, 1), rounds["2019-3"])]
    add_project(zone, events=commissioned, actual_output=Decimal("216.65"), expected_output=Decimal("235.04"))
    add_project(zone, events=commissioned, actual_output=None, expected_output=Decimal("999.00"))
    figures = zone_figures(viewer, zone, Period.for_round("2019-3"), as_of=date(2019, 12, 31))
    assert figures_json(figures)["commissioned"]["output_rate"] == "92.18"


# -- as of a date, voids, known at a moment -----------------------------------------------------------------------


def test_events_dated_after_the_as_of_date_do_not_count(viewer, rounds, zone):
    add_project(zone, events=[(SIGNED, date(2019, 2, 1), rounds["2019-1"]), (STARTED, date(2019, 6, 1), None)])
    add_project(zone, events=[(SIGNED, date(2019, 7, 1), rounds["2019-1"])])
    period = Period.for_round("2019-1")
    before = zone_figures(viewer, zone, period, as_of=date(2019, 5, 31)).signed
    on_the_day = zone_figures(viewer, zone, period, as_of=date(2019, 6, 1)).signed
    later = zone_figures(viewer, zone, period, as_of=date(2019, 7, 1)).signed
    assert (before.count, before.started) == (1, 0)
    assert (on_the_day.count, on_the_day.started) == (1, 1)
    assert (later.count, later.started) == (2, 1)


def test_completed_investment_counts_approved_months_up_to_the_as_of_month(viewer, rounds, zone):
    months = [(date(2019, 5, 1), "100.00", True), (date(2019, 6, 1), "50.00", False), (date(2019, 7, 1), "30.00", True)]
    add_project(zone, events=[(STARTED, date(2019, 5, 1), rounds["2019-2"])], months=months)
    period = Period.for_round("2019-2")
    assert zone_figures(viewer, zone, period, as_of=date(2019, 7, 1)).started.completed == Decimal("130.00")
    assert zone_figures(viewer, zone, period, as_of=date(2019, 6, 30)).started.completed == Decimal("100.00")


def test_voided_events_never_count(viewer, rounds, zone):
    editor = make_org_user(zone, Role.EDITOR)
    project = add_project(zone)
    event = record_stage(
        actor=editor, project=project, stage=SIGNED, happened_on=date(2019, 2, 1), round=rounds["2019-1"]
    )
    void_event(actor=editor, event=event, reason="录入错误")
    assert zone_figures(viewer, zone, Period.for_round("2019-1"), as_of=date(2019, 12, 31)).signed.count == 0


def test_known_at_reproduces_the_figure_published_before_a_correction(viewer, rounds, zone):
    editor = make_org_user(zone, Role.EDITOR)
    first, second = add_project(zone), add_project(zone)
    for project in (first, second):
        record_stage(
            actor=editor,
            project=project,
            stage=SIGNED,
            happened_on=date(2019, 2, 1),
            round=rounds["2019-1"],
            recorded_at=LOADED_AT,
        )
    published_at = LOADED_AT + timedelta(days=30)
    period = Period.for_round("2019-1")
    published = zone_figures(viewer, zone, period, known_at=published_at)

    wrong = first.events.get()
    void_event(actor=editor, event=wrong, reason="不属于本轮", voided_at=published_at + timedelta(days=1))
    record_stage(actor=editor, project=second, stage=STARTED, happened_on=date(2019, 3, 1))

    assert zone_figures(viewer, zone, period).signed.count == 1
    again = zone_figures(viewer, zone, period, known_at=published_at)
    assert again == published
    assert (again.signed.count, again.signed.started, again.as_of) == (2, 0, date(2021, 1, 31))


def test_same_year_start_rate_counts_signings_of_the_year_started_within_it(viewer, rounds, zone):
    add_project(zone, events=[(SIGNED, date(2019, 2, 1), rounds["2019-1"]), (STARTED, date(2019, 9, 1), None)])
    add_project(zone, events=[(SIGNED, date(2019, 3, 15), None), (STARTED, date(2019, 12, 31), None)])
    add_project(zone, events=[(SIGNED, date(2019, 11, 1), None), (STARTED, date(2020, 1, 2), None)])
    add_project(zone, events=[(SIGNED, date(2018, 12, 1), None), (STARTED, date(2019, 2, 1), None)])
    figures = zone_figures(viewer, zone, Period.for_year(2019), as_of=date(2020, 6, 30))
    assert (figures.same_year.signed, figures.same_year.started) == (3, 2)
    assert figures_json(figures)["same_year_start_rate"] == "66.67"
    assert figures.signed.count == 1  # only the round's signing is in the batch


def test_a_stage_reached_counts_as_every_earlier_stage_passed(viewer, rounds, zone):
    # Recorded straight to 投产 in 2019 without a 开工 event: it started, on its commissioning day.
    add_project(zone, events=[(SIGNED, date(2019, 2, 1), rounds["2019-1"]), (COMMISSIONED, date(2019, 8, 1), None)])
    # Started in 2020 only by reaching 达产 then: not a same-year start for 2019, but started by mid-2020.
    add_project(zone, events=[(SIGNED, date(2019, 2, 1), rounds["2019-1"]), (AT_CAPACITY, date(2020, 3, 1), None)])
    add_project(
        zone, events=[(SIGNED, date(2019, 2, 1), rounds["2019-1"]), (STARTED, date(2019, 5, 1), rounds["2019-3"])]
    )
    add_project(zone, events=[(STARTED, date(2019, 5, 1), rounds["2019-3"]), (AT_CAPACITY, date(2019, 10, 1), None)])

    at_the_end_of_2019 = zone_figures(viewer, zone, Period.for_year(2019), as_of=date(2019, 12, 31))
    assert (at_the_end_of_2019.signed.count, at_the_end_of_2019.signed.started) == (3, 2)
    assert (at_the_end_of_2019.started.count, at_the_end_of_2019.started.commissioned) == (2, 1)
    assert (at_the_end_of_2019.same_year.signed, at_the_end_of_2019.same_year.started) == (3, 2)

    mid_2020 = zone_figures(viewer, zone, Period.for_year(2019), as_of=date(2020, 6, 30))
    assert mid_2020.signed.started == 3
    assert figures_json(mid_2020)["signed"]["start_rate"] == "100.00"
    assert mid_2020.same_year.started == 2  # the one started in 2020 is no same-year start


# -- scope --------------------------------------------------------------------------------------------------------


def test_scopes_resolve_from_province_a_city_code_or_a_zone_name(viewer):
    assert user_scope_in(viewer, "province").as_json() == {"kind": "province", "name": "山西省", "code": "140000"}
    assert user_scope_in(viewer, "141100").as_json() == {"kind": "city", "name": "吕梁市", "code": "141100"}
    assert user_scope_in(viewer, "文水经济开发区").as_json() == {
        "kind": "zone",
        "name": "文水经济开发区",
        "code": "141121",
    }


@pytest.mark.parametrize(
    ("username", "reference"),
    [
        ("lvliang-viewer", "province"),
        ("lvliang-viewer", "140100"),
        ("lvliang-viewer", "山西转型综合改革示范区"),
        ("wenshui-viewer", "141100"),
        ("wenshui-viewer", "孝义经济开发区"),
        ("sysadmin", "province"),
        ("province-viewer", "130000"),
        ("province-viewer", "nation"),
        ("province-viewer", "000000"),
        ("province-viewer", "no such zone"),
    ],
)
def test_a_scope_out_of_view_looks_like_a_missing_one(username, reference):
    from zoneledger.accounts.models import User

    with pytest.raises(ScopeNotFound, match=re.escape(reference)):
        user_scope_in(User.objects.get(username=username), reference)


def test_a_city_user_sees_the_same_city_figures_as_the_province(viewer):
    from zoneledger.accounts.models import User

    city_user = User.objects.get(username="lvliang-viewer")
    period = Period.for_year(2024)
    own = batch_figures(user=city_user, scope=user_scope_in(city_user, "141100"), period=period, as_of=END_2024)
    seen = batch_figures(user=viewer, scope=user_scope_in(viewer, "141100"), period=period, as_of=END_2024)
    assert figures_json(own) == figures_json(seen)
    assert own.signed.count > 7


def test_breakdowns_by_city_zone_and_chain_add_up_to_the_total(viewer):
    scope = user_scope_in(viewer, "province")
    period = Period.for_round("2023-4")
    for by in ("city", "zone", "chain"):
        rows = breakdown(user=viewer, scope=scope, period=period, by=by, as_of=END_2024)
        assert sum(row.signed.count for row in rows) == 233
        assert sum(row.started.count for row in rows) == 225
        assert sum(row.commissioned.count for row in rows) == 225
    cities = breakdown(user=viewer, scope=scope, period=period, by="city", as_of=END_2024)
    assert len(cities) == 11
    assert [row.key for row in cities] == sorted(row.key for row in cities)
    assert Division.objects.get(code="141100").name in [row.name for row in cities]


def test_breakdown_by_something_else_is_refused(viewer):
    scope = user_scope_in(viewer, "province")
    with pytest.raises(ValueError, match="breakdown by 'county'"):
        breakdown(user=viewer, scope=scope, period=Period.for_year(2024), by="county")


def test_bad_periods_are_refused_naming_the_value():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="2023/4"):
        Period.for_round("2023/4")
    with pytest.raises(ValidationError, match="twenty"):
        Period.for_year("twenty")


# -- the warning list and the monthly series ----------------------------------------------------------------------


def test_signed_not_started_lists_days_since_signing_with_yellow_and_red(viewer, zone, settings):
    settings.ZONELEDGER_WARNING_YELLOW_DAYS, settings.ZONELEDGER_WARNING_RED_DAYS = 90, 180
    as_of = date(2020, 6, 30)
    for days in (89, 90, 180):
        add_project(zone, name=f"等待{days}天", events=[(SIGNED, as_of - timedelta(days=days), None)])
    add_project(zone, name="已开工", events=[(SIGNED, date(2019, 1, 1), None), (STARTED, date(2019, 3, 1), None)])
    add_project(
        zone, name="已终止", events=[(SIGNED, date(2019, 1, 1), None), (Stage.TERMINATED, date(2019, 5, 1), None)]
    )
    add_project(zone, name="开工在后", events=[(SIGNED, date(2020, 1, 1), None), (STARTED, date(2020, 7, 1), None)])
    scope = user_scope_in(viewer, zone.name)
    warnings = signed_not_started(user=viewer, scope=scope, as_of=as_of)
    assert [(w.name, w.days, w.level) for w in warnings] == [
        ("开工在后", 181, "red"),
        ("等待180天", 180, "red"),
        ("等待90天", 90, "yellow"),
        ("等待89天", 89, ""),
    ]


def test_completed_by_month_runs_to_the_as_of_month_with_a_running_total(viewer, zone):
    months = [(date(2019, 1, 1), "10.00", True), (date(2019, 3, 1), "5.50", True), (date(2019, 4, 1), "99.00", False)]
    add_project(zone, events=[(STARTED, date(2019, 1, 1), None)], months=months)
    add_project(zone, events=[(STARTED, date(2019, 1, 1), None)], months=[(date(2019, 3, 1), "1.00", True)])
    series = completed_by_month(user=viewer, scope=user_scope_in(viewer, zone.name), year=2019, as_of=date(2019, 4, 15))
    assert [(m.month.month, m.amount, m.cumulative) for m in series] == [
        (1, Decimal("10.00"), Decimal("10.00")),
        (2, Decimal("0.00"), Decimal("10.00")),
        (3, Decimal("6.50"), Decimal("16.50")),
        (4, Decimal("0.00"), Decimal("16.50")),
    ]


# -- cost: a figure's queries do not grow with the ledger (the period's rounds, then the figure) ---------------------


def test_query_counts_do_not_grow_with_zones_or_projects(viewer, rounds, django_assert_num_queries):
    province = user_scope_in(viewer, "province")
    wenshui = user_scope_in(viewer, "文水经济开发区")
    period = Period.for_year(2024)

    def measure():
        with django_assert_num_queries(2):
            batch_figures(user=viewer, scope=province, period=period, as_of=END_2024)
        with django_assert_num_queries(2):
            batch_figures(user=viewer, scope=wenshui, period=period, as_of=END_2024)
        for by in ("city", "zone", "chain"):
            with django_assert_num_queries(2):
                breakdown(user=viewer, scope=province, period=period, by=by, as_of=END_2024)
        with django_assert_num_queries(1):
            signed_not_started(user=viewer, scope=province, as_of=END_2024)
        with django_assert_num_queries(1):
            completed_by_month(user=viewer, scope=province, year=2024, as_of=END_2024)

    measure()
    for county in ("141181", "140727", "140882"):
        new_zone = make_zone(county)
        for _ in range(5):
            add_project(new_zone, events=[(SIGNED, date(2024, 3, 1), None), (STARTED, date(2024, 5, 1), None)])
    measure()


def test_known_at_must_be_an_aware_moment(viewer):
    scope = user_scope_in(viewer, "province")
    with pytest.raises(ValueError, match="aware"):
        batch_figures(user=viewer, scope=scope, period=Period.for_year(2024), known_at=datetime(2024, 1, 1))
    aware = datetime(2024, 1, 1, tzinfo=SHANGHAI)
    assert batch_figures(user=viewer, scope=scope, period=Period.for_year(2024), known_at=aware).signed.count == 0


# -- the warning list read in the database: filtered, sorted and paged there ---------------------------------------


def python_sorted(warnings, sort):
    """The order the page used to compute in Python: a stable sort over the figures' order."""
    keys = {
        "days": lambda warning: warning.days,
        "name": lambda warning: warning.name,
        "zone": lambda warning: (warning.city, warning.zone),
        "investment": lambda warning: warning.investment,
    }
    return sorted(warnings, key=keys[sort.lstrip("-")], reverse=sort.startswith("-"))


@pytest.mark.parametrize("sort", ["days", "-days", "investment", "-investment"])
@pytest.mark.parametrize("level", [None, "", "yellow", "red"])
def test_the_database_filters_and_sorts_as_the_rules_say(viewer, level, sort):
    province = user_scope_in(viewer, "province")
    everything = signed_not_started(user=viewer, scope=province, as_of=END_2024)
    wanted = [warning for warning in everything if level is None or warning.level == level]

    rows = signed_not_started(user=viewer, scope=province, as_of=END_2024, level=level, sort=sort)

    assert [warning.project_id for warning in rows] == [w.project_id for w in python_sorted(wanted, sort)]


def test_a_page_of_warnings_costs_two_queries_however_long_the_list(viewer, django_assert_num_queries):
    province = user_scope_in(viewer, "province")
    rows = signed_not_started_rows(user=viewer, scope=province, as_of=END_2024, sort="-days")
    everything = signed_not_started(user=viewer, scope=province, as_of=END_2024, sort="-days")
    assert len(everything) > 60

    with django_assert_num_queries(2):
        total = rows.count()
        page = rows[50:60]

    assert total == len(everything)
    assert page == everything[50:60]
    with django_assert_num_queries(1):  # a slice with no count first reads the slice alone
        alone = signed_not_started_rows(user=viewer, scope=province, as_of=END_2024, sort="-days")[50:60]
    assert alone == page


def test_the_warning_counts_agree_with_the_list(viewer, django_assert_num_queries):
    province = user_scope_in(viewer, "province")
    warnings = signed_not_started(user=viewer, scope=province, as_of=END_2024)

    with django_assert_num_queries(1):
        counts = warning_counts(user=viewer, scope=province, as_of=END_2024)

    assert counts == {
        "yellow": sum(warning.level == "yellow" for warning in warnings),
        "red": sum(warning.level == "red" for warning in warnings),
    }
    assert counts["red"] > 0


def test_an_unknown_sort_or_level_is_a_programming_error(viewer):
    province = user_scope_in(viewer, "province")
    with pytest.raises(ValueError, match="sort"):
        signed_not_started(user=viewer, scope=province, sort="password")
    with pytest.raises(ValueError, match="level"):
        signed_not_started(user=viewer, scope=province, level="orange")
