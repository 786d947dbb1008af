"""Which projects report a month stays exact once the database has statistics (`progress.selectors.must_report`)."""

import random
from datetime import date, timedelta

import pytest
from django.db import connection

from tests.reports.ledger import add_project, make_zone
from zoneledger.progress.selectors import must_report
from zoneledger.projects.choices import Stage
from zoneledger.projects.models import Project

pytestmark = pytest.mark.django_db

LIFE = [Stage.SIGNED, Stage.STARTED, Stage.COMMISSIONED, Stage.AT_CAPACITY]
STARTED_OR_LATER = {Stage.STARTED, Stage.COMMISSIONED, Stage.AT_CAPACITY}
COMMISSIONED_OR_LATER = {Stage.COMMISSIONED, Stage.AT_CAPACITY}
MONTH, NEXT_MONTH = date(2020, 3, 1), date(2020, 4, 1)


def reports_the_month(events):
    """DOMAIN §9, counted by hand: started by the month's end, not commissioned nor terminated before it began."""
    return (
        any(stage in STARTED_OR_LATER and day < NEXT_MONTH for stage, day in events)
        and not any(stage in COMMISSIONED_OR_LATER and day < MONTH for stage, day in events)
        and not any(stage == Stage.TERMINATED and day < MONTH for stage, day in events)
    )


def test_the_projects_reporting_a_month_stay_exact_once_the_database_has_statistics():
    # SQLite 3.40 answered a correlated EXISTS over `stage IN (…)` wrongly once ANALYZE had run (reports.figures);
    # must_report has that form on both databases, so it is checked against the count on a ledger large enough for
    # statistics to change the plan.
    rng = random.Random(20200301)
    zone = make_zone()
    expected = set()
    for _ in range(300):
        stages = [stage for stage in LIFE if rng.random() < 0.7] + ([Stage.TERMINATED] if rng.random() < 0.1 else [])
        days = sorted(date(2019, 1, 1) + timedelta(days=rng.randrange(2 * 365)) for _ in stages)
        events = list(zip(stages, days, strict=True))
        project = add_project(zone, events=[(stage, day, None) for stage, day in events])
        if reports_the_month(events):
            expected.add(project.pk)

    def reporting():
        return set(Project.objects.filter(must_report(MONTH), zone=zone).values_list("pk", flat=True))

    assert reporting() == expected
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    assert reporting() == expected
