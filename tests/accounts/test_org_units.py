"""Adding an organisation (accounts.services.org_unit_create): audited, its kind and place checked, a bad or
unauthorised one writes nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zoneledger.accounts.models import OrgUnit
from zoneledger.accounts.services import org_unit_create
from zoneledger.audit.actions import Action
from zoneledger.audit.models import AuditRecord
from zoneledger.zones.models import Zone
from zoneledger.zones.services import zone_create

pytestmark = pytest.mark.django_db


def unchanged():
    return OrgUnit.objects.count(), AuditRecord.objects.count()


HOHHOT = {"kind": "city", "name": "呼和浩特市商务局", "division": "150100"}  # no org of Inner Mongolia in the demo


def test_a_city_bureau_is_added_under_its_province_and_audited():
    province = org_unit_create(actor=None, kind="province", name="内蒙古自治区商务厅", division="150000")
    org = org_unit_create(actor=None, **(HOHHOT | {"name": " 呼和浩特市商务局 "}), parent=province)

    assert (org.name, org.division_id, org.parent) == ("呼和浩特市商务局", "150100", province)
    recorded = AuditRecord.objects.filter(action=Action.ORG_UNIT_CREATE).latest("pk")
    assert recorded.after == {"kind": "city", "name": "呼和浩特市商务局", "division": "150100", "zone": ""}
    assert recorded.province == "150000"


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "city", "name": "", "division": "140900"},
        {"kind": "city", "name": "吕梁市商务局", "division": "150100"},  # the demo's: names are unique
        {"kind": "bureau", "name": "某局", "division": "140900"},
        {"kind": "city", "name": "无地区的市局"},  # a city's bureau names its city
        {"kind": "province", "name": "无效地区", "division": "999999"},
    ],
)
def test_a_bad_organisation_is_refused_and_nothing_is_written(fields):
    before = unchanged()
    with pytest.raises(ValidationError):
        org_unit_create(actor=None, **fields)
    assert unchanged() == before


def test_a_zone_administration_names_its_zone():
    zone = zone_create(actor=None, name="文水新材料产业园", kind="edz", level="provincial", division="141121")
    org = org_unit_create(actor=None, kind="zone", name="文水新材料产业园管委会", zone=zone)
    assert org.zone == zone


def test_a_zone_has_one_administration():
    zone = Zone.objects.get(name="文水经济开发区")
    before = unchanged()
    with pytest.raises(ValidationError):
        org_unit_create(actor=None, kind="zone", name="文水的第二个管委会", zone=zone)
    assert unchanged() == before


def test_only_who_may_add_organisations_in_the_admin_adds_them(user, make_user):
    before = unchanged()
    with pytest.raises(PermissionDenied):
        org_unit_create(actor=user("sysadmin"), **HOHHOT)
    assert unchanged() == before

    superuser = make_user("province", is_staff=True, is_superuser=True)
    assert org_unit_create(actor=superuser, **HOHHOT).pk
