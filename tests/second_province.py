"""A second province in the test database: Hebei (130000), beside the demo's Shanxi, and the nation above both.

Hebei holds what Shanxi holds, under the same names where names may repeat between provinces: a round 2023-4
and a round 2024-1, a 氢能 chain, a zone with projects whose stages were recorded at its rounds, approved monthly
progress, and the audit records all of it wrote (written through the services, so they are in Hebei's chain).
Its project names all start with 冀 so that a page, a file or a record that shows one is easy to catch.
"""

from datetime import date
from decimal import Decimal

from zoneledger.accounts.choices import OrgKind, Role
from zoneledger.accounts.models import OrgUnit, User
from zoneledger.campaigns.models import Round
from zoneledger.chains.models import Chain, ChainLink
from zoneledger.progress.services import progress_approve, progress_submit
from zoneledger.projects.choices import Stage
from zoneledger.projects.services import project_create, record_stage
from zoneledger.zones.models import Division, Zone

HEBEI = "130000"
SHIJIAZHUANG = "130100"
HEBEI_ZONE = "石家庄高新技术产业开发区"
HEBEI_PROJECTS = ["冀氢能装备制造项目", "冀新材料产业园项目", "冀储能电站项目"]
PASSWORD = "Pass-1234x"

# user name, org (kind, division or None), role
USERS = [
    ("hebei-viewer", "河北省商务厅", Role.VIEWER),
    ("hebei-editor", "河北省商务厅", Role.EDITOR),
    ("hebei-reviewer", "河北省商务厅", Role.REVIEWER),
    ("hebei-admin", "河北省商务厅", Role.ADMIN),
    ("hebei-auditor", "河北省商务厅", Role.AUDITOR),
    ("shijiazhuang-viewer", "石家庄市商务局", Role.VIEWER),
    ("nation-viewer", "商务部", Role.VIEWER),
    ("nation-auditor", "商务部", Role.AUDITOR),
]


def build_second_province():
    """Hebei's orgs, users, round, chain, zone and ledger, and the nation's users; once per test database."""
    if Zone.objects.filter(name=HEBEI_ZONE).exists():
        return
    province = OrgUnit.objects.create(kind=OrgKind.PROVINCE, name="河北省商务厅", division_id=HEBEI)
    city = OrgUnit.objects.create(kind=OrgKind.CITY, name="石家庄市商务局", division_id=SHIJIAZHUANG, parent=province)
    zone = Zone(name=HEBEI_ZONE, short_name="石家庄高新区", kind="htz", level="national")
    zone.division = Division.objects.get(code=SHIJIAZHUANG)
    zone.save()
    OrgUnit.objects.create(kind=OrgKind.ZONE, name=f"{HEBEI_ZONE}管委会", zone=zone, parent=city)
    orgs = {org.name: org for org in OrgUnit.objects.all()}
    users = {}
    for username, org_name, role in USERS:
        users[username] = User.objects.create_user(
            username=username, password=PASSWORD, org=orgs[org_name], role=role, display_name=username
        )
    rounds = {
        "2023-4": Round.objects.create(province_id=HEBEI, year=2023, sequence=4, held_on=date(2023, 11, 20)),
        "2024-1": Round.objects.create(province_id=HEBEI, year=2024, sequence=1, held_on=date(2024, 3, 15)),
    }
    chain = Chain.objects.create(province_id=HEBEI, name="氢能", leader="河北省氢能产业链链长")
    ChainLink.objects.create(chain=chain, position=1, name="制氢")
    editor, reviewer = users["hebei-editor"], users["hebei-reviewer"]
    for index, name in enumerate(HEBEI_PROJECTS):
        project = project_create(
            actor=editor, zone=zone, name=name, total_investment=Decimal(50000 + 10000 * index), chain=chain
        )
        record_stage(
            actor=editor, project=project, stage=Stage.SIGNED, happened_on=date(2023, 11, 20), round=rounds["2023-4"]
        )
        if index < 2:
            record_stage(
                actor=editor,
                project=project,
                stage=Stage.STARTED,
                happened_on=date(2024, 3, 15),
                round=rounds["2024-1"],
            )
            entry = progress_submit(actor=editor, project=project, month=date(2024, 4, 1), amount=Decimal(7000))
            progress_approve(actor=reviewer, version=entry)
