"""A zone, its editor and a project the editor created, for the services' tests."""

from decimal import Decimal

import pytest

from tests.factories import ZoneFactory
from zoneledger.accounts.choices import Role
from zoneledger.projects.services import project_create


@pytest.fixture
def zone():
    return ZoneFactory()


@pytest.fixture
def editor(zone, make_user):
    return make_user(zone, Role.EDITOR)


@pytest.fixture
def project(zone, editor):
    return project_create(actor=editor, zone=zone, name="年产1万吨测试项目", total_investment=Decimal("12000.50"))
