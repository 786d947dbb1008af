"""Properties of the figures on random ledgers (hypothesis), checked against a plain count of the generated ledger.

Each example writes its ledger (three zones in two cities, rounds of 2019 and 2020) inside a savepoint that is
rolled back, so examples never see each other; the demo ledger holds nothing before 2022.
"""

import random
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from math import floor

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_org_user
from tests.reports.ledger import LOADED_AT, add_project, make_rounds, make_zone
from zoneledger.accounts.choices import Role
from zoneledger.accounts.scope import user_scope_in
from zoneledger.projects.choices import ProgressStatus, Stage
from zoneledger.projects.models import MonthlyProgress, StageEvent
from zoneledger.projects.services import refresh_lifecycle
from zoneledger.reports.figures import Period, batch_figures, breakdown, figures_json

pytestmark = pytest.mark.django_db
COUNTIES = ["141121", "141181", "140727"]  # two zones in 吕梁市 (141100), one in 晋中市 (140700)
LIFE = [Stage.SIGNED, Stage.STARTED, Stage.COMMISSIONED, Stage.AT_CAPACITY]
LABELS = [None, "2019-1", "2019-3", "2020-1"]
DAY_ONE = date(2019, 1, 1)
# Dates on a coarse grid, so that as-of dates often fall on an event's very day (the edge that matters).
DAY_STEP, STEPS = 15, 49
PERIODS = ["2019", "2020", "2019-1", "2020-1"]
PROPERTY_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@dataclass
class PlannedProject:
    zone: int
    investment: int  # hundredths of 万元
    events: list  # [(stage, day, round label or None)], dates in stage order
    months: list  # [(first of month, hundredths, approved)]
    actual_output: int | None
    expected_output: int | None


grid_days = st.integers(0, STEPS).map(lambda step: DAY_ONE + timedelta(days=step * DAY_STEP))


@st.composite
def planned_projects(draw):
    # Any stages in lifecycle order, some skipped: an upgrade starts unsigned, a project is recorded straight to 投产.
    stages = [stage for stage in LIFE if draw(st.booleans())]
    days = sorted(draw(st.lists(grid_days, min_size=len(stages), max_size=len(stages))))
    events = [(stage, day, draw(st.sampled_from(LABELS))) for stage, day in zip(stages, days, strict=True)]
    month_numbers = draw(st.lists(st.integers(0, 23), unique=True, max_size=4))
    months = [
        (date(2019 + number // 12, number % 12 + 1, 1), draw(st.integers(0, 10**6)), draw(st.booleans()))
        for number in month_numbers
    ]
    outputs = st.none() | st.integers(0, 10**6)
    return PlannedProject(
        draw(st.integers(0, 2)), draw(st.integers(0, 10**8)), events, months, draw(outputs), draw(outputs)
    )


ledgers = st.lists(planned_projects(), min_size=3, max_size=14)
as_of_days = grid_days | grid_days.map(lambda day: day - timedelta(days=1))


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def wan(hundredths):
    return Decimal(hundredths) / 100


def write(ledger):
    """The ledger in the database: (zones, rounds, projects)."""
    zones = [make_zone(county) for county in COUNTIES]
    rounds = make_rounds()
    projects = [
        add_project(
            zones[plan.zone],
            investment=wan(plan.investment),
            events=[(stage, day, rounds[label] if label else None) for stage, day, label in plan.events],
            months=[(month, wan(amount), approved) for month, amount, approved in plan.months],
            actual_output=None if plan.actual_output is None else wan(plan.actual_output),
            expected_output=None if plan.expected_output is None else wan(plan.expected_output),
        )
        for plan in ledger
    ]
    return zones, rounds, projects


def half_up_percent(numerator, denominator):
    """The rate as the contract writes it, computed independently with fractions."""
    if not denominator:
        return None
    hundredths = floor(Fraction(numerator) * 100 * 100 / Fraction(denominator) + Fraction(1, 2))
    return f"{Decimal(hundredths) / 100:.2f}"


def counted(ledger, period, as_of):
    """The figures of `period` for the projects of `ledger`, counted by hand as DOMAIN.md §5 defines them."""
    year, _, sequence = period.partition("-")

    def in_period(label):
        return label is not None and label.startswith(f"{year}-") and (not sequence or label == period)

    def batch(stage):
        return [
            plan
            for plan in ledger
            if any(s == stage and day <= as_of and in_period(label) for s, day, label in plan.events)
        ]

    def reached(plan, stage, since=date.min, until=as_of):
        """First reached — by its own event or a later stage's — within [since, until]."""
        days = [day for s, day, _ in plan.events if LIFE.index(s) >= LIFE.index(stage)]
        return bool(days) and since <= min(days) <= until

    signed, started, commissioned = batch(Stage.SIGNED), batch(Stage.STARTED), batch(Stage.COMMISSIONED)
    completed = sum(
        amount for plan in started for month, amount, approved in plan.months if approved and month <= as_of
    )
    investment = {
        name: sum(plan.investment for plan in group)
        for name, group in (("signed", signed), ("started", started), ("commissioned", commissioned))
    }
    known = [plan for plan in commissioned if plan.actual_output is not None and plan.expected_output is not None]
    actual, expected = sum(p.actual_output for p in known), sum(p.expected_output for p in known)
    document = {
        "signed": {
            "count": len(signed),
            "investment_wan": f"{wan(investment['signed']):.2f}",
            "started": sum(reached(plan, Stage.STARTED) for plan in signed),
        },
        "started": {
            "count": len(started),
            "investment_wan": f"{wan(investment['started']):.2f}",
            "completed_wan": f"{wan(completed):.2f}",
            "completion_rate": half_up_percent(completed, investment["started"]),
            "commissioned": sum(reached(plan, Stage.COMMISSIONED) for plan in started),
        },
        "commissioned": {
            "count": len(commissioned),
            "investment_wan": f"{wan(investment['commissioned']):.2f}",
            "at_capacity": sum(reached(plan, Stage.AT_CAPACITY) for plan in commissioned),
            "output_rate": half_up_percent(actual, expected),
        },
        "same_year_start_rate": None,
    }
    document["signed"]["start_rate"] = half_up_percent(document["signed"]["started"], len(signed))
    document["started"]["commission_rate"] = half_up_percent(document["started"]["commissioned"], len(started))
    document["commissioned"]["capacity_rate"] = half_up_percent(
        document["commissioned"]["at_capacity"], len(commissioned)
    )
    if not sequence:
        first, last = date(int(year), 1, 1), min(as_of, date(int(year), 12, 31))
        signed_in_year = [
            plan for plan in ledger if any(s == Stage.SIGNED and first <= day <= last for s, day, _ in plan.events)
        ]
        started_too = sum(reached(plan, Stage.STARTED, since=first, until=last) for plan in signed_in_year)
        document["same_year_start_rate"] = half_up_percent(started_too, len(signed_in_year))
    return document


def period_of(label):
    return Period.for_round(label) if "-" in label else Period.for_year(label)


def contract(figures):
    document = figures_json(figures)
    return {key: document[key] for key in ("signed", "started", "commissioned", "same_year_start_rate")}


@pytest.fixture
def viewer(db):
    return make_org_user("province", Role.VIEWER)


@PROPERTY_SETTINGS
@given(ledger=ledgers, period=st.sampled_from(PERIODS), scope=st.sampled_from([0, 1, 2, "city"]), data=st.data())
def test_every_figure_and_rate_is_the_count_of_the_ledger_rounded_half_up(viewer, ledger, period, scope, data):
    # As-of dates on the edges that matter: an event's day, the first day of a reported month.
    edges = sorted(
        {day for plan in ledger for _, day, _ in plan.events} | {m for plan in ledger for m, _, _ in plan.months}
    )
    as_of = data.draw(st.sampled_from(edges) if edges else as_of_days, label="as_of")
    with rolled_back():
        zones, _, _ = write(ledger)
        if scope == "city":
            reference, in_scope = "141100", [plan for plan in ledger if plan.zone in (0, 1)]
        else:
            reference, in_scope = zones[scope].name, [plan for plan in ledger if plan.zone == scope]
        figures = batch_figures(
            user=viewer, scope=user_scope_in(viewer, reference), period=period_of(period), as_of=as_of
        )
        assert contract(figures) == counted(in_scope, period, as_of)


@PROPERTY_SETTINGS
@given(ledger=ledgers, period=st.sampled_from(PERIODS), as_of=as_of_days)
def test_figures_as_of_a_date_never_see_what_happened_after_it(viewer, ledger, period, as_of):
    with rolled_back():
        _, _, projects = write(ledger)
        scope = user_scope_in(viewer, "141100")
        before = batch_figures(user=viewer, scope=scope, period=period_of(period), as_of=as_of)
        StageEvent.objects.filter(project__in=projects, happened_on__gt=as_of).delete()
        refresh_lifecycle(project.pk for project in projects)
        MonthlyProgress.objects.filter(project__in=projects, month__gt=as_of).delete()
        assert batch_figures(user=viewer, scope=scope, period=period_of(period), as_of=as_of) == before


def summed(rows):
    """Counts and exact amounts of `rows` added up, in the shape of one row's families."""
    fields = {
        "signed": ("count", "investment", "started"),
        "started": ("count", "investment", "completed", "commissioned"),
        "commissioned": ("count", "investment", "at_capacity", "actual_output", "expected_output"),
    }
    return {
        family: {name: sum(getattr(getattr(row, family), name) for row in rows) for name in names}
        for family, names in fields.items()
    }


@PROPERTY_SETTINGS
@given(ledger=ledgers, period=st.sampled_from(PERIODS), as_of=as_of_days)
def test_the_zone_breakdown_adds_up_to_the_cities_and_the_province(viewer, ledger, period, as_of):
    with rolled_back():
        write(ledger)
        province = user_scope_in(viewer, "province")
        when = {"period": period_of(period), "as_of": as_of}
        zones = breakdown(user=viewer, scope=province, by="zone", **when)
        cities = breakdown(user=viewer, scope=province, by="city", **when)
        for city in cities:
            assert summed([zone for zone in zones if zone.city_code == city.key]) == summed([city])
            city_figures = batch_figures(user=viewer, scope=user_scope_in(viewer, city.key), **when)
            assert summed([city_figures]) == summed([city])
        total = batch_figures(user=viewer, scope=province, **when)
        assert summed(zones) == summed(cities) == summed([total])
        assert total.signed.start_rate == (
            None if not total.signed.count else Decimal(half_up_percent(total.signed.started, total.signed.count))
        )


@PROPERTY_SETTINGS
@given(ledger=ledgers, period=st.sampled_from(PERIODS), data=st.data())
def test_known_at_before_a_correction_reproduces_the_figure_before_it(viewer, ledger, period, data):
    published_at = LOADED_AT + timedelta(days=1)
    corrected_at = published_at + timedelta(hours=1)
    with rolled_back():
        _, _, projects = write(ledger)
        scope = user_scope_in(viewer, "province")
        published = batch_figures(user=viewer, scope=scope, period=period_of(period), known_at=published_at)

        events = list(StageEvent.objects.filter(project__in=projects).order_by("pk"))
        wrong = data.draw(st.lists(st.sampled_from(events), unique=True) if events else st.just([]))
        StageEvent.objects.filter(pk__in=[event.pk for event in wrong]).update(
            voided=True, void_reason="更正", voided_at=corrected_at
        )
        StageEvent.objects.bulk_create(
            StageEvent(
                project=event.project,
                province_id=event.province_id,
                stage=event.stage,
                happened_on=event.happened_on,
                round=None,
                recorded_at=corrected_at,
            )
            for event in wrong
        )
        refresh_lifecycle(event.project_id for event in wrong)
        MonthlyProgress.objects.filter(project__in=projects, status=ProgressStatus.SUBMITTED).update(
            status=ProgressStatus.APPROVED, reviewed_at=corrected_at
        )

        again = batch_figures(user=viewer, scope=scope, period=period_of(period), known_at=published_at)
        assert again == published


@PROPERTY_SETTINGS
@given(ledger=ledgers, period=st.sampled_from(PERIODS), as_of=as_of_days, data=st.data())
def test_recording_a_later_stage_never_lowers_a_rate(viewer, ledger, period, as_of, data):
    with rolled_back():
        _, _, projects = write(ledger)
        scope = user_scope_in(viewer, "province")
        before = batch_figures(user=viewer, scope=scope, period=period_of(period), as_of=as_of)
        which = data.draw(st.integers(0, len(projects) - 1), label="project")
        plan, project = ledger[which], projects[which]
        reached = [LIFE.index(stage) for stage, _, _ in plan.events]
        # Past signing: a signing is no later stage but a new member of the year's same-year cohort.
        later = LIFE[max(reached, default=0) + 1 :]
        if later:
            stage = data.draw(st.sampled_from(later), label="stage")
            last = max((day for _, day, _ in plan.events), default=DAY_ONE)
            day = last + timedelta(days=data.draw(st.integers(0, STEPS), label="days after") * DAY_STEP)
            # Outside any round: the cohorts stay as they were, only what they reached may grow.
            StageEvent.objects.create(project=project, stage=stage, happened_on=day, recorded_at=LOADED_AT)
            refresh_lifecycle([project.pk])
        after = batch_figures(user=viewer, scope=scope, period=period_of(period), as_of=as_of)
        for family, rate in (
            ("signed", "start_rate"),
            ("started", "commission_rate"),
            ("commissioned", "capacity_rate"),
        ):
            earlier, now = getattr(getattr(before, family), rate), getattr(getattr(after, family), rate)
            assert (earlier is None and now is None) or now >= earlier
        if before.same_year_start_rate is not None:
            assert after.same_year_start_rate >= before.same_year_start_rate


def test_figures_stay_exact_once_the_database_has_statistics(viewer):
    # SQLite 3.40 answered a correlated EXISTS over `stage IN (…)` wrongly once ANALYZE had run: the figures are
    # checked against the count on a ledger large enough for statistics to change the plan.
    rng = random.Random(20241231)
    ledger = [
        PlannedProject(
            zone=rng.randrange(3),
            investment=rng.randrange(10**6),
            events=sorted_events(rng),
            months=[],
            actual_output=None,
            expected_output=None,
        )
        for _ in range(200)
    ]
    with rolled_back():
        write(ledger)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        for period in PERIODS:
            figures = batch_figures(
                user=viewer,
                scope=user_scope_in(viewer, "141100"),
                period=period_of(period),
                as_of=date(2020, 12, 31),
            )
            assert contract(figures) == counted(
                [plan for plan in ledger if plan.zone in (0, 1)], period, date(2020, 12, 31)
            )


def sorted_events(rng):
    """A project's events in lifecycle order, each stage present or skipped, on days of 2019–2020."""
    stages = [stage for stage in LIFE if rng.random() < 0.7]
    days = sorted(DAY_ONE + timedelta(days=rng.randrange(2 * 365)) for _ in stages)
    return [(stage, day, rng.choice(LABELS)) for stage, day in zip(stages, days, strict=True)]
