"""The demo's live layer, built for a fixed day: that day's dashboard has this month's reports, warnings of both
colours, problems due and overdue, milestones due, a round coming up and the year's targets — and DOMAIN §6's
figures of the seed years stay exact."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from tests.reports.test_views import as_user
from zoneledger.accounts.models import User
from zoneledger.accounts.scope import user_scope
from zoneledger.campaigns.models import YearTarget
from zoneledger.demo.live import live_rounds, load_live
from zoneledger.milestones.selectors import milestone_list
from zoneledger.progress.selectors import month_rows, review_queue
from zoneledger.projects.models import Project
from zoneledger.reports.figures import Period, batch_figures

pytestmark = pytest.mark.django_db

BUILT_ON = date(2026, 6, 17)  # a Wednesday


def golden():
    """DOMAIN §6: 文水 2024's batches and the province's round 2023-4, as of the end of 2024."""
    viewer = User.objects.get(username="province-viewer")
    wenshui = User.objects.get(username="wenshui-viewer")
    end = date(2024, 12, 31)
    return (
        batch_figures(user=wenshui, scope=user_scope(wenshui), period=Period.for_year(2024), as_of=end),
        batch_figures(user=viewer, scope=user_scope(viewer), period=Period.for_round("2023-4"), as_of=end),
    )


def test_the_rounds_so_far_and_the_next_follow_the_day():
    assert live_rounds(date(2026, 6, 17)) == ([date(2026, 2, 26), date(2026, 5, 28)], date(2026, 8, 27))
    assert live_rounds(date(2026, 3, 1)) == ([date(2026, 3, 1)], date(2026, 5, 28))  # none held a week before
    # The usual day has just passed: the round is announced for a week later.
    assert live_rounds(date(2026, 12, 2)) == (
        [date(2026, 2, 26), date(2026, 5, 28), date(2026, 8, 27)],
        date(2026, 12, 9),
    )
    assert live_rounds(date(2026, 12, 20)) == (
        [date(2026, 2, 26), date(2026, 5, 28), date(2026, 8, 27), date(2026, 11, 26)],
        date(2027, 2, 26),
    )


def test_the_live_layer_keeps_the_seed_years_figures_exact():
    before = golden()

    added = load_live(BUILT_ON)

    assert added > 0
    assert golden() == before
    assert before[1].signed.count == 233
    assert load_live(BUILT_ON) == 0  # built once


def test_the_day_s_dashboard_is_live(client):
    load_live(BUILT_ON)
    editor = User.objects.get(username="wenshui-editor")
    reviewer = User.objects.get(username="lvliang-reviewer")
    query = {"as_of": BUILT_ON.isoformat()}

    page = as_user(client, "wenshui-editor").get(reverse("reports:dashboard"), query).context
    province = as_user(client, "province-viewer").get(reverse("reports:dashboard"), query).context
    with translation.override("en"):
        todos = {str(todo.label): todo.count for todo in page["todos"]}

    assert page["year"] == BUILT_ON.year
    assert page["year_cards"][0]["value"] > 0  # projects signed in this year's rounds
    june = month_rows(user=editor, month=date(2026, 6, 1))
    assert any(row.state == "missing" for row in june)  # this month's reports still to fill
    assert todos["Reports to fill this month"] > 0
    assert review_queue(user=reviewer).filter(month=date(2026, 5, 1)).exists()  # last month's, waiting
    assert todos["Problems overdue"] > 0
    assert todos["Problems due within a working day"] > 0
    assert todos["Milestones overdue"] > 0
    due = milestone_list(user=editor, scope=user_scope(editor), light="yellow", as_of=BUILT_ON)
    assert due.filter(planned_on__lte=BUILT_ON + timedelta(days=7)).exists()  # due this week
    assert province["warning_counts"]["yellow"] > 0
    assert province["warning_counts"]["red"] > 0
    assert province["next_round"].held_on == date(2026, 8, 27)  # a round coming up, on the page
    assert [line.key for line in province["target_lines"]] == [
        "signed_count",
        "signed_investment",
        "start_rate",
        "completed",
    ]
    assert YearTarget.objects.filter(year=2026, zone__isnull=True).count() == 12  # Shanxi and its eleven cities
    assert [line.key for line in page["target_lines"]][:1] == ["signed_count"]  # Wenshui's, set by Lüliang
    assert Project.objects.filter(zone__name="文水经济开发区", events__round__year=2026).exists()
