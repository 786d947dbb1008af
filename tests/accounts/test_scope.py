"""The scope rule: a zone user sees one zone, a city user that city's zones, the province all."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from tests.factories import ProjectFactory, ZoneFactory
from zoneledger.accounts.choices import Role
from zoneledger.accounts.models import User
from zoneledger.milestones.models import Milestone
from zoneledger.progress.services import progress_submit
from zoneledger.projects.choices import Stage
from zoneledger.projects.models import MonthlyProgress, Project, StageEvent
from zoneledger.projects.services import project_update, record_stage, void_event
from zoneledger.zones.models import Division, Zone

pytestmark = pytest.mark.django_db
SCOPED_MODELS = [Project, StageEvent, MonthlyProgress, Milestone]


def zone_ids(queryset, path):
    return set(queryset.values_list(path, flat=True).distinct())


@pytest.mark.parametrize("model", SCOPED_MODELS)
def test_a_zone_user_sees_only_their_zone(model, wenshui_editor):
    path = "zone_id" if model is Project else "project__zone_id"
    seen = zone_ids(model.objects.visible_to(wenshui_editor), path)
    assert seen <= {wenshui_editor.org.zone_id}
    if model is not Milestone:
        assert seen == {wenshui_editor.org.zone_id}


def test_a_city_user_sees_exactly_the_city_zones(lvliang_reviewer):
    lvliang_zones = set(Zone.objects.filter(city_id="141100").values_list("pk", flat=True))
    assert set(Zone.objects.visible_to(lvliang_reviewer).values_list("pk", flat=True)) == lvliang_zones
    assert zone_ids(Project.objects.visible_to(lvliang_reviewer), "zone_id") == lvliang_zones
    assert {"文水经济开发区", "孝义经济开发区", "吕梁经济技术开发区"} <= set(
        Zone.objects.visible_to(lvliang_reviewer).values_list("name", flat=True)
    )


def test_the_province_sees_every_zone_of_the_province(province_admin):
    assert set(Zone.objects.visible_to(province_admin)) == set(Zone.objects.filter(province_id="140000"))
    assert Zone.objects.visible_to(province_admin).count() < Zone.objects.count()


@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.SECADMIN])
def test_system_and_security_administrators_see_no_business_data(role, make_user):
    admin = make_user("province", role)
    assert not Project.objects.visible_to(admin).exists()
    assert not Zone.objects.visible_to(admin).exists()


def test_anonymous_and_inactive_users_see_nothing(province_admin):
    from django.contrib.auth.models import AnonymousUser

    assert not Project.objects.visible_to(AnonymousUser()).exists()
    province_admin.is_active = False
    assert not Project.objects.visible_to(province_admin).exists()


def test_two_zone_users_cannot_change_each_others_ledger(wenshui_editor, xiaoyi_editor):
    xiaoyi_project = Project.objects.filter(zone__name="孝义经济开发区").first()
    wenshui_project = Project.objects.filter(zone__name="文水经济开发区").first()
    assert not Project.objects.visible_to(wenshui_editor).filter(pk=xiaoyi_project.pk).exists()
    assert not Project.objects.visible_to(xiaoyi_editor).filter(pk=wenshui_project.pk).exists()
    before = (StageEvent.objects.count(), MonthlyProgress.objects.count(), xiaoyi_project.version)
    event = xiaoyi_project.events.live().first()
    attempts = [
        lambda: record_stage(
            actor=wenshui_editor, project=xiaoyi_project, stage=Stage.TERMINATED, happened_on=date(2025, 6, 30)
        ),
        lambda: void_event(actor=wenshui_editor, event=event, reason="越权"),
        lambda: progress_submit(
            actor=wenshui_editor, project=xiaoyi_project, month=date(2025, 1, 1), amount=Decimal(1)
        ),
        lambda: project_update(
            actor=wenshui_editor, project=xiaoyi_project, expected_version=xiaoyi_project.version, name="改名"
        ),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    xiaoyi_project.refresh_from_db()
    event.refresh_from_db()
    assert (StageEvent.objects.count(), MonthlyProgress.objects.count(), xiaoyi_project.version) == before
    assert not event.voided


def test_a_new_zone_is_visible_to_its_city_but_not_to_another_city(make_user):
    zone = ZoneFactory(division=Division.objects.get(code="140727"))  # 祁县, 晋中市
    ProjectFactory(zone=zone)
    jinzhong_user = make_user(Division.objects.get(code="140700"), Role.VIEWER)
    lvliang_user = User.objects.get(username="lvliang-viewer")
    assert Project.objects.visible_to(jinzhong_user).filter(zone=zone).exists()
    assert not Project.objects.visible_to(lvliang_user).filter(zone=zone).exists()


# -- the scope door: nation → province → city → zone, and the one parser of scope references ---------------------


def test_scope_references_are_parsed_in_one_place(settings):
    from zoneledger.accounts.scope import ScopeKind, parse_scope

    assert parse_scope("nation").kind == ScopeKind.NATION
    assert parse_scope("province").as_json() == {"kind": "province", "name": "山西省", "code": "140000"}
    settings.ZONELEDGER_HOME_PROVINCE = "130000"
    assert parse_scope("province").name == "河北省"
    assert parse_scope("province", province="140000").code == "140000"
    assert parse_scope("141100").as_json() == {"kind": "city", "name": "吕梁市", "code": "141100"}
    assert parse_scope("141121").as_json() == {"kind": "county", "name": "文水县", "code": "141121"}
    wenshui = parse_scope(" 文水经济开发区 ")
    assert (wenshui.kind, wenshui.city, wenshui.province) == (ScopeKind.ZONE, "141100", "140000")


@pytest.mark.parametrize("reference", ["", "999999", "14110", "火星经济开发区", "Province"])
def test_a_reference_that_names_nothing_is_not_found(reference):
    from zoneledger.accounts.scope import ScopeNotFound, parse_scope

    with pytest.raises(ScopeNotFound):
        parse_scope(reference)


def test_a_province_user_sees_only_the_province_s_zones_and_the_nation_sees_all(province_admin, make_user):
    hebei_zone = ZoneFactory(division=Division.objects.get(code="130102"))
    hebei_project = ProjectFactory(zone=hebei_zone)
    assert hebei_zone.province_id == "130000"
    assert not Zone.objects.visible_to(province_admin).filter(pk=hebei_zone.pk).exists()
    assert not Project.objects.visible_to(province_admin).filter(pk=hebei_project.pk).exists()
    nation = make_user("nation", Role.VIEWER)
    assert Zone.objects.visible_to(nation).count() == Zone.objects.count()
    assert Project.objects.visible_to(nation).filter(pk=hebei_project.pk).exists()


@pytest.mark.parametrize(
    ("username", "reference", "allowed"),
    [
        ("province-viewer", "province", True),
        ("province-viewer", "141121", True),
        ("province-viewer", "130000", False),
        ("province-viewer", "nation", False),
        ("lvliang-viewer", "141121", True),
        ("lvliang-viewer", "文水经济开发区", True),
        ("lvliang-viewer", "140100", False),
        ("wenshui-viewer", "文水经济开发区", True),
        ("wenshui-viewer", "141121", False),
    ],
)
def test_a_user_may_name_only_scopes_within_their_own(username, reference, allowed):
    from zoneledger.accounts.scope import ScopeNotFound, user_scope_in

    user = User.objects.get(username=username)
    if allowed:
        assert user_scope_in(user, reference)
    else:
        with pytest.raises(ScopeNotFound):
            user_scope_in(user, reference)
