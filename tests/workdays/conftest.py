import pytest

from zoneledger.accounts.choices import OrgKind, Role
from zoneledger.accounts.models import OrgUnit, User
from zoneledger.zones.choices import DivisionLevel
from zoneledger.zones.models import Division

SHANXI = "140000"
HEBEI = "130000"


@pytest.fixture
def hebei_admin(db):
    """A business administrator of a second province, to prove each province keeps its own working days."""
    division, _ = Division.objects.get_or_create(
        code=HEBEI, defaults={"name": "河北省", "level": DivisionLevel.PROVINCE}
    )
    org, _ = OrgUnit.objects.get_or_create(
        kind=OrgKind.PROVINCE, division=division, defaults={"name": "河北省商务厅（测试）"}
    )
    return User.objects.create_user(username="hebei-admin-test", password="Pass-1234x", org=org, role=Role.ADMIN)
