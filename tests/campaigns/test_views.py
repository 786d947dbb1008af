"""The rounds pages: the list, the bulletin by city and zone with its .xlsx, and the province's round form."""

import io
from datetime import date

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from tests.security.sessions import log_in
from zoneledger.accounts.models import User
from zoneledger.audit.models import AuditRecord
from zoneledger.campaigns.models import Round
from zoneledger.zones.models import Zone

pytestmark = pytest.mark.django_db

SHANXI = "140000"
ROUND_2023_4 = {"province": SHANXI, "year": 2023, "sequence": 4}


def as_user(client, username):
    """Logged in with the second factor done: administrators must have one, and that is not what is tested here."""
    return log_in(client, User.objects.get(username=username))


def detail(client, **query):
    return client.get(reverse("reports:round_bulletin", kwargs=ROUND_2023_4), query)


# -- list and bulletin -------------------------------------------------------------------------------------------


def test_every_business_user_sees_every_round_of_their_province(client):
    response = as_user(client, "wenshui-viewer").get(reverse("campaigns:round_list"))

    assert [round_.label for round_ in response.context["rounds"]][:2] == ["2024-4", "2024-3"]
    assert len(response.context["rounds"]) == Round.objects.filter(province_id=SHANXI).count()
    assert reverse("campaigns:round_create").encode() not in response.content


def test_the_province_admin_is_offered_the_round_form(client):
    response = as_user(client, "province-admin").get(reverse("campaigns:round_list"))

    assert reverse("campaigns:round_create").encode() in response.content


def test_the_province_bulletin_has_the_seeds_totals(client):
    response = detail(as_user(client, "province-viewer"), as_of="2023-12-31")

    total = response.context["total"]["cells"]
    assert (total["signed_count"], total["started_count"], total["commissioned_count"]) == (233, 225, 225)


def test_the_province_bulletin_lists_each_city_with_its_zones_beneath(client):
    response = detail(as_user(client, "province-viewer"))

    rows = response.context["rows"]
    city_of = dict(Zone.objects.values_list("name", "city__name"))
    current_city = None
    for row in rows:
        if row["kind"] == "city":
            current_city = row["name"]
        else:
            assert city_of[row["name"]] == current_city
    cities = [row for row in rows if row["kind"] == "city"]
    assert sum(row["cells"]["signed_count"] for row in cities) == response.context["total"]["cells"]["signed_count"]


def test_a_city_reviewer_sees_only_the_citys_zones(client):
    response = detail(as_user(client, "lvliang-reviewer"))

    names = {row["name"] for row in response.context["rows"]}
    assert names
    assert names <= set(Zone.objects.filter(city_id="141100").values_list("name", flat=True))
    assert response.context["charts"]["counts"]["categories"] == [row["name"] for row in response.context["rows"]]
    rates = response.context["charts"]["rates"]["series"][0]["data"]
    # The chart leaves a gap where the table shows "—" (no project signed, no rate).
    assert rates == [
        None if row["cells"]["start_rate"] == "—" else row["cells"]["start_rate"] for row in response.context["rows"]
    ]


def test_zones_are_nested_under_their_city_only_in_the_province_bulletin(client):
    province = detail(as_user(client, "province-viewer")).content.decode()
    city = detail(as_user(Client(), "lvliang-viewer")).content.decode()

    assert '<span aria-hidden="true">└ </span>文水经济开发区' in province
    assert "└" not in city
    assert "文水经济开发区" in city


def test_a_zone_sees_its_own_row_only(client):
    response = detail(as_user(client, "wenshui-editor"))

    assert {row["name"] for row in response.context["rows"]} <= {"文水经济开发区"}


def test_an_unknown_round_is_not_found(client):
    as_user(client, "province-viewer")

    assert (
        client.get(
            reverse("reports:round_bulletin", kwargs={"province": SHANXI, "year": 2099, "sequence": 1})
        ).status_code
        == 404
    )


def test_the_bulletin_page_has_the_chart_the_download_and_the_print_stylesheet(client):
    body = detail(as_user(client, "province-viewer")).content.decode()

    assert 'data-chart="chart-round"' in body
    assert reverse("reports:round_bulletin_xlsx", kwargs=ROUND_2023_4) in body
    assert 'css/print.css" media="print"' in body


def test_the_bulletin_downloads_as_a_workbook_and_is_audited(client):
    as_user(client, "lvliang-viewer")
    exports_before = AuditRecord.objects.filter(action="export").count()

    response = client.get(reverse("reports:round_bulletin_xlsx", kwargs=ROUND_2023_4), {"as_of": "2023-12-31"})

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    cells = [
        value for row in openpyxl.load_workbook(io.BytesIO(response.content)).active.values for value in row if value
    ]
    assert "文水经济开发区" in cells
    assert "临汾经济开发区" not in cells
    assert AuditRecord.objects.filter(action="export").count() == exports_before + 1


def test_a_bad_as_of_date_is_named(client):
    response = detail(as_user(client, "province-viewer"), as_of="2023-02-31")

    assert response.status_code == 200
    assert "as_of" in response.context["filter_form"].errors


def test_the_rounds_need_a_log_in(client):
    response = client.get(reverse("campaigns:round_list"))

    assert response.status_code == 302
    assert "login" in response.url


# -- the round form ----------------------------------------------------------------------------------------------


def test_the_province_admin_creates_a_round(client):
    as_user(client, "province-admin")

    response = client.post(
        reverse("campaigns:round_create"),
        {"label": "2025-1", "held_on": "2025-03-27", "title": "全省开发区2025年第一次“三个一批”活动", "venues": "太原"},
    )

    created = Round.objects.get(province_id=SHANXI, year=2025, sequence=1)
    assert response.url == reverse("reports:round_bulletin", kwargs={"province": SHANXI, "year": 2025, "sequence": 1})
    assert (created.held_on, created.venues) == (date(2025, 3, 27), "太原")
    assert AuditRecord.objects.filter(action="round.create", object_id=str(created.pk)).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"label": "2023-4", "held_on": "2023-12-01"}, "label"),  # exists already
        ({"label": "2025-x", "held_on": "2025-03-27"}, "label"),
        ({"label": "2025-0", "held_on": "2025-03-27"}, "label"),
        ({"label": "2025-2", "held_on": "2025-02-30"}, "held_on"),
        ({"label": "2025-2"}, "held_on"),
    ],
)
def test_a_bad_round_is_refused_with_the_field_named(client, data, field):
    as_user(client, "province-admin")
    count = Round.objects.count()

    response = client.post(reverse("campaigns:round_create"), data)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Round.objects.count() == count


@pytest.mark.parametrize("username", ["province-viewer", "province-editor", "lvliang-admin", "wenshui-admin"])
def test_only_the_province_admin_may_define_rounds(client, username):
    as_user(client, username)
    round_ = Round.objects.get(province_id=SHANXI, year=2023, sequence=4)

    assert client.get(reverse("campaigns:round_create")).status_code == 403
    created = client.post(reverse("campaigns:round_create"), {"label": "2026-7", "held_on": "2026-01-01"})
    edited = client.post(
        reverse("campaigns:round_update", kwargs=ROUND_2023_4), {"held_on": "2023-12-02", "title": "改"}
    )

    assert (created.status_code, edited.status_code) == (403, 403)
    assert not Round.objects.filter(year=2026, sequence=7).exists()
    round_.refresh_from_db()
    assert round_.held_on == date(2023, 12, 1)


def test_the_province_admin_corrects_a_round_but_not_its_label(client):
    as_user(client, "province-admin")
    url = reverse("campaigns:round_update", kwargs={"province": SHANXI, "year": 2024, "sequence": 1})
    form = client.get(url).context["form"]
    assert "label" not in form.fields
    assert form.initial["held_on"] == date(2024, 3, 28)

    response = client.post(url, {"label": "2099-9", "held_on": "2024-03-29", "title": "改正后的标题", "venues": ""})

    round_ = Round.objects.get(province_id=SHANXI, year=2024, sequence=1)
    assert response.status_code == 302
    assert (round_.held_on, round_.title) == (date(2024, 3, 29), "改正后的标题")
    assert not Round.objects.filter(year=2099).exists()


def test_a_bad_correction_names_the_field_and_changes_nothing(client):
    as_user(client, "province-admin")

    response = client.post(
        reverse("campaigns:round_update", kwargs={"province": SHANXI, "year": 2024, "sequence": 2}),
        {"held_on": "", "title": "x"},
    )

    assert "held_on" in response.context["form"].errors
    assert Round.objects.get(province_id=SHANXI, year=2024, sequence=2).title == "全省开发区2024年第二次“三个一批”活动"


def test_a_rate_with_no_projects_behind_it_is_a_dash_in_the_chart_s_table_never_none(client):
    response = as_user(client, "lvliang-reviewer").get(reverse("reports:round_bulletin", kwargs=ROUND_2023_4))

    rates = [value for series in response.context["charts"]["rates"]["series"] for value in series["data"]]
    assert None in rates  # a zone of the city without a signed or started batch in the round
    page = response.content.decode()
    assert '<td class="numeric">None</td>' not in page
    assert '<td class="numeric">—</td>' in page
