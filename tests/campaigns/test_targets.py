"""Year targets: set by the level above (the province for itself and its cities, a city for its zones), versioned,
audited, refused whole on bad input; the page's form, the command, and the cockpit's progress against them."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from tests.campaigns.test_views import as_user
from zoneledger.accounts.models import User
from zoneledger.accounts.scope import parse_scope, user_scope
from zoneledger.audit.models import AuditRecord
from zoneledger.campaigns.models import YearTarget
from zoneledger.campaigns.selectors import target_get, target_rows
from zoneledger.campaigns.services import TargetFigures, target_set, targets_set
from zoneledger.core.errors import Conflict
from zoneledger.reports import figures
from zoneledger.reports.presenters import target_progress

pytestmark = pytest.mark.django_db

YEAR = 2030  # a year the demo sets no target for
SHANXI, LVLIANG, TAIYUAN = "140000", "141100", "140100"
WENSHUI = "文水经济开发区"
FULL = TargetFigures(
    signed_count=40, signed_investment=Decimal("800000.00"), start_rate=Decimal("75"), completed=Decimal("300000")
)


def user(username):
    return User.objects.get(username=username)


def fingerprint():
    """What a refused write must leave as it was: every target and the audit trail's length."""
    return list(YearTarget.objects.order_by("pk").values()), AuditRecord.objects.count()


def test_the_province_sets_its_own_and_its_cities_targets_versioned_and_audited():
    admin = user("province-admin")

    province = target_set(actor=admin, scope=parse_scope(SHANXI), year=YEAR, figures=FULL, expected_version=0)
    city = target_set(
        actor=admin, scope=parse_scope(LVLIANG), year=YEAR, figures=TargetFigures(signed_count=9), expected_version=0
    )
    changed = target_set(
        actor=admin, scope=parse_scope(LVLIANG), year=YEAR, figures=TargetFigures(signed_count=12), expected_version=1
    )

    assert (province.version, province.start_rate, province.province_id) == (1, Decimal("75.00"), SHANXI)
    assert (changed.pk, changed.version, changed.signed_count) == (city.pk, 2, 12)
    records = AuditRecord.objects.filter(action="target.set", object_id=str(city.pk)).order_by("pk")
    assert [record.before for record in records] == [None, {"year": YEAR, **_none(signed_count=9)}]
    assert records.last().after["signed_count"] == 12
    assert records.last().province == SHANXI


def _none(**figures):
    return {"signed_count": None, "signed_investment": None, "start_rate": None, "completed": None} | figures


def test_setting_the_same_figures_again_writes_nothing():
    admin = user("province-admin")
    target_set(actor=admin, scope=parse_scope(LVLIANG), year=YEAR, figures=FULL, expected_version=0)
    before = fingerprint()

    again = target_set(actor=admin, scope=parse_scope(LVLIANG), year=YEAR, figures=FULL, expected_version=1)

    assert again.version == 1
    assert fingerprint() == before


def test_a_city_sets_its_zones_targets():
    target = target_set(
        actor=user("lvliang-admin"),
        scope=parse_scope(WENSHUI),
        year=YEAR,
        figures=TargetFigures(signed_count=8),
        expected_version=0,
    )

    assert (target.zone.name, target.division_id, target.province_id) == (WENSHUI, None, SHANXI)
    assert target_get(user=user("wenshui-viewer"), scope=parse_scope(WENSHUI), year=YEAR) == target
    assert target_get(user=user("lvliang-viewer"), scope=parse_scope(WENSHUI), year=YEAR) == target


@pytest.mark.parametrize(
    ("username", "scope"),
    [
        ("lvliang-admin", LVLIANG),  # a city does not set its own
        ("lvliang-admin", SHANXI),  # nor its province's
        ("lvliang-admin", "山西转型综合改革示范区"),  # nor another city's zones
        ("wenshui-admin", WENSHUI),  # a zone sets none
        ("province-reviewer", LVLIANG),  # the level above's administrators only
        ("province-editor", SHANXI),
        ("province-admin", WENSHUI),  # the province sets its cities', the cities their zones'
    ],
)
def test_a_user_who_is_not_the_level_above_is_refused_and_nothing_changes(username, scope):
    before = fingerprint()

    with pytest.raises(PermissionDenied):
        target_set(actor=user(username), scope=parse_scope(scope), year=YEAR, figures=FULL, expected_version=0)

    assert fingerprint() == before


@pytest.mark.parametrize(
    ("figures", "words"),
    [
        (TargetFigures(signed_count=-1), "projects signed"),
        (TargetFigures(signed_investment=Decimal("-0.01")), "investment signed"),
        (TargetFigures(start_rate=Decimal("100.01")), "start rate"),
        (TargetFigures(start_rate=Decimal("-5")), "start rate"),
        (TargetFigures(completed=Decimal("-100")), "completed investment"),
    ],
)
def test_a_bad_figure_is_refused_naming_the_scope_and_the_figure_and_nothing_changes(figures, words):
    admin = user("province-admin")
    target_set(actor=admin, scope=parse_scope(SHANXI), year=YEAR, figures=FULL, expected_version=0)
    before = fingerprint()

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        targets_set(
            actor=admin,
            year=YEAR,
            entries=[(parse_scope(SHANXI), TargetFigures(signed_count=1), 1), (parse_scope(LVLIANG), figures, 0)],
        )

    assert refused.value.messages[0].startswith("吕梁市 · ")
    assert words in refused.value.messages[0].lower()
    assert fingerprint() == before  # Shanxi's change in the same call was undone with it


def test_a_stale_edit_is_refused_and_the_newer_target_stays():
    admin = user("province-admin")
    target_set(actor=admin, scope=parse_scope(LVLIANG), year=YEAR, figures=FULL, expected_version=0)
    target_set(
        actor=admin, scope=parse_scope(LVLIANG), year=YEAR, figures=TargetFigures(signed_count=5), expected_version=1
    )
    before = fingerprint()

    with pytest.raises(Conflict) as refused:
        target_set(actor=admin, scope=parse_scope(LVLIANG), year=YEAR, figures=FULL, expected_version=1)

    assert refused.value.current.signed_count == 5
    assert fingerprint() == before


def test_targets_are_read_within_the_scope_door():
    admin = user("province-admin")
    target_set(actor=admin, scope=parse_scope(SHANXI), year=YEAR, figures=FULL, expected_version=0)
    target_set(actor=admin, scope=parse_scope(TAIYUAN), year=YEAR, figures=FULL, expected_version=0)

    assert target_get(user=user("province-viewer"), scope=parse_scope(TAIYUAN), year=YEAR) is not None
    # Lüliang's people read neither Taiyuan's target nor the province's.
    assert YearTarget.objects.visible_to(user("lvliang-viewer")).filter(year=YEAR).count() == 0
    assert YearTarget.objects.visible_to(user("wenshui-viewer")).filter(year=YEAR).count() == 0


def test_the_scopes_a_user_sets_are_the_level_below():
    province = [scope.code for scope, _target in target_rows(user=user("province-admin"), year=YEAR)]
    city = [scope.name for scope, _target in target_rows(user=user("lvliang-admin"), year=YEAR)]

    assert province[0] == SHANXI
    assert {LVLIANG, TAIYUAN} <= set(province)
    assert len(province) == 12  # the province and its eleven cities
    assert WENSHUI in city
    assert "山西转型综合改革示范区" not in city
    assert target_rows(user=user("lvliang-viewer"), year=YEAR) == []


# -- the page ------------------------------------------------------------------------------------------------------
def form_data(page, **changes):
    """What the page's form posts back as it is, with `changes` ({field name: value}) typed in."""
    data = {}
    for row in page.context["rows"]:
        form = row["form"]
        for name in form.fields:
            value = form.initial.get(name)
            data[form.add_prefix(name)] = "" if value is None else str(value)
    return data | changes


def test_the_page_saves_the_year_s_targets(client):
    as_user(client, "province-admin")
    url = reverse("campaigns:targets", kwargs={"year": YEAR})
    page = client.get(url)

    response = client.post(url, form_data(page, **{f"t{LVLIANG}-signed_count": "30", f"t{SHANXI}-start_rate": "80"}))

    assert response.status_code == 302
    assert YearTarget.objects.get(division_id=LVLIANG, year=YEAR).signed_count == 30
    assert YearTarget.objects.get(division_id=SHANXI, year=YEAR).start_rate == Decimal("80.00")
    assert YearTarget.objects.filter(year=YEAR).count() == 2  # blank rows set nothing
    assert "30" in client.get(url).content.decode()


@pytest.mark.parametrize("value", ["-3", "101", "七十"])
def test_the_page_refuses_a_bad_figure_and_saves_nothing(client, value):
    as_user(client, "province-admin")
    url = reverse("campaigns:targets", kwargs={"year": YEAR})
    data = form_data(client.get(url), **{f"t{LVLIANG}-signed_count": "30", f"t{SHANXI}-start_rate": value})
    before = fingerprint()

    response = client.post(url, data)

    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert fingerprint() == before


def test_the_page_refuses_a_stale_form_and_shows_the_targets_as_they_are(client):
    as_user(client, "province-admin")
    url = reverse("campaigns:targets", kwargs={"year": YEAR})
    data = form_data(client.get(url), **{f"t{LVLIANG}-signed_count": "30"})
    target_set(actor=user("province-admin"), scope=parse_scope(LVLIANG), year=YEAR, figures=FULL, expected_version=0)
    before = fingerprint()

    response = client.post(url, data)

    assert response.status_code == 409
    assert "吕梁市" in response.context["refusal"]
    assert fingerprint() == before


@pytest.mark.parametrize("username", ["lvliang-viewer", "wenshui-admin", "province-reviewer"])
def test_only_those_who_set_targets_open_the_page(client, username):
    as_user(client, username)
    url = reverse("campaigns:targets", kwargs={"year": YEAR})

    assert client.get(url).status_code == 403
    assert client.post(url, {f"t{LVLIANG}-signed_count": "1", f"t{LVLIANG}-version": "0"}).status_code == 403
    assert not YearTarget.objects.filter(year=YEAR).exists()
    assert not AuditRecord.objects.filter(action="target.set").exists()  # the refusals are audited, as refusals


# -- the command --------------------------------------------------------------------------------------------------
def test_the_command_sets_the_figures_given_and_keeps_the_others(capsys):
    call_command(
        "targets", "set", "--scope", LVLIANG, "--year", str(YEAR), "--signed-count", "9", "--as", "province-admin"
    )
    call_command(
        "targets", "set", "--scope", LVLIANG, "--year", str(YEAR), "--start-rate", "70.5", "--as", "province-admin"
    )

    target = YearTarget.objects.get(division_id=LVLIANG, year=YEAR)
    assert (target.signed_count, target.start_rate, target.version) == (9, Decimal("70.50"), 2)
    assert "70.50%" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        ["--scope", LVLIANG, "--start-rate", "101", "--as", "province-admin"],
        ["--scope", LVLIANG, "--signed-count", "-1", "--as", "province-admin"],
        ["--scope", LVLIANG, "--completed", "lots", "--as", "province-admin"],
        ["--scope", LVLIANG, "--signed-count", "3", "--as", "lvliang-admin"],
        ["--scope", TAIYUAN, "--signed-count", "3", "--as", "lvliang-admin"],
        ["--scope", LVLIANG, "--signed-count", "3", "--as", "nobody"],
    ],
)
def test_the_command_refuses_bad_input_and_changes_nothing(argv):
    before = fingerprint()

    with pytest.raises(CommandError):
        call_command("targets", "set", "--year", str(YEAR), *argv)

    assert fingerprint() == before


# -- progress on the cockpit --------------------------------------------------------------------------------------
def test_progress_is_reached_over_target_rounded_half_up():
    admin = user("province-admin")
    batch = figures.batch_figures(
        user=admin, scope=user_scope(admin), period=figures.Period.for_year(2024), as_of=date(2024, 12, 31)
    )
    signed = batch.signed.count
    target = target_set(
        actor=admin,
        scope=parse_scope(SHANXI),
        year=YEAR,
        # 16 × the count signed: 6.25 % exactly, which half up shows as 6.3 % (half to even would say 6.2 %).
        figures=TargetFigures(signed_count=signed * 16, start_rate=Decimal("0")),
        expected_version=0,
    )

    lines = {line.key: line for line in target_progress(target, batch, Decimal("12345.67"))}

    assert lines["signed_count"].progress == "6.3%"
    assert lines["signed_count"].actual == str(signed)
    assert lines["signed_count"].bar == "6"
    assert lines["start_rate"].progress == "—"  # a target of zero: no progress to speak of
    assert set(lines) == {"signed_count", "start_rate"}  # figures without a target are left out


def test_the_cockpit_shows_the_scope_s_progress_against_its_target(client):
    admin = user("province-admin")
    target_set(
        actor=admin,
        scope=parse_scope(LVLIANG),
        year=2024,
        figures=TargetFigures(signed_count=1000, completed=Decimal("1000000")),
        expected_version=0,
    )

    page = as_user(client, "lvliang-viewer").get(reverse("reports:dashboard"), {"year": 2024, "as_of": "2024-12-31"})

    lines = {line.key: line for line in page.context["target_lines"]}
    signed = page.context["year_cards"][0]["value"]
    assert lines["signed_count"].actual == str(signed)
    assert lines["signed_count"].progress == f"{Decimal(signed) / 10:.1f}%"
    assert 'data-testid="year-targets"' in page.content.decode()
    # The province's own page does not show a city's target.
    province_page = as_user(client, "province-viewer").get(reverse("reports:dashboard"), {"year": 2024})
    assert province_page.context["target_lines"] == []
