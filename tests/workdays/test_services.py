"""Writing a province's working days: who may, what is refused, and that a refusal changes nothing."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.workdays.conftest import HEBEI, SHANXI
from zoneledger.accounts.models import User
from zoneledger.audit.models import AuditRecord
from zoneledger.core.calendar import PACKAGE_YEARS, WorkingCalendar
from zoneledger.core.errors import NotAllowed
from zoneledger.core.models import WorkdayOverride, WorkdayYear
from zoneledger.workdays.services import (
    workday_override_remove,
    workday_override_set,
    workday_year_enter,
    workday_year_withdraw,
)

pytestmark = pytest.mark.django_db
UNKNOWN = PACKAGE_YEARS[-1] + 1


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def a_weekday(day):
    """`day` or the first Monday–Friday after it."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def state():
    """Everything a refused write must leave as it was."""
    return (
        sorted(WorkdayOverride.objects.values_list("province_code", "day", "working", "note")),
        sorted(WorkdayYear.objects.values_list("province_code", "year")),
        AuditRecord.objects.count(),
    )


def test_a_province_admin_makes_a_working_day_a_rest_day_and_it_is_audited(province_admin):
    override = workday_override_set(
        actor=province_admin, province_code=SHANXI, day=date(2025, 9, 30), working=False, note="省政府通知"
    )

    assert override.entered_by == province_admin
    assert not WorkingCalendar(SHANXI, unknown_year="error").is_working_day(date(2025, 9, 30))
    assert WorkingCalendar(HEBEI, unknown_year="error").is_working_day(date(2025, 9, 30))
    record = AuditRecord.objects.order_by("-id").first()
    assert (record.action, record.actor, record.object_id) == ("workday.set", province_admin, str(override.pk))
    assert record.after == {"province": SHANXI, "day": "2025-09-30", "working": False, "note": "省政府通知"}


def test_a_holiday_becomes_a_working_day(province_admin):
    workday_override_set(actor=province_admin, province_code=SHANXI, day=date(2025, 10, 8), working=True)

    calendar = WorkingCalendar(SHANXI, unknown_year="error")
    assert calendar.add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 8)


def test_a_second_correction_of_the_same_day_is_refused_and_changes_nothing(province_admin):
    workday_override_set(actor=province_admin, province_code=SHANXI, day=date(2025, 10, 8), working=True)
    before = state()

    with pytest.raises(ValidationError) as refused:
        workday_override_set(actor=province_admin, province_code=SHANXI, day=date(2025, 10, 8), working=True)

    assert "corrected already" in refused.value.message_dict["day"][0]
    assert state() == before


def test_a_correction_that_says_what_the_notice_says_is_refused(province_admin):
    before = state()

    with pytest.raises(ValidationError) as refused:
        workday_override_set(actor=province_admin, province_code=SHANXI, day=date(2025, 10, 1), working=False)

    assert "rest day already" in refused.value.message_dict["working"][0]
    with pytest.raises(ValidationError):
        workday_override_set(actor=province_admin, province_code=SHANXI, day=date(2025, 9, 28), working=True)
    assert state() == before


@pytest.mark.parametrize("username", ["province-editor", "province-reviewer", "wenshui-admin", "lvliang-reviewer"])
def test_only_a_province_admin_may_correct(username):
    before = state()

    with pytest.raises(NotAllowed):
        workday_override_set(
            actor=User.objects.get(username=username), province_code=SHANXI, day=date(2025, 10, 8), working=True
        )

    assert state() == before


def test_an_admin_of_another_province_may_not_correct_this_one(hebei_admin):
    before = state()

    with pytest.raises(NotAllowed):
        workday_override_set(actor=hebei_admin, province_code=SHANXI, day=date(2025, 10, 8), working=True)
    assert state() == before

    workday_override_set(actor=hebei_admin, province_code=HEBEI, day=date(2025, 10, 8), working=True)
    assert AuditRecord.objects.order_by("-id").first().province == HEBEI
    assert WorkingCalendar(HEBEI, unknown_year="error").is_working_day(date(2025, 10, 8))
    assert not WorkingCalendar(SHANXI, unknown_year="error").is_working_day(date(2025, 10, 8))


def test_removing_a_correction_gives_the_day_back_to_the_notice(province_admin):
    workday_override_set(actor=province_admin, province_code=SHANXI, day=date(2025, 10, 8), working=True)

    workday_override_remove(actor=province_admin, province_code=SHANXI, day=date(2025, 10, 8))

    assert not WorkingCalendar(SHANXI, unknown_year="error").is_working_day(date(2025, 10, 8))
    record = AuditRecord.objects.order_by("-id").first()
    assert record.action == "workday.remove"
    assert record.before["day"] == "2025-10-08"


def test_removing_what_is_not_there_is_refused(province_admin, hebei_admin):
    workday_override_set(actor=hebei_admin, province_code=HEBEI, day=date(2025, 10, 8), working=True)
    before = state()

    with pytest.raises(ValidationError):
        workday_override_remove(actor=province_admin, province_code=SHANXI, day=date(2025, 10, 8))
    with pytest.raises(NotAllowed):
        workday_override_remove(actor=province_admin, province_code=HEBEI, day=date(2025, 10, 8))
    assert state() == before


def test_the_operator_at_the_command_line_may_correct():
    workday_override_set(actor=None, province_code=SHANXI, day=date(2025, 10, 8), working=True)

    record = AuditRecord.objects.order_by("-id").first()
    assert record.actor_name == "command line"
    assert record.province == SHANXI  # the province's own chain, although the operator belongs to none


def test_a_province_enters_a_year_the_package_does_not_know(province_admin):
    new_year = date(UNKNOWN, 1, 1)
    calendar = WorkingCalendar(SHANXI, unknown_year="error")
    assert not calendar.knows_year(UNKNOWN)

    workday_override_set(actor=province_admin, province_code=SHANXI, day=new_year, working=new_year.weekday() >= 5)
    workday_year_enter(actor=province_admin, province_code=SHANXI, year=UNKNOWN, note="国务院办公厅通知")

    calendar = WorkingCalendar(SHANXI, unknown_year="error")
    assert calendar.knows_year(UNKNOWN)
    assert calendar.is_working_day(new_year) == (new_year.weekday() >= 5)
    assert not WorkingCalendar(HEBEI, unknown_year="error").knows_year(UNKNOWN)
    assert AuditRecord.objects.order_by("-id").first().action == "workday.year_enter"

    workday_year_withdraw(actor=province_admin, province_code=SHANXI, year=UNKNOWN)
    assert not WorkingCalendar(SHANXI, unknown_year="error").knows_year(UNKNOWN)


def test_entering_a_year_is_refused_when_it_would_mean_nothing(province_admin):
    before = state()

    with pytest.raises(ValidationError, match="has 2025 already"):
        workday_year_enter(actor=province_admin, province_code=SHANXI, year=2025)
    with pytest.raises(ValidationError, match="holidays first"):
        workday_year_enter(actor=province_admin, province_code=SHANXI, year=UNKNOWN)
    with pytest.raises(ValidationError):
        workday_year_withdraw(actor=province_admin, province_code=SHANXI, year=UNKNOWN)
    assert state() == before


def test_a_year_is_entered_once(province_admin):
    holiday = a_weekday(date(UNKNOWN, 10, 1))
    workday_override_set(actor=province_admin, province_code=SHANXI, day=holiday, working=False)
    workday_year_enter(actor=province_admin, province_code=SHANXI, year=UNKNOWN)
    before = state()

    with pytest.raises(ValidationError, match="entered already"):
        workday_year_enter(actor=province_admin, province_code=SHANXI, year=UNKNOWN)
    assert state() == before
