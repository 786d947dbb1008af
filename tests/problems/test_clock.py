"""The 13710 clock alone: deadlines across 国庆 and 调休, statuses, colours, escalation (no database)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zoneledger.core.calendar import CalendarYearUnknown, WorkingCalendar
from zoneledger.problems import clock
from zoneledger.problems.choices import Colour, DeadlineStatus, Level, State, Tier

BEIJING = ZoneInfo("Asia/Shanghai")
CALENDAR = WorkingCalendar(None, unknown_year="error")


def test_a_problem_raised_the_day_before_national_day_waits_for_the_holiday_to_end():
    # Given a problem raised on Tuesday 30 September 2025, before the eight days of 国庆 and 中秋
    raised = datetime(2025, 9, 30, 16, 0, tzinfo=BEIJING)

    dates = clock.deadlines(raised, Level.ORDINARY, CALENDAR)

    # Then it is planned by the first working day after, and the 调休 Saturday 11 October counts
    assert dates.plan == date(2025, 10, 9)
    assert dates.reply == date(2025, 10, 11)
    assert dates.solve == date(2025, 10, 16)
    assert clock.deadlines(raised, Level.MAJOR, CALENDAR).solve == date(2025, 10, 30)


def test_a_problem_raised_on_a_makeup_saturday_counts_from_that_day():
    raised = datetime(2025, 10, 11, 9, 30, tzinfo=BEIJING)  # a 调休 working Saturday

    dates = clock.deadlines(raised, Level.ORDINARY, CALENDAR)

    assert dates == clock.Deadlines(plan=date(2025, 10, 13), reply=date(2025, 10, 15), solve=date(2025, 10, 21))


def test_a_problem_raised_on_friday_afternoon_is_planned_on_the_makeup_sunday():
    raised = datetime(2025, 9, 26, 16, 0, tzinfo=BEIJING)

    assert clock.deadlines(raised, Level.ORDINARY, CALENDAR).plan == date(2025, 9, 28)


def test_a_major_problem_whose_thirtieth_day_is_a_holiday_is_due_the_next_working_day():
    # 2025-09-01 + 30 days = 1 October, 国庆: the next working day is Thursday 9 October
    assert clock.solve_deadline(date(2025, 9, 1), Level.MAJOR, CALENDAR) == date(2025, 10, 9)


def test_a_year_the_calendar_does_not_know_is_an_error_or_the_chosen_guess():
    raised = date(2040, 3, 1)
    with pytest.raises(CalendarYearUnknown):
        clock.deadlines(raised, Level.ORDINARY, CALENDAR)
    guessed = clock.deadlines(raised, Level.ORDINARY, WorkingCalendar(None, unknown_year="weekends"))
    assert guessed.plan == date(2040, 3, 2)  # a Friday, by the week alone


def test_status_of_a_deadline_on_time_due_and_overdue():
    due = date(2025, 10, 13)  # a Monday
    assert clock.deadline_status(due, date(2025, 10, 9), CALENDAR) == DeadlineStatus.ON_TIME
    # Friday 10 October's next working day is the 调休 Saturday: Monday is still two working days away
    assert clock.deadline_status(due, date(2025, 10, 10), CALENDAR) == DeadlineStatus.ON_TIME
    assert clock.deadline_status(due, date(2025, 10, 11), CALENDAR) == DeadlineStatus.DUE
    assert clock.deadline_status(due, date(2025, 10, 13), CALENDAR) == DeadlineStatus.DUE
    assert clock.deadline_status(due, date(2025, 10, 14), CALENDAR) == DeadlineStatus.OVERDUE
    assert clock.deadline_status(due, date(2025, 10, 14), CALENDAR, met=True) == DeadlineStatus.MET


def test_the_colour_is_the_worst_running_deadline():
    dates = clock.deadlines(date(2025, 6, 2), Level.ORDINARY, CALENDAR)  # a Monday: plan 6-3, reply 6-5
    assert clock.colour(State.RAISED, dates, date(2025, 6, 2), CALENDAR) == Colour.YELLOW  # plan due tomorrow
    assert clock.colour(State.RAISED, dates, date(2025, 6, 4), CALENDAR) == Colour.RED  # plan missed
    assert clock.colour(State.PLANNED, dates, date(2025, 6, 4), CALENDAR) == Colour.YELLOW  # reply due tomorrow
    assert clock.colour(State.REPLIED, dates, date(2025, 6, 4), CALENDAR) == Colour.GREEN
    assert clock.colour(State.SOLVED, dates, date(2026, 1, 1), CALENDAR) == Colour.GREEN


def test_an_overdue_problem_climbs_one_tier_per_missed_deadline_and_stops_at_the_province():
    moves = clock.escalations(
        state=State.REPLIED,
        tier=Tier.ZONE,
        level=Level.ORDINARY,
        solve_due=date(2025, 10, 16),
        as_of=date(2025, 10, 17),
        calendar=CALENDAR,
    )
    assert moves == [clock.Escalation(tier=Tier.CITY, on=date(2025, 10, 17), solve_due=date(2025, 10, 28))]
    later = clock.escalations(
        state=State.REPLIED,
        tier=Tier.ZONE,
        level=Level.ORDINARY,
        solve_due=date(2025, 10, 16),
        as_of=date(2026, 3, 1),
        calendar=CALENDAR,
    )
    assert [move.tier for move in later] == [Tier.CITY, Tier.PROVINCE]
    assert (
        clock.escalations(
            state=State.SOLVED,
            tier=Tier.ZONE,
            level=Level.ORDINARY,
            solve_due=date(2025, 10, 16),
            as_of=date(2026, 3, 1),
            calendar=CALENDAR,
        )
        == []
    )


days = st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 10, 31))
moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2026, 10, 31, 23, 59)).map(
    lambda moment: moment.replace(tzinfo=BEIJING)
)
levels = st.sampled_from(Level.values)


@given(raised=moments, level=levels)
def test_no_deadline_falls_on_a_rest_day_and_they_come_in_order(raised, level):
    dates = clock.deadlines(raised, level, CALENDAR)
    for day in (dates.plan, dates.reply, dates.solve):
        assert CALENDAR.is_working_day(day)
        assert day > raised.date()
    assert dates.plan <= dates.reply <= dates.solve


@given(raised=moments)
def test_an_ordinary_problem_is_never_given_longer_than_a_major_one(raised):
    assert clock.solve_deadline(raised, Level.ORDINARY, CALENDAR) <= clock.solve_deadline(raised, Level.MAJOR, CALENDAR)


def _escalated(state, tier, level, solve_due, as_of):
    moves = clock.escalations(state=state, tier=tier, level=level, solve_due=solve_due, as_of=as_of, calendar=CALENDAR)
    return (moves[-1].tier, moves[-1].solve_due) if moves else (tier, solve_due)


@given(
    state=st.sampled_from(State.values),
    tier=st.sampled_from(Tier.values),
    level=levels,
    solve_due=days,
    first=st.integers(min_value=0, max_value=60),
    second=st.integers(min_value=0, max_value=60),
)
def test_escalation_is_idempotent_and_does_not_depend_on_how_often_it_runs(
    state, tier, level, solve_due, first, second
):
    day_one = solve_due + timedelta(days=first)
    day_two = day_one + timedelta(days=second)
    once = _escalated(state, tier, level, solve_due, day_one)
    assert _escalated(state, *once[:1], level, once[1], day_one) == once  # the same day again: nothing more
    stepwise = _escalated(state, once[0], level, once[1], day_two)
    assert stepwise == _escalated(state, tier, level, solve_due, day_two)
