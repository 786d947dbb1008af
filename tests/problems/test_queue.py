"""The queue as the page and its export read it (`queue_rows`, `queue_list`: values, ids first): the same problems
in the same order with the same columns as the queue's objects, for every scope and filter; a page in a pinned
number of queries."""

from datetime import date, datetime, timedelta

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.problems.conftest import BEIJING
from tests.security.sessions import log_in
from zoneledger.problems.choices import Category, Level
from zoneledger.problems.models import Problem
from zoneledger.problems.selectors import problem_filter, queue_list, queue_rows

pytestmark = pytest.mark.django_db

AS_OF = date(2025, 10, 10)
QUEUE = reverse("problems:problem_list")
# Session, user with their org; the province's calendar (corrections and years in one query); the count, the page's
# ids in the queue's order, then its rows (core.paging.IdsFirst); the scope's name; the filter form's category, zone
# and city choices.
QUEUE_PAGE_QUERIES = 10


def shown(problem):
    """A problem object's columns as a QueueRow holds them."""
    return (
        problem.pk,
        problem.colour,
        problem.title,
        problem.project.name if problem.project else None,
        problem.zone.name,
        problem.zone.short_name,
        problem.category,
        problem.level,
        problem.state,
        problem.tier,
        problem.owner_org.name,
        problem.raised_at,
        problem.solve_due,
    )


def columns(row):
    return (
        row.pk,
        row.colour,
        row.title,
        row.project_name,
        row.zone_name,
        row.zone_short_name,
        row.category,
        row.level,
        row.state,
        row.tier,
        row.owner_org,
        row.raised_at,
        row.solve_due,
    )


@pytest.fixture
def problems(raise_problem, user):
    """Problems of a project in 文水 (Lüliang) at several days and colours, one of the whole zone of 孝义 (also
    Lüliang), and one of a zone of another city."""
    from zoneledger.zones.models import Zone

    raised = [
        raise_problem(title=f"问题{day}", raised_at=datetime(2025, 9, 22 + day, 10, tzinfo=BEIJING)) for day in range(6)
    ]
    xiaoyi = user("xiaoyi-editor")
    whole_zone = raise_problem(
        actor=xiaoyi, project=None, zone=xiaoyi.org.zone, title="园区供水不足", category=Category.UTILITIES,
        level=Level.MAJOR, owner_org=xiaoyi.org,
    )  # fmt: skip
    elsewhere = Zone.objects.filter(province_id="140000").exclude(city_id="141100").order_by("pk").first()
    province = user("province-admin")
    other_city = raise_problem(actor=province, project=None, zone=elsewhere, title="外市问题", owner_org=province.org)
    return [*raised, whole_zone, other_city]


@pytest.mark.parametrize("who", ["province-viewer", "lvliang-viewer", "wenshui-viewer", "xiaoyi-editor"])
@pytest.mark.parametrize("data", [{}, {"sort": "solve_due"}, {"sort": "-zone"}, {"colour": "red"}, {"q": "问题"}])
def test_the_rows_are_the_querys_objects_as_values_in_scope(problems, user, who, data):
    reader = user(who)

    objects = list(problem_filter(user=reader, data=data, as_of=AS_OF).qs)
    listed = problem_filter(user=reader, data=data, as_of=AS_OF, listed=True).qs
    rows = queue_list(listed)
    page = Paginator(queue_rows(listed), 3).get_page(2)

    assert [columns(row) for row in rows] == [shown(problem) for problem in objects]
    assert [columns(row) for row in page.object_list] == [
        shown(problem) for problem in objects[page.start_index() - 1 : page.end_index()]
    ]
    assert page.paginator.count == len(objects)
    assert {row.pk for row in rows} <= set(Problem.objects.visible_to(reader).values_list("pk", flat=True))


def test_each_scope_sees_its_own_problems_and_no_others(problems, user):
    def listed(who):
        return {row.pk for row in queue_list(problem_filter(user=user(who), as_of=AS_OF, listed=True).qs)}

    def through_the_zone(**zone):
        return set(
            Problem.objects.filter(**{f"zone__{name}": value for name, value in zone.items()}).values_list(
                "pk", flat=True
            )
        )

    xiaoyi = user("xiaoyi-editor").org.zone
    assert listed("province-viewer") == through_the_zone(province_id="140000") >= {problem.pk for problem in problems}
    assert listed("lvliang-viewer") == through_the_zone(city_id="141100") >= {problem.pk for problem in problems[:-1]}
    assert listed("xiaoyi-editor") == through_the_zone(pk=xiaoyi.pk) >= {problems[-2].pk}
    assert listed("hebei-viewer") == through_the_zone(province_id="130000")
    assert listed("nation-viewer") == set(Problem.objects.values_list("pk", flat=True))


def test_the_page_shows_each_rows_columns(client, problems, user):
    log_in(client, user("lvliang-viewer"))

    text = client.get(QUEUE, {"as_of": AS_OF.isoformat()}).content.decode()

    whole_zone = problems[-2]
    row = text[text.index(f'data-testid="problem-{whole_zone.pk}"') :].split("</tr>")[0]
    assert whole_zone.title in row
    assert "（全园区）" in row or "(whole zone)" in row
    assert (whole_zone.zone.short_name or whole_zone.zone.name) in row
    assert str(whole_zone.get_level_display()) in row
    assert str(whole_zone.get_state_display()) in row
    assert whole_zone.owner_org.name in row
    assert whole_zone.solve_due.isoformat() in row
    project_row = text[text.index(f'data-testid="problem-{problems[0].pk}"') :].split("</tr>")[0]
    assert problems[0].project.name in project_row


def test_a_page_of_the_queue_reads_a_pinned_number_of_queries(client, problems, user, raise_problem):
    log_in(client, user("province-viewer"))
    client.get(QUEUE)

    with CaptureQueriesContext(connection) as few:
        client.get(QUEUE)
    for number in range(60):
        raise_problem(
            title=f"又一个问题{number}", raised_at=datetime(2025, 9, 1, tzinfo=BEIJING) + timedelta(hours=number)
        )
    with CaptureQueriesContext(connection) as many:
        second_page = client.get(QUEUE, {"page": 2})

    assert len(few) == len(many) == QUEUE_PAGE_QUERIES, [query["sql"][:120] for query in many]
    page = second_page.context["page"]
    assert page.paginator.count == Problem.objects.filter(zone__province_id="140000").count() > 60
    assert len(page.object_list) == min(50, page.paginator.count - 50)
