"""The working-day calendar: the State Council's notices as the package has them, 调休, provinces' corrections,
unknown years, and the counting rules the 13710 clock and 倒排工期 rely on."""

import zoneinfo
from datetime import date, datetime, timedelta

import chinese_calendar
import pytest
from django.utils import translation
from hypothesis import assume, given
from hypothesis import strategies as st

from zoneledger.core.calendar import (
    PACKAGE_YEARS,
    CalendarYearUnknown,
    WorkingCalendar,
    package_days,
    package_knows,
)
from zoneledger.core.errors import DomainError
from zoneledger.core.models import WorkdayOverride, WorkdayYear

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
NATIONAL = WorkingCalendar(unknown_year="error")


def days(first, last):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def test_2025_national_day_and_mid_autumn_are_eight_days_off_with_two_weekends_worked():
    assert [NATIONAL.is_working_day(day) for day in days(date(2025, 10, 1), date(2025, 10, 8))] == [False] * 8
    assert NATIONAL.is_working_day(date(2025, 9, 28))  # a Sunday worked (调休)
    assert NATIONAL.is_working_day(date(2025, 10, 11))  # a Saturday worked (调休)
    assert not NATIONAL.is_working_day(date(2025, 9, 27))  # the Saturday before stays a rest day
    assert NATIONAL.is_working_day(date(2025, 10, 9))


def test_2026_as_the_package_has_the_notice():
    rest = [
        *days(date(2026, 1, 1), date(2026, 1, 3)),
        *days(date(2026, 2, 15), date(2026, 2, 23)),
        *days(date(2026, 4, 4), date(2026, 4, 6)),
        *days(date(2026, 5, 1), date(2026, 5, 5)),
        *days(date(2026, 6, 19), date(2026, 6, 21)),
        *days(date(2026, 9, 25), date(2026, 9, 27)),
        *days(date(2026, 10, 1), date(2026, 10, 7)),
    ]
    worked_weekends = [date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9), date(2026, 9, 20)]
    worked_weekends.append(date(2026, 10, 10))

    assert not any(NATIONAL.is_working_day(day) for day in rest)
    assert all(NATIONAL.is_working_day(day) and day.weekday() >= 5 for day in worked_weekends)
    listed = package_days(2026)
    assert [entry.day for entry in listed if not entry.working] == rest
    assert [entry.day for entry in listed if entry.working] == worked_weekends


def test_every_day_of_every_known_year_agrees_with_the_package():
    assert PACKAGE_YEARS[0] <= 2025 < 2026 <= PACKAGE_YEARS[-1]
    for day in days(date(PACKAGE_YEARS[0], 1, 1), date(PACKAGE_YEARS[-1], 12, 31)):
        assert NATIONAL.is_working_day(day) == chinese_calendar.is_workday(day), day


def test_holidays_are_named_in_the_users_language():
    with translation.override("en"):
        assert next(entry for entry in package_days(2025) if entry.day == date(2025, 10, 1)).name == "National Day"
    with translation.override("zh-hans"):
        assert next(entry for entry in package_days(2025) if entry.day == date(2025, 10, 6)).name == "中秋节"


def test_a_deadline_within_one_working_day_of_friday_16h_before_national_day_is_the_worked_sunday():
    raised = datetime(2025, 9, 26, 16, 0, tzinfo=BEIJING)  # Friday; Saturday rests, Sunday 28th is worked (调休)

    assert NATIONAL.add_working_days(raised, 1) == date(2025, 9, 28)


def test_a_deadline_from_the_eve_of_national_day_waits_for_the_holiday_to_end():
    raised = datetime(2025, 9, 30, 16, 0, tzinfo=BEIJING)

    assert NATIONAL.add_working_days(raised, 1) == date(2025, 10, 9)
    assert NATIONAL.add_working_days(raised, 3) == date(2025, 10, 11)  # the worked Saturday counts
    assert NATIONAL.add_working_days(raised, 7) == date(2025, 10, 16)


def test_raised_on_a_worked_saturday_the_count_starts_after_it():
    assert NATIONAL.add_working_days(date(2025, 10, 11), 1) == date(2025, 10, 13)


def test_a_moment_counts_on_its_beijing_date_not_its_utc_date():
    early_friday = datetime(2025, 9, 25, 17, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))  # 01:30 Friday in Beijing

    assert NATIONAL.add_working_days(early_friday, 1) == date(2025, 9, 28)


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError, match="naive"):
        NATIONAL.add_working_days(datetime(2025, 9, 26, 16, 0), 1)


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError, match="n >= 0"):
        NATIONAL.add_working_days(date(2025, 9, 26), -1)
    with pytest.raises(ValueError, match="n >= 0"):
        NATIONAL.subtract_working_days(date(2025, 9, 26), -1)


def test_scheduling_backwards_steps_over_qingming():
    start = date(2025, 4, 15)  # 开工 target, a Tuesday; 4–6 April 2025 are 清明

    assert NATIONAL.subtract_working_days(start, 5) == date(2025, 4, 8)
    assert NATIONAL.subtract_working_days(start, 7) == date(2025, 4, 3)


def test_zero_working_days_rolls_to_the_nearest_working_day_in_the_direction_asked():
    assert NATIONAL.add_working_days(date(2025, 10, 1), 0) == date(2025, 10, 9)
    assert NATIONAL.subtract_working_days(date(2025, 10, 1), 0) == date(2025, 9, 30)
    assert NATIONAL.add_working_days(date(2025, 9, 30), 0) == date(2025, 9, 30)


def test_working_days_between_counts_after_the_first_up_to_the_last():
    assert NATIONAL.working_days_between(date(2025, 9, 30), date(2025, 10, 9)) == 1
    assert NATIONAL.working_days_between(date(2025, 9, 26), date(2025, 10, 11)) == 6
    assert NATIONAL.working_days_between(date(2025, 10, 11), date(2025, 9, 26)) == -6
    assert NATIONAL.working_days_between(date(2025, 10, 1), date(2025, 10, 1)) == 0


def test_a_correction_turns_a_rest_day_into_a_working_day_and_a_working_day_into_a_rest_day():
    calendar = WorkingCalendar(overrides={date(2025, 10, 8): True, date(2025, 9, 30): False}, unknown_year="error")

    assert calendar.is_working_day(date(2025, 10, 8))
    assert not calendar.is_working_day(date(2025, 9, 30))
    assert calendar.add_working_days(date(2025, 9, 29), 1) == date(2025, 10, 8)
    assert NATIONAL.add_working_days(date(2025, 9, 29), 1) == date(2025, 9, 30)


def test_an_unknown_year_is_an_error_that_says_what_to_do():
    unknown = PACKAGE_YEARS[-1] + 1
    with translation.override("en"), pytest.raises(CalendarYearUnknown) as raised:
        NATIONAL.is_working_day(date(unknown, 3, 3))

    assert raised.value.year == unknown
    assert isinstance(raised.value, DomainError)
    message = str(raised.value)
    assert str(unknown) in message
    assert chinese_calendar.__version__ in message
    assert "working days page" in message
    with translation.override("zh-hans"), pytest.raises(CalendarYearUnknown) as raised:
        NATIONAL.is_working_day(date(unknown, 3, 3))
    assert "工作日" in str(raised.value)


def test_counting_into_an_unknown_year_is_an_error_too():
    last_known = date(PACKAGE_YEARS[-1], 12, 31)
    with pytest.raises(CalendarYearUnknown):
        NATIONAL.add_working_days(last_known - timedelta(days=3), 10)
    with pytest.raises(CalendarYearUnknown):
        NATIONAL.working_days_between(last_known, last_known + timedelta(days=10))


def test_the_weekends_fallback_counts_monday_to_friday_in_an_unknown_year(settings):
    settings.ZONELEDGER_CALENDAR_UNKNOWN_YEAR = "weekends"
    unknown = PACKAGE_YEARS[-1] + 1
    calendar = WorkingCalendar()
    monday = date(unknown, 3, 1) + timedelta(days=-date(unknown, 3, 1).weekday() + 7)

    assert calendar.is_working_day(monday)
    assert not calendar.is_working_day(monday + timedelta(days=5))
    assert calendar.add_working_days(monday + timedelta(days=4), 1) == monday + timedelta(days=7)
    assert not calendar.knows_year(unknown)


def test_a_year_the_province_entered_is_known_with_its_corrections():
    unknown = PACKAGE_YEARS[-1] + 1
    new_year = date(unknown, 1, 1)
    calendar = WorkingCalendar(
        overrides={new_year: False, new_year + timedelta(days=1): False}, entered_years=[unknown], unknown_year="error"
    )

    assert calendar.knows_year(unknown)
    assert not calendar.is_working_day(new_year)
    expected = next(day for day in days(new_year + timedelta(days=2), date(unknown, 1, 10)) if day.weekday() < 5)
    assert calendar.add_working_days(date(unknown - 1, 12, 31), 1) == expected


def test_a_bad_setting_is_refused(settings):
    settings.ZONELEDGER_CALENDAR_UNKNOWN_YEAR = "guess"
    with pytest.raises(ValueError, match="ZONELEDGER_CALENDAR_UNKNOWN_YEAR"):
        WorkingCalendar()


def test_package_knows_its_years_only():
    assert package_knows(2025)
    assert package_knows(2026)
    assert not package_knows(PACKAGE_YEARS[-1] + 1)
    assert package_days(PACKAGE_YEARS[-1] + 1) == []


@pytest.mark.django_db
def test_a_provinces_calendar_reads_its_corrections_in_one_query(django_assert_num_queries):
    WorkdayOverride.objects.create(province_code="140000", day=date(2025, 9, 30), working=False, note="test")
    WorkdayOverride.objects.create(province_code="130000", day=date(2025, 10, 8), working=True)
    WorkdayYear.objects.create(province_code="140000", year=PACKAGE_YEARS[-1] + 1)

    with django_assert_num_queries(1):
        shanxi = WorkingCalendar("140000", unknown_year="error")
    with django_assert_num_queries(0):
        assert not shanxi.is_working_day(date(2025, 9, 30))
        assert not shanxi.is_working_day(date(2025, 10, 8))  # another province's correction
        year = (date(2025, 1, 1), date(2025, 12, 31))
        assert shanxi.working_days_between(*year) == NATIONAL.working_days_between(*year) - 1
        assert shanxi.knows_year(PACKAGE_YEARS[-1] + 1)
    with django_assert_num_queries(0):
        WorkingCalendar(unknown_year="error")


# Properties hold for any calendar: the package's years, unknown years (weekends), and arbitrary corrections.
span_days = st.dates(min_value=date(2004, 1, 1), max_value=date(2030, 12, 31))
corrections = st.dictionaries(st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31)), st.booleans())
counts = st.integers(min_value=0, max_value=80)


def any_calendar(overrides):
    return WorkingCalendar(overrides=overrides, unknown_year="weekends")


@given(corrections, span_days, counts)
def test_adding_always_lands_on_a_working_day_after_the_start(overrides, start, n):
    calendar = any_calendar(overrides)
    landed = calendar.add_working_days(start, n)

    assert calendar.is_working_day(landed)
    assert landed > start or (n == 0 and landed == start)


@given(corrections, span_days, counts)
def test_subtracting_always_lands_on_a_working_day_before_the_target(overrides, target, n):
    calendar = any_calendar(overrides)
    landed = calendar.subtract_working_days(target, n)

    assert calendar.is_working_day(landed)
    assert landed < target or (n == 0 and landed == target)


@given(corrections, span_days, counts)
def test_subtract_then_add_comes_back_to_a_working_day(overrides, target, n):
    calendar = any_calendar(overrides)
    assume(calendar.is_working_day(target))

    assert calendar.add_working_days(calendar.subtract_working_days(target, n), n) == target
    assert calendar.subtract_working_days(calendar.add_working_days(target, n), n) == target
    assert calendar.working_days_between(calendar.subtract_working_days(target, n), target) == n


@given(corrections, span_days, span_days, counts, counts)
def test_adding_is_monotonic_in_the_start_and_in_the_count(overrides, first, second, n, m):
    calendar = any_calendar(overrides)
    early, late = sorted([first, second])
    fewer, more = sorted([n, m])

    assert calendar.add_working_days(early, n) <= calendar.add_working_days(late, n)
    assert calendar.add_working_days(early, fewer) <= calendar.add_working_days(early, more)
    if 0 < fewer < more:
        assert calendar.add_working_days(early, fewer) < calendar.add_working_days(early, more)


@given(corrections, span_days, span_days)
def test_between_is_antisymmetric_and_counts_what_adding_steps_over(overrides, first, second):
    calendar = any_calendar(overrides)
    count = calendar.working_days_between(first, second)

    assert calendar.working_days_between(second, first) == -count
    if second > first and calendar.is_working_day(second) and count > 0:
        assert calendar.add_working_days(first, count) == second
