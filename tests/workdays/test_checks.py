"""Start-up checks: a year the calendar does not know is said before anyone asks for one of its days."""

from datetime import date

import pytest

from zoneledger.accounts.choices import OrgKind
from zoneledger.accounts.models import OrgUnit
from zoneledger.core.calendar import PACKAGE_YEARS
from zoneledger.core.models import WorkdayYear
from zoneledger.workdays.checks import calendar_this_year_for_deploy, calendar_years

pytestmark = pytest.mark.django_db
LAST_KNOWN = PACKAGE_YEARS[-1]


def provinces():
    return sorted(OrgUnit.objects.filter(kind=OrgKind.PROVINCE).values_list("division_id", flat=True))


def test_nothing_to_say_in_a_year_whose_next_year_is_known_too():
    assert calendar_years(today=date(LAST_KNOWN - 1, 6, 1)) == []


def test_next_year_unknown_is_a_warning_naming_the_provinces_and_the_way_out():
    messages = calendar_years(today=date(LAST_KNOWN, 12, 1))

    assert [message.id for message in messages] == ["zoneledger.W002"]
    assert messages[0].level == 30  # a warning: the server still starts
    assert f"does not know {LAST_KNOWN + 1}" in messages[0].msg
    assert all(code in messages[0].msg for code in provinces())
    assert "chinesecalendar" in messages[0].hint
    assert f"/workdays/{LAST_KNOWN + 1}/" in messages[0].hint
    assert "an error" in messages[0].hint


def test_next_year_is_not_warned_about_before_its_notice_can_be_out():
    assert calendar_years(today=date(LAST_KNOWN, 10, 31)) == []
    assert [message.id for message in calendar_years(today=date(LAST_KNOWN, 11, 1))] == ["zoneledger.W002"]


def test_this_year_unknown_is_a_warning_all_year():
    assert [message.id for message in calendar_years(today=date(LAST_KNOWN + 1, 1, 4))] == ["zoneledger.W001"]
    assert [message.id for message in calendar_years(today=date(LAST_KNOWN + 1, 11, 4))] == [
        "zoneledger.W001",
        "zoneledger.W002",
    ]


def test_a_year_every_province_entered_itself_is_not_warned_about():
    for code in provinces():
        WorkdayYear.objects.create(province_code=code, year=LAST_KNOWN + 1)

    assert calendar_years(today=date(LAST_KNOWN, 12, 1)) == []


def test_a_year_only_some_provinces_entered_names_the_others(hebei_admin):
    WorkdayYear.objects.create(province_code="140000", year=LAST_KNOWN + 1)

    (message,) = calendar_years(today=date(LAST_KNOWN, 12, 1))

    assert "130000" in message.msg
    assert "140000" not in message.msg


def test_the_weekends_fallback_is_named_in_the_hint(settings):
    settings.ZONELEDGER_CALENDAR_UNKNOWN_YEAR = "weekends"

    (message,) = calendar_years(today=date(LAST_KNOWN, 12, 1))

    assert "count Monday to Friday" in message.hint


def test_a_setting_the_calendar_does_not_know_is_an_error(settings):
    settings.ZONELEDGER_CALENDAR_UNKNOWN_YEAR = "guess"

    (message,) = calendar_years(today=date(LAST_KNOWN, 12, 1))

    assert message.id == "zoneledger.E001"
    assert message.is_serious()


def test_a_deployment_in_an_unknown_year_is_an_error_while_unknown_days_are_errors(settings):
    (message,) = calendar_this_year_for_deploy(today=date(LAST_KNOWN + 1, 1, 4))
    assert message.id == "zoneledger.E002"
    assert message.is_serious()
    assert calendar_this_year_for_deploy(today=date(LAST_KNOWN, 12, 1)) == []

    settings.ZONELEDGER_CALENDAR_UNKNOWN_YEAR = "weekends"
    assert calendar_this_year_for_deploy(today=date(LAST_KNOWN + 1, 1, 4)) == []


def test_with_no_province_set_up_the_packages_gap_is_still_said():
    OrgUnit.objects.filter(kind=OrgKind.PROVINCE).update(kind=OrgKind.CITY)

    (message,) = calendar_years(today=date(LAST_KNOWN, 12, 1))

    assert "no province is set up yet" in message.msg
