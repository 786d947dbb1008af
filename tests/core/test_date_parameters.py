"""Every date a page or a command takes: a malformed one or one out of range (year 1, year 9999) is a form error
or a command's error in the user's language, never a 500, and nothing is written."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from zoneledger.accounts.models import User
from zoneledger.campaigns.models import Round
from zoneledger.projects.models import Project, StageEvent

pytestmark = pytest.mark.django_db

BAD_DATES = ["0001-01-01", "9999-12-31", "1899-12-31", "3000-01-01", "2024-02-30", "2024-13-01", "abc", "99999-01-01"]


def latest_round():
    return Round.objects.filter(province_id="140000").order_by("-held_on").first()


def page_urls():
    round_ = latest_round()
    label = round_.url_kwargs
    return {
        "province-admin": [
            (reverse("reports:dashboard"), "as_of"),
            (reverse("reports:year_summary"), "as_of"),
            (reverse("reports:warnings"), "as_of"),
            (reverse("reports:warnings_export"), "as_of"),
            (reverse("reports:round_bulletin", kwargs=label), "as_of"),
            (reverse("reports:round_bulletin_xlsx", kwargs=label), "as_of"),
        ],
        "auditor": [
            (reverse("audit:record_list"), "since"),
            (reverse("audit:record_list"), "until"),
            (reverse("audit:record_export"), "since"),
            (reverse("audit:record_export"), "until"),
        ],
    }


def log_in(client, username):
    user = User.objects.get(username=username)
    client.force_login(user)


@pytest.mark.parametrize("value", BAD_DATES)
@pytest.mark.parametrize("username", ["province-admin", "auditor"])
def test_a_bad_date_in_a_pages_query_is_a_form_error_not_a_500(client, username, value):
    log_in(client, username)
    for url, parameter in page_urls()[username]:
        response = client.get(url, {parameter: value})

        assert response.status_code in (200, 302), (url, parameter, response.status_code)
        form = response.context and (response.context.get("filter_form") or response.context.get("filter"))
        if form is not None and response.status_code == 200:
            errors = form.errors if hasattr(form, "errors") else form.form.errors
            assert parameter in errors, (url, parameter)


def test_the_dashboard_says_which_dates_it_takes(client):
    log_in(client, "province-admin")

    response = client.get(reverse("reports:dashboard"), {"as_of": "0001-01-01"}, headers={"Accept-Language": "en"})

    assert "Enter a date between 1900-01-01 and 2999-12-31." in response.context["filter_form"].errors["as_of"]


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "abc"])
def test_a_stage_dated_out_of_range_is_refused_and_nothing_is_recorded(client, value):
    log_in(client, "wenshui-editor")
    project = Project.objects.filter(zone__name="文水经济开发区").first()
    events = StageEvent.objects.count()

    response = client.post(
        reverse("projects:stage_record", args=[project.pk]), {"stage": "signed", "happened_on": value}
    )

    assert response.status_code == 200
    assert "happened_on" in response.context["stage_form"].errors
    assert StageEvent.objects.count() == events


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_a_round_dated_out_of_range_is_refused(client, value):
    log_in(client, "province-admin")
    round_ = latest_round()

    response = client.post(
        reverse("campaigns:round_update", kwargs=round_.url_kwargs),
        {"held_on": value, "title": "x"},
    )

    assert response.status_code == 200
    assert "held_on" in response.context["form"].errors
    assert Round.objects.get(pk=round_.pk).held_on == round_.held_on


@pytest.mark.parametrize(
    "option", [["--as-of", "0001-01-01"], ["--as-of", "9999-12-31"], ["--known-at", "0001-01-01T00:00"]]
)
def test_the_figures_command_refuses_a_date_out_of_range_with_a_message(option):
    with pytest.raises(CommandError, match=rf"{option[0]}: .*1900-01-01"):
        call_command("figures", "--scope", "province", "--year", "2024", *option)


def test_the_round_command_refuses_a_date_out_of_range():
    with pytest.raises(CommandError, match=r"--held-on: .*1900-01-01"):
        call_command("round", "add", "2030-1", "--held-on", "0001-01-01")
    assert not Round.objects.filter(year=2030).exists()
