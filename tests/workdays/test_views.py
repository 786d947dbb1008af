"""The working days page: what a province administrator sees and does, who else is turned away, and bad input."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.security.sessions import log_in
from tests.workdays.conftest import HEBEI, SHANXI
from zoneledger.accounts.models import User
from zoneledger.audit.models import AuditRecord
from zoneledger.core.calendar import PACKAGE_YEARS
from zoneledger.core.models import WorkdayOverride, WorkdayYear

pytestmark = pytest.mark.django_db
UNKNOWN = PACKAGE_YEARS[-1] + 1


def as_user(client, user, language="en"):
    if isinstance(user, str):
        user = User.objects.get(username=user)
    client.cookies["django_language"] = language
    return log_in(client, user)


def year_url(year=2025):
    return reverse("workdays:year", kwargs={"year": year})


def state():
    return (
        sorted(WorkdayOverride.objects.values_list("province_code", "day", "working", "note")),
        sorted(WorkdayYear.objects.values_list("province_code", "year")),
        AuditRecord.objects.filter(success=True).exclude(action__startswith="login").count(),
    )


def test_the_year_lists_the_notices_holidays_and_tiaoxiu_days(client):
    response = as_user(client, "province-admin").get(year_url(2025))

    assert response.status_code == 200
    rows = {row.day: row for row in response.context["page"].rows}
    assert all(not rows[date(2025, 10, day)].working for day in range(1, 9))
    assert rows[date(2025, 9, 28)].working
    assert rows[date(2025, 10, 11)].working
    page = response.content.decode()
    assert "National Day" in page
    assert "Mid-autumn Festival" in page
    assert "The State Council's notice for 2025" in page


def test_the_page_speaks_chinese_by_default(client):
    response = as_user(client, "province-admin", language="zh-hans").get(year_url(2025))

    page = response.content.decode()
    assert "国庆节" in page
    assert "中秋节" in page
    assert "山西省" in page


def test_the_index_opens_this_year(client):
    response = as_user(client, "province-admin").get(reverse("workdays:index"))

    assert response.status_code == 302
    assert response["Location"] == year_url(timezone.localdate().year)


def test_a_correction_is_added_and_marked_on_the_page(client):
    as_user(client, "province-admin")

    response = client.post(year_url(2025), {"day": "2025-10-08", "working": "1", "note": "本省安排"})

    assert response.status_code == 302
    override = WorkdayOverride.objects.get(province_code=SHANXI, day=date(2025, 10, 8))
    assert override.working
    assert override.entered_by.username == "province-admin"
    page = client.get(year_url(2025)).content.decode()
    assert "2025-10-08 is now a working day." in page
    assert "本省安排" in page
    assert "Remove the correction" in page


def test_a_correction_of_an_ordinary_day_is_listed_too(client):
    as_user(client, "province-admin")
    client.post(year_url(2025), {"day": "2025-03-03", "working": "0", "note": "local holiday"})

    rows = {row.day: row for row in client.get(year_url(2025)).context["page"].rows}
    assert rows[date(2025, 3, 3)].notice is None
    assert rows[date(2025, 3, 3)].override.note == "local holiday"
    assert not rows[date(2025, 3, 3)].working


def test_a_correction_is_removed(client):
    as_user(client, "province-admin")
    client.post(year_url(2025), {"day": "2025-10-08", "working": "1"})

    response = client.post(reverse("workdays:override_remove", kwargs={"year": 2025}), {"day": "2025-10-08"})

    assert response.status_code == 302
    assert not WorkdayOverride.objects.exists()


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"day": "2025-13-40", "working": "1"}, "Enter a valid date."),
        ({"day": "not a date", "working": "1"}, "Enter a valid date."),
        ({"day": "", "working": "1"}, "This field is required."),
        ({"day": "2024-10-08", "working": "1"}, "Choose a day of 2025."),
        ({"day": "2025-10-08", "working": "maybe"}, "Select a valid choice."),
        ({"day": "2025-10-08", "working": "1", "note": "x" * 201}, "at most 200 characters"),
        ({"day": "2025-10-01", "working": "0"}, "2025-10-01 is a rest day already."),
    ],
)
def test_bad_input_is_said_on_the_form_and_changes_nothing(client, form, message):
    as_user(client, "province-admin")
    before = state()

    response = client.post(year_url(2025), form)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert state() == before


def test_a_duplicate_correction_is_refused_and_changes_nothing(client):
    as_user(client, "province-admin")
    client.post(year_url(2025), {"day": "2025-10-08", "working": "1", "note": "first"})
    before = state()

    response = client.post(year_url(2025), {"day": "2025-10-08", "working": "1", "note": "second"})

    assert response.status_code == 400
    assert "2025-10-08 is corrected already: remove that correction first." in response.content.decode()
    assert state() == before


@pytest.mark.parametrize("day", ["2025-02-30", "2025-10-09", "2024-10-08"])
def test_removing_a_bad_or_missing_day_says_so_and_changes_nothing(client, day):
    as_user(client, "province-admin")
    client.post(year_url(2025), {"day": "2025-10-08", "working": "1"})
    before = state()

    response = client.post(reverse("workdays:override_remove", kwargs={"year": 2025}), {"day": day}, follow=True)

    assert response.status_code == 200
    assert [str(message) for message in response.context["messages"]] != []
    assert state() == before


@pytest.mark.parametrize(
    "username",
    ["province-viewer", "province-editor", "province-reviewer", "wenshui-admin", "lvliang-reviewer", "auditor"],
)
def test_everyone_but_a_province_admin_is_turned_away(client, username):
    as_user(client, username)
    before = state()

    assert client.get(year_url(2025)).status_code == 403
    assert client.post(year_url(2025), {"day": "2025-10-08", "working": "1"}).status_code == 403
    assert client.post(reverse("workdays:year_enter", kwargs={"year": UNKNOWN}), {"action": "enter"}).status_code == 403
    assert state() == before


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(year_url(2025))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_year_far_off_is_not_found(client):
    as_user(client, "province-admin")

    assert client.get(year_url(1999)).status_code == 404
    assert client.get(year_url(2101)).status_code == 404


def test_each_province_sees_and_changes_its_own_days(client, hebei_admin):
    as_user(client, "province-admin")
    client.post(year_url(2025), {"day": "2025-10-08", "working": "1", "note": "山西"})
    hebei = as_user(type(client)(), hebei_admin)

    response = hebei.get(year_url(2025))
    assert "山西" not in response.content.decode()
    assert not any(row.override for row in response.context["page"].rows)
    hebei.post(reverse("workdays:override_remove", kwargs={"year": 2025}), {"day": "2025-10-08"})
    assert WorkdayOverride.objects.filter(province_code=SHANXI).count() == 1
    hebei.post(year_url(2025), {"day": "2025-10-07", "working": "1"})
    assert list(WorkdayOverride.objects.filter(province_code=HEBEI).values_list("day", flat=True)) == [
        date(2025, 10, 7)
    ]


def test_a_year_the_package_does_not_know_is_said_and_can_be_entered(client):
    as_user(client, "province-admin")
    holiday = date(UNKNOWN, 10, 1)
    while holiday.weekday() >= 5:
        holiday += timedelta(days=1)

    page = client.get(year_url(UNKNOWN)).content.decode()
    assert f"does not know {UNKNOWN} yet" in page
    assert "shown as an error" in page

    refused = client.post(reverse("workdays:year_enter", kwargs={"year": UNKNOWN}), {"action": "enter"}, follow=True)
    assert "holidays first" in refused.content.decode()
    assert not WorkdayYear.objects.exists()

    client.post(year_url(UNKNOWN), {"day": holiday.isoformat(), "working": "0", "note": "国庆节"})
    client.post(reverse("workdays:year_enter", kwargs={"year": UNKNOWN}), {"action": "enter", "note": "通知"})
    assert WorkdayYear.objects.filter(province_code=SHANXI, year=UNKNOWN).exists()
    page = client.get(year_url(UNKNOWN)).content.decode()
    assert "the province entered it" in page

    client.post(reverse("workdays:year_enter", kwargs={"year": UNKNOWN}), {"action": "withdraw"})
    assert not WorkdayYear.objects.exists()


def test_with_the_weekends_fallback_the_page_says_it_is_a_guess(client, settings):
    settings.ZONELEDGER_CALENDAR_UNKNOWN_YEAR = "weekends"

    page = as_user(client, "province-admin").get(year_url(UNKNOWN)).content.decode()

    assert "a guess that misses its holidays" in page


def test_only_a_province_admin_is_shown_the_way_to_the_page(client):
    link = reverse("workdays:index")

    assert link in as_user(client, "province-admin").get(reverse("reports:dashboard")).content.decode()
    assert link not in as_user(type(client)(), "province-editor").get(reverse("reports:dashboard")).content.decode()
