"""倒排工期 alone: the pure rules of milestones/schedule.py, with hypothesis properties."""

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zoneledger.core.calendar import WorkingCalendar
from zoneledger.milestones.choices import Light
from zoneledger.milestones.schedule import Infeasible, Step, light, plan_backwards, worst_light

# No province corrections and no query: the State Council's notices as the package has them.
CALENDAR = WorkingCalendar(overrides={}, entered_years=[], unknown_year="error")
INDUSTRIAL = [
    Step("备案", 3),
    Step("用地预审与选址", 20),
    Step("土地出让", 20),
    Step("建设用地规划许可", 5),
    Step("建设工程规划许可", 10),
    Step("环评批复", 20, after_previous=False),
    Step("节能审查", 15, after_previous=False),
    Step("施工许可", 5),
    Step("开工", 5, kind="stage_target", stage="started"),
]


def test_the_last_step_meets_the_target_and_each_step_waits_for_the_previous():
    plan = plan_backwards([Step("施工许可", 5), Step("开工", 3)], target=date(2025, 4, 15), calendar=CALENDAR)

    assert [step.planned_on for step in plan] == [date(2025, 4, 10), date(2025, 4, 15)]
    # 2025-04-10 (Thu) + 3 working days = 15 (Tue); 施工许可 starts 5 working days before the 10th: 4 April is
    # 清明 (a holiday), so the 2nd.
    assert plan[1].starts_on == date(2025, 4, 10)
    assert plan[0].starts_on == date(2025, 4, 2)


def test_a_target_on_a_rest_day_is_met_on_the_working_day_before():
    plan = plan_backwards([Step("开工", 0)], target=date(2025, 4, 13), calendar=CALENDAR)  # a Sunday

    assert plan[0].planned_on == date(2025, 4, 11)


def test_a_holiday_between_steps_moves_the_earlier_ones_back():
    steps = [Step("环评", 2), Step("开工", 3)]
    # 1–5 May 2025 is the Labour Day holiday (27 April and 10 May are 调休 working days).
    across = plan_backwards(steps, target=date(2025, 5, 8), calendar=CALENDAR)
    without_holidays = WorkingCalendar(overrides={date(2025, 5, day): True for day in range(1, 6)}, entered_years=[])
    plain = plan_backwards(steps, target=date(2025, 5, 8), calendar=without_holidays)

    assert across[0].planned_on < plain[0].planned_on
    assert across[0].planned_on == date(2025, 4, 30)


def test_a_step_beside_the_previous_shares_its_deadline():
    plan = plan_backwards(INDUSTRIAL, target=date(2025, 9, 30), calendar=CALENDAR)
    by_title = {step.title: step for step in plan}

    assert by_title["建设工程规划许可"].planned_on == by_title["环评批复"].planned_on == by_title["节能审查"].planned_on
    assert by_title["节能审查"].planned_on == by_title["施工许可"].starts_on
    assert by_title["开工"].planned_on == date(2025, 9, 30)


def test_a_target_that_cannot_be_met_says_so_with_the_first_steps_date():
    with pytest.raises(Infeasible) as refused:
        plan_backwards(INDUSTRIAL, target=date(2025, 4, 15), calendar=CALENDAR, today=date(2025, 3, 1))

    first = refused.value.plan[0]
    assert first.title == "备案"
    assert first.planned_on.isoformat() in str(refused.value)
    assert "2025-04-15" in str(refused.value)


def test_a_plan_that_begins_today_is_feasible():
    plan = plan_backwards([Step("施工许可", 5), Step("开工", 3)], target=date(2025, 4, 15), calendar=CALENDAR)

    assert plan_backwards(
        [Step("施工许可", 5), Step("开工", 3)], target=date(2025, 4, 15), calendar=CALENDAR, today=plan[0].starts_on
    )


def test_a_template_without_steps_or_with_a_negative_duration_is_refused():
    with pytest.raises(ValueError, match="at least one step"):
        plan_backwards([], target=date(2025, 4, 15), calendar=CALENDAR)
    with pytest.raises(ValueError, match="0 or more"):
        plan_backwards([Step("开工", -1)], target=date(2025, 4, 15), calendar=CALENDAR)


steps_strategy = st.lists(
    st.builds(
        Step,
        title=st.sampled_from(["备案", "用地", "规划", "环评", "施工许可"]),
        working_days=st.integers(min_value=0, max_value=40),
        after_previous=st.booleans(),
    ),
    min_size=1,
    max_size=10,
)
targets = st.dates(min_value=date(2021, 1, 1), max_value=date(2026, 12, 31))


@given(steps=steps_strategy, target=targets)
def test_planned_dates_are_working_days_in_order_and_the_last_meets_the_target(steps, target):
    plan = plan_backwards(steps, target=target, calendar=CALENDAR)

    assert len(plan) == len(steps)
    for planned in plan:
        assert CALENDAR.is_working_day(planned.planned_on)
        assert CALENDAR.is_working_day(planned.starts_on)
        assert planned.starts_on <= planned.planned_on
        assert CALENDAR.working_days_between(planned.starts_on, planned.planned_on) == planned.step.working_days
    for earlier, later in pairwise(plan):
        assert earlier.planned_on <= later.planned_on
        if later.step.after_previous:
            assert earlier.planned_on <= later.starts_on
    assert plan[-1].planned_on == CALENDAR.subtract_working_days(target, 0)
    assert plan[-1].planned_on <= target


@given(steps=steps_strategy, target=targets, holiday=st.integers(min_value=1, max_value=60))
def test_one_more_rest_day_never_moves_a_step_later(steps, target, holiday):
    day = target - timedelta(days=holiday)
    rested = WorkingCalendar(overrides={day: False}, entered_years=[])

    plain = plan_backwards(steps, target=target, calendar=CALENDAR)
    with_rest = plan_backwards(steps, target=target, calendar=rested)

    assert all(b.planned_on <= a.planned_on for a, b in zip(plain, with_rest, strict=True))


@given(
    planned=targets,
    done=st.one_of(st.none(), targets),
    as_of=targets,
    yellow=st.integers(min_value=0, max_value=30),
)
def test_a_light_is_grey_only_when_done_and_red_only_when_overdue(planned, done, as_of, yellow):
    shown = light(planned_on=planned, done_on=done, as_of=as_of, yellow_days=yellow)

    assert (shown == Light.GREY) == (done is not None and done <= as_of)
    if shown != Light.GREY:
        assert (shown == Light.RED) == (planned < as_of)


def test_lights_over_time():
    planned = date(2025, 4, 15)
    assert light(planned_on=planned, done_on=None, as_of=date(2025, 4, 1), yellow_days=7) == Light.GREEN
    assert light(planned_on=planned, done_on=None, as_of=date(2025, 4, 8), yellow_days=7) == Light.YELLOW
    assert light(planned_on=planned, done_on=None, as_of=date(2025, 4, 15), yellow_days=7) == Light.YELLOW
    assert light(planned_on=planned, done_on=None, as_of=date(2025, 4, 16), yellow_days=7) == Light.RED
    assert light(planned_on=planned, done_on=date(2025, 4, 20), as_of=date(2025, 4, 16), yellow_days=7) == Light.RED
    assert light(planned_on=planned, done_on=date(2025, 4, 20), as_of=date(2025, 4, 20), yellow_days=7) == Light.GREY


def test_a_projects_light_is_its_worst():
    assert worst_light([Light.GREY, Light.GREEN, Light.YELLOW]) == Light.YELLOW
    assert worst_light([Light.GREY, Light.RED, Light.GREEN]) == Light.RED
    assert worst_light([Light.GREY]) == Light.GREY
    assert worst_light([]) is None
