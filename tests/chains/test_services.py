"""Industry chains are defined through `chain_create`: a province's administrator or the operator, audited; a
refused chain leaves nothing behind."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import EnterpriseFactory
from zoneledger.accounts.choices import Role
from zoneledger.audit.models import AuditRecord
from zoneledger.chains.models import Chain, ChainLink
from zoneledger.chains.services import chain_create

pytestmark = pytest.mark.django_db
SHANXI, HEBEI = "140000", "130000"  # the test database's second province (tests/second_province.py)


def written():
    """What a chain's definition writes: chains, links, chain masters and audit records."""
    return (
        Chain.objects.count(),
        ChainLink.objects.count(),
        Chain.masters.through.objects.count(),
        AuditRecord.objects.filter(action="chain.create").count(),
    )


def test_a_province_administrator_defines_a_chain_with_its_links_and_masters_audited(province_admin):
    master = EnterpriseFactory()

    chain = chain_create(
        actor=province_admin,
        province=SHANXI,
        name=" 光伏 ",
        leader="副省长",
        links=["硅料", "电池片"],
        masters=[master],
    )

    assert (chain.province_id, chain.name, chain.leader) == (SHANXI, "光伏", "副省长")
    assert list(chain.links.values_list("position", "name")) == [(1, "硅料"), (2, "电池片")]
    assert list(chain.masters.all()) == [master]
    entry = AuditRecord.objects.get(action="chain.create", object_id=str(chain.pk))
    assert (entry.actor, entry.object_id, entry.province) == (province_admin, str(chain.pk), SHANXI)
    assert entry.after == {"name": "光伏", "leader": "副省长", "links": ["硅料", "电池片"], "masters": [master.name]}


def test_the_operator_defines_any_province_s_chain():
    chain = chain_create(actor=None, province=HEBEI, name="光伏", links=["硅料"])

    assert chain.province_id == HEBEI
    assert AuditRecord.objects.get(action="chain.create", object_id=str(chain.pk)).actor_name == "command line"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "氢能"}, "__all__"),  # the demo's Shanxi already runs a 氢能 chain
        ({"name": "光伏", "links": ["硅料", " "]}, "links"),
        ({"name": "光伏", "links": ["硅料", "硅料 "]}, "links"),
        ({"name": "光伏", "province": "999999"}, "province"),  # not a division, let alone a province
    ],
)
def test_a_bad_chain_is_refused_and_nothing_is_written(fields, field):
    before = written()

    with pytest.raises(ValidationError) as refused:
        chain_create(**{"actor": None, "province": SHANXI, "masters": [EnterpriseFactory()]} | fields)

    assert field in refused.value.message_dict
    assert written() == before


@pytest.mark.parametrize("where", ["another province", "a city"])
def test_only_the_province_s_own_administrator_defines_its_chains(make_user, province_admin, where):
    from zoneledger.zones.models import Division

    actor = (
        make_user(Division.objects.get(code="141100"), role=Role.ADMIN)  # 吕梁's administrator
        if where == "a city"
        else make_user(Division.objects.get(code=HEBEI), role=Role.ADMIN)
    )
    before = written()

    with pytest.raises(PermissionDenied):
        chain_create(actor=actor, province=SHANXI, name="光伏", links=["硅料"])

    assert written() == before
