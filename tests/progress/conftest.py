from datetime import date
from decimal import Decimal

import pytest

from tests.factories import ProjectFactory, ZoneFactory
from tests.rows import rows_of
from zoneledger.accounts.choices import Role
from zoneledger.audit.models import AuditRecord
from zoneledger.progress.models import ReportTransition, ReportVersion
from zoneledger.projects.choices import Stage
from zoneledger.projects.models import MonthlyProgress, StageEvent


@pytest.fixture
def zone(db):
    return ZoneFactory()


@pytest.fixture
def project(zone):
    project = ProjectFactory(zone=zone, total_investment=Decimal("50000"))
    StageEvent.objects.create(project=project, stage=Stage.STARTED, happened_on=date(2024, 3, 10))
    return project


@pytest.fixture
def editor(zone, make_user):
    return make_user(zone, Role.EDITOR)


@pytest.fixture
def reviewer(zone, make_user):
    return make_user(zone.city, Role.REVIEWER)


@pytest.fixture
def second_reviewer(zone, make_user):
    return make_user("province", Role.REVIEWER)


def state_of_everything():
    """Every row a refused write could have touched."""
    return (
        rows_of(ReportVersion.objects.order_by("pk").values_list("pk", "state", "amount", "counted_until")),
        ReportTransition.objects.count(),
        rows_of(MonthlyProgress.objects.order_by("pk").values_list("pk", "status", "completed_investment")),
        AuditRecord.objects.exclude(action__startswith="access").count(),  # a refusal is audited: no change
    )
