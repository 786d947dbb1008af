"""Adding a development zone (zones.services.zone_create): its city and province follow from its division, it is
audited, and a bad or unauthorised one writes nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zoneledger.audit.actions import Action
from zoneledger.audit.models import AuditRecord
from zoneledger.zones.models import Zone
from zoneledger.zones.services import zone_create

pytestmark = pytest.mark.django_db

WENSHUI_COUNTY = "141121"  # 文水县, in 吕梁市, 山西省
GOOD = {"name": "文水新材料产业园", "kind": "edz", "level": "provincial", "division": WENSHUI_COUNTY}


def unchanged():
    return Zone.objects.count(), AuditRecord.objects.count()


def test_a_zone_takes_its_city_and_province_from_its_county_and_is_audited():
    zone = zone_create(actor=None, **GOOD, short_name=" 文水新材料园 ")

    assert (zone.city_id, zone.province_id, zone.short_name) == ("141100", "140000", "文水新材料园")
    recorded = AuditRecord.objects.filter(action=Action.ZONE_CREATE).latest("pk")
    assert recorded.object_repr == "文水新材料产业园"
    assert recorded.province == "140000"
    assert recorded.after["division"] == WENSHUI_COUNTY


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "文水经济开发区"}, "name"),  # the demo's: names are unique
        ({"kind": "park"}, "kind"),
        ({"level": "township"}, "level"),
        ({"division": "999999"}, "division"),
    ],
)
def test_a_bad_zone_is_refused_and_nothing_is_written(change, field):
    before = unchanged()
    with pytest.raises(ValidationError) as refused:
        zone_create(actor=None, **(GOOD | change))

    assert field in refused.value.message_dict
    assert unchanged() == before


def test_only_who_may_add_zones_in_the_admin_adds_them(user, make_user):
    before = unchanged()
    with pytest.raises(PermissionDenied):
        zone_create(actor=user("province-admin"), **GOOD)
    assert unchanged() == before

    superuser = make_user("province", is_staff=True, is_superuser=True)
    assert zone_create(actor=superuser, **GOOD).name == GOOD["name"]
