"""The cockpit: each to-do counts exactly the list it opens; parts rank by each figure, with the places moved."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import translation

from tests.reports.test_views import as_user
from zoneledger.accounts.models import User
from zoneledger.accounts.scope import user_scope
from zoneledger.core.money import format_yi, rate, round_half_up
from zoneledger.milestones.selectors import milestone_list
from zoneledger.problems.selectors import problem_filter
from zoneledger.progress.selectors import month_rows, review_queue
from zoneledger.progress.services import plan_set
from zoneledger.progress.workflow import schedule_share
from zoneledger.projects.choices import ProgressStatus, Stage
from zoneledger.projects.models import MonthlyProgress, Project, StageEvent
from zoneledger.projects.services import refresh_lifecycle
from zoneledger.reports import figures
from zoneledger.reports.cockpit import METRIC_KEYS, _ranks, rankings
from zoneledger.zones.models import Zone

pytestmark = pytest.mark.django_db


def test_ranks_share_a_place_on_a_tie_skip_the_next_and_leave_out_what_has_no_value():
    values = {"a": Decimal("0.5"), "b": Decimal("0.8"), "c": Decimal("0.5"), "d": None, "e": Decimal("0.1")}
    assert _ranks(values) == {"b": 1, "a": 2, "c": 2, "e": 4}


@pytest.mark.parametrize("username", ["wenshui-editor", "lvliang-reviewer", "province-viewer"])
def test_each_to_do_counts_what_its_list_shows(client, username):
    response = as_user(client, username).get(reverse("reports:dashboard"))
    user = User.objects.get(username=username)
    with translation.override("en"):
        todos = {str(todo.label): todo for todo in response.context["todos"]}
    as_of = response.context["as_of"]
    for label, colour in (("Problems overdue", "red"), ("Problems due within a working day", "yellow")):
        listed = problem_filter(user=user, data={"colour": colour}, as_of=as_of).qs
        assert todos[label].count == listed.filter(state__in=["raised", "planned", "replied", "reopened"]).count()
        assert todos[label].url.endswith(f"?colour={colour}")
    warnings = figures.warning_counts(user=user, scope=user_scope(user), as_of=as_of)
    assert todos["Signed, not started: alarm"].count == warnings["red"]
    assert todos["Signed, not started: warning"].count == warnings["yellow"]
    assert client.get(todos["Signed, not started: alarm"].url).status_code == 200
    overdue = milestone_list(user=user, scope=user_scope(user), light="red", as_of=as_of)
    assert todos["Milestones overdue"].count == overdue.count()
    pending = todos["Projects with approvals incomplete (手续未齐)"]
    ledger = client.get(pending.url)
    assert pending.count == ledger.context["page"].paginator.count
    if user.can_edit:
        month = month_rows(user=user, month=as_of.replace(day=1))
        assert todos["Reports to fill this month"].count == sum(row.state in ("missing", "draft") for row in month)
        assert todos["Reports returned"].count == sum(row.state == "returned" for row in month)
    if user.can_review:
        assert todos["Reports waiting for review"].count == review_queue(user=user).count()
        assert client.get(todos["Reports waiting for review"].url).status_code == 200


def test_the_demo_has_something_to_do_and_the_page_shows_it_first(client):
    page = as_user(client, "wenshui-editor").get(reverse("reports:dashboard")).content.decode()
    assert page.index('data-testid="todos"') < page.index('data-testid="kpi-year"')
    assert 'class="todo todo-red"' in page  # the demo has overdue problems or alarms in Wenshui


def test_a_zone_that_starts_its_projects_after_the_previous_round_climbs_and_shows_the_places_it_moved(client):
    as_user(client, "lvliang-viewer")
    before = client.get(reverse("reports:dashboard")).context
    zones = next(ranking for ranking in before["rankings"] if ranking.level == "zone")
    last = max(
        (part for part in zones.parts if part.standings[0].rank),
        key=lambda part: (part.standings[0].rank, part.name),
    )
    year, previous = before["year"], before["previous_round"]
    assert previous is not None
    assert previous.year == year
    waiting = Project.objects.filter(
        zone__name=last.name, events__stage=Stage.SIGNED, events__round__year=year, events__voided=False
    ).exclude(events__stage=Stage.STARTED)
    assert waiting.exists()
    for project in waiting:
        signed_on = project.events.get(stage=Stage.SIGNED, voided=False).happened_on
        StageEvent.objects.create(
            project=project, stage=Stage.STARTED, happened_on=max(signed_on, previous.held_on) + timedelta(days=1)
        )
        refresh_lifecycle([project.pk])

    after = client.get(reverse("reports:dashboard")).context
    zones_after = next(ranking for ranking in after["rankings"] if ranking.level == "zone")
    climbed = next(part for part in zones_after.parts if part.name == last.name)
    assert climbed.standings[0].text == "100.0%"
    assert climbed.standings[0].rank == 1
    assert climbed.standings[0].moved is not None
    assert climbed.standings[0].moved > 0


def test_the_approvals_done_online_count_by_zone_in_the_year(client, wenshui_editor):
    from zoneledger.approvals.services import approval_save

    for serial, decided in (("00201A", date(2024, 5, 6)), ("00202B", date(2024, 7, 8)), ("00203C", date(2023, 7, 8))):
        approval_save(
            actor=wenshui_editor,
            project_code=f"2024-141121-30-03-{serial}",
            matter="filing",
            state="done",
            decided_on=decided,
        )
    approval_save(actor=wenshui_editor, project_code="2024-141121-30-03-00204D", matter="filing", state="in_progress")

    page = as_user(client, "lvliang-viewer").get(reverse("reports:dashboard"), {"year": 2024})

    assert ("文水经济开发区", 2) in page.context["approvals_done"]
    assert page.context["approvals_done_total"] == sum(done for _zone, done in page.context["approvals_done"])
    assert 'data-testid="approvals-done"' in page.content.decode()
    # The total is the count of the list it opens.
    listed = client.get(reverse("approvals:approval_list"), {"state": "done", "year": 2024})
    assert listed.context["page"].paginator.count == page.context["approvals_done_total"]


def test_zones_rank_by_completion_against_their_annual_plans():
    viewer = User.objects.get(username="lvliang-viewer")
    planner = User.objects.get(username="province-editor")
    until_june = dict(
        MonthlyProgress.objects.filter(
            status=ProgressStatus.APPROVED,
            month__year=2024,
            month__month__lte=6,
            project__zone__city_id=user_scope(viewer).code,
        )
        .values("project_id")
        .annotate(total=Sum("completed_investment"))
        .filter(total__gt=0)
        .values_list("project_id", "total")
    )
    # One project in each of two zones: the first plans twice what it did by June, the second what it did.
    projects: list[Project] = []
    for project in Project.objects.filter(pk__in=until_june).select_related("zone").order_by("zone__name", "pk"):
        if project.zone_id not in {chosen.zone_id for chosen in projects}:
            projects.append(project)
    first, second = projects[:2]
    planned = {}
    for project, share in ((first, 2), (second, 1)):
        # Spread evenly over twelve months: the plan to the end of June is about half the year's amount.
        plan = plan_set(actor=planner, project=project, year=2024, amount=until_june[project.pk] * share * 2)
        planned[project.pk] = schedule_share(plan.monthly, 6)

    ranked = rankings(
        user=viewer,
        scope=user_scope(viewer),
        period=figures.Period.for_year(2024),
        as_of=date(2024, 6, 30),
        since=None,
        order_by="plan_rate",
    )

    zones = next(ranking for ranking in ranked if ranking.level == "zone")
    column = METRIC_KEYS.index("plan_rate")
    by_name = {part.name: part.standings[column] for part in zones.parts}
    for project in (first, second):
        expected = round_half_up(rate(until_june[project.pk], planned[project.pk]), 1)
        assert by_name[project.zone.name].text == f"{expected}%"
    assert by_name[second.zone.name].text == "100.0%"
    assert by_name[second.zone.name].rank == 1
    unplanned = [standing for name, standing in by_name.items() if name not in (first.zone.name, second.zone.name)]
    assert unplanned
    assert all(standing.text == "—" and standing.rank is None for standing in unplanned)


def test_the_year_cards_compare_with_the_same_day_a_year_earlier_in_words(client):
    viewer = User.objects.get(username="province-viewer")
    scope = user_scope(viewer)
    as_user(client, "province-viewer")

    response = client.get(reverse("reports:dashboard"), {"year": 2024, "as_of": "2024-12-31"})

    now = figures.batch_figures(
        user=viewer, scope=scope, period=figures.Period.for_year(2024), as_of=date(2024, 12, 31)
    )
    then = figures.batch_figures(
        user=viewer, scope=scope, period=figures.Period.for_year(2023), as_of=date(2023, 12, 31)
    )
    assert then.signed.count  # the demo has 2023's batches to compare with
    cards = {card["key"]: card for card in response.context["year_cards"]}
    signed = cards["signed"]["trend"]
    change = now.signed.count - then.signed.count
    assert signed.direction == ("up" if change > 0 else "down" if change < 0 else "level")
    assert f"{abs(change)}" in signed.text
    assert signed.text.startswith({"up": "▲", "down": "▼", "level": "＝"}[signed.direction])
    points = now.signed.start_rate - then.signed.start_rate
    assert f"{round_half_up(abs(points), 1)} 个百分点" in cards["start-rate"]["trend"].text
    assert "较上年同期" in cards["start-rate"]["trend"].text
    assert f'data-trend="{signed.direction}"' in response.content.decode()


def test_a_year_with_nothing_the_year_before_shows_no_trend(client):
    as_user(client, "province-viewer")

    response = client.get(reverse("reports:dashboard"), {"year": 2023, "as_of": "2023-12-31"})

    assert all(card["trend"] is None for card in response.context["year_cards"])
    page = response.content.decode()
    year_cards = page[page.index('data-testid="kpi-year"') :].split("</section>")[0]
    assert "data-trend=" not in year_cards


def test_the_province_sees_its_eleven_cities_on_their_tiles_each_with_its_ranked_figure_and_link(client):
    as_user(client, "province-viewer")

    response = client.get(reverse("reports:dashboard"), {"year": 2024, "as_of": "2024-12-31", "rank_by": "start_rate"})

    tiles = response.context["city_tiles"]
    assert len(tiles) == 11
    assert len({(tile.row, tile.column) for tile in tiles}) == 11  # no two cities on one tile
    cities = next(ranking for ranking in response.context["rankings"] if ranking.level == "city")
    ranked = {part.key: part.standings[METRIC_KEYS.index("start_rate")] for part in cities.parts}
    for tile in tiles:
        assert tile.standing == ranked.get(tile.code)
    taiyuan = next(tile for tile in tiles if tile.code == "140100")
    assert (taiyuan.name, taiyuan.row, taiyuan.column) == ("太原市", 3, 2)
    lvliang = next(tile for tile in tiles if tile.code == "141100")
    assert lvliang.standing is not None
    page = response.content.decode()
    assert 'data-testid="city-tiles"' in page
    assert lvliang.standing.text in page
    summary = client.get(lvliang.url)
    assert summary.status_code == 200
    assert "吕梁" in summary.context["scope"].name


def test_a_city_has_no_tiles_of_cities(client):
    response = as_user(client, "lvliang-viewer").get(reverse("reports:dashboard"))

    assert response.context["city_tiles"] == []
    assert 'data-testid="city-tiles"' not in response.content.decode()


def _month(year, month, amount, cumulative="0"):
    return figures.MonthAmount(date(year, month, 1), Decimal(amount), Decimal(cumulative))


def test_month_on_month_compares_the_last_month_with_the_one_before_in_words():
    from zoneledger.reports.presenters import month_on_month

    with translation.override("en"):
        card = month_on_month([_month(2024, 10, "500.00"), _month(2024, 11, "12345.00"), _month(2024, 12, "4995.00")])
        january = month_on_month([_month(2025, 1, "0.00")], _month(2024, 12, "4995.00"))
        level = month_on_month([_month(2024, 1, "100.00"), _month(2024, 2, "100.00")])

    assert (card["label"], card["value"]) == ("Completed investment in 2024-12", "0.50")
    assert card["detail"] == "hundred million yuan · 2024-11: 1.23"
    # 4,995 − 12,345 = −7,350 万元: 0.735 亿元, shown half up.
    assert (card["trend"].direction, card["trend"].text) == ("down", "▼ −0.74 on the month before")
    assert (january["trend"].direction, january["detail"]) == ("down", "hundred million yuan · 2024-12: 0.50")
    assert level["trend"].text == "＝ 0.00 on the month before"
    assert month_on_month([]) is None


def test_the_cockpit_s_month_on_month_reads_the_approved_months_as_of_its_day(client):
    as_user(client, "lvliang-viewer")
    user = User.objects.get(username="lvliang-viewer")
    scope = user_scope(user)
    approved = (
        MonthlyProgress.objects.visible_to(user)
        .filter(scope.q("project__zone__"), status=ProgressStatus.APPROVED)
        .values("month")
        .annotate(total=Sum("completed_investment"))
    )
    by_month = {row["month"]: row["total"] for row in approved}

    # The month shown is the latest whose reports were due (by the 5th of the next month), against the one before.
    december = client.get(reverse("reports:dashboard"), {"year": 2024, "as_of": "2024-12-31"}).context
    new_year = client.get(reverse("reports:dashboard"), {"year": 2025, "as_of": "2025-01-20"}).context
    february = client.get(reverse("reports:dashboard"), {"year": 2025, "as_of": "2025-02-06"}).context

    (card,) = december["month_cards"]
    assert "2024-11" in card["label"]  # December's reports are not due until 5 January
    assert card["value"] == format_yi(by_month.get(date(2024, 11, 1), 0))
    assert format_yi(by_month.get(date(2024, 10, 1), 0)) in card["detail"]
    (card,) = new_year["month_cards"]
    assert "2024-12" in card["label"]  # the year's first days still show the December before
    assert card["value"] == format_yi(by_month.get(date(2024, 12, 1), 0))
    (card,) = february["month_cards"]
    assert card["value"] == format_yi(by_month.get(date(2025, 1, 1), 0))
    assert "2024-12" in card["detail"]  # January is compared with the December before it


def test_each_city_tile_holds_its_zones_as_points_with_their_ranked_figure_and_ledger(client):
    as_user(client, "province-viewer")

    response = client.get(reverse("reports:dashboard"), {"year": 2024, "as_of": "2024-12-31", "rank_by": "start_rate"})

    zones = next(ranking for ranking in response.context["rankings"] if ranking.level == "zone")
    ranked = {part.key: part.standings[METRIC_KEYS.index("start_rate")] for part in zones.parts}
    tiles = {tile.code: tile for tile in response.context["city_tiles"]}
    for tile in tiles.values():
        assert {point.key for point in tile.zones} == set(
            Zone.objects.filter(city_id=tile.code).values_list("pk", flat=True)
        )
        for point in tile.zones:
            assert point.standing == ranked.get(point.key)
    wenshui = next(point for point in tiles["141100"].zones if point.name == "文水经济开发区")
    assert wenshui.standing.text == "42.9%"  # 3 of 7 signed in 2024 have started (DOMAIN §6: 开工率43%)
    page = response.content.decode()
    assert f'data-zone="{wenshui.key}"' in page
    ledger = client.get(wenshui.url).context["page"]
    assert {project.zone.name for project in ledger.object_list} == {"文水经济开发区"}
    assert ledger.paginator.count == Project.objects.filter(zone__name="文水经济开发区").count()
