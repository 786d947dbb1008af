"""The cockpit: each to-do counts exactly the list it opens; parts rank by each figure, with the places moved."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from tests.reports.test_views import as_user
from zoneledger.accounts.models import User
from zoneledger.accounts.scope import user_scope
from zoneledger.milestones.selectors import milestone_list
from zoneledger.problems.selectors import problem_filter
from zoneledger.progress.selectors import month_rows, review_queue
from zoneledger.projects.choices import Stage
from zoneledger.projects.models import Project, StageEvent
from zoneledger.reports import figures
from zoneledger.reports.cockpit import _ranks

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

    after = client.get(reverse("reports:dashboard")).context
    zones_after = next(ranking for ranking in after["rankings"] if ranking.level == "zone")
    climbed = next(part for part in zones_after.parts if part.name == last.name)
    assert climbed.standings[0].text == "100.0%"
    assert climbed.standings[0].rank == 1
    assert climbed.standings[0].moved is not None
    assert climbed.standings[0].moved > 0


def test_the_approvals_done_online_count_by_zone_in_the_year(client, wenshui_editor):
    from datetime import date

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
