"""Factories for tests: zones, users in org units, projects with events."""

from datetime import date
from decimal import Decimal

import factory
from stdnum.cn import uscc as stdnum_uscc

from zoneledger.accounts.choices import OrgKind, Role
from zoneledger.accounts.models import OrgUnit, User
from zoneledger.campaigns.models import Round
from zoneledger.enterprises.models import Enterprise
from zoneledger.projects.models import Project
from zoneledger.zones.models import Division, Zone


def valid_uscc(serial):
    body = f"91140000{serial:09d}"
    return body + stdnum_uscc.calc_check_digit(body)


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zone

    name = factory.Sequence(lambda n: f"测试经济开发区{n}")
    short_name = factory.Sequence(lambda n: f"测试{n}")
    kind = "edz"
    level = "provincial"
    division = factory.LazyFunction(lambda: Division.objects.get(code="141121"))


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    uscc = factory.Sequence(lambda n: valid_uscc(900000000 + n))


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"测试项目{n}")
    zone = factory.SubFactory(ZoneFactory)
    total_investment = Decimal("10000.00")
    # The 建设单位 as entered, like the form and the import: the enterprise's own name when one is given.
    enterprise = None
    enterprise_name = factory.LazyAttribute(lambda project: project.enterprise.name if project.enterprise else "")


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round

    province_id = "140000"
    year = 2030
    sequence = factory.Sequence(lambda n: n + 1)
    held_on = date(2025, 1, 1)


def org_for(target):
    """The org unit of a zone, a city or province division, Shanxi ('province') or the nation (zones' created when
    missing)."""
    if target == "nation":
        return OrgUnit.objects.get(kind=OrgKind.NATION)
    if target == "province":
        return OrgUnit.objects.get(kind=OrgKind.PROVINCE, division_id="140000")
    if isinstance(target, Zone):
        city_org = OrgUnit.objects.get(kind=OrgKind.CITY, division_id=target.city_id)
        return OrgUnit.objects.get_or_create(
            zone=target, defaults={"kind": OrgKind.ZONE, "name": f"{target.name}管委会", "parent": city_org}
        )[0]
    return OrgUnit.objects.get(kind__in=[OrgKind.CITY, OrgKind.PROVINCE], division=target)


_user_serial = iter(range(1, 10**9))


def make_org_user(target, role=Role.EDITOR, **fields):
    """A user with `role` at `target`: 'nation', 'province' (Shanxi), a province's or city's Division, or a Zone."""
    username = fields.pop("username", f"user{next(_user_serial)}")
    return User.objects.create_user(username=username, password="Pass-1234x", org=org_for(target), role=role, **fields)
