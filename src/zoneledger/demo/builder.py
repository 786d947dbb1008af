"""Build the demo ledger, deterministically (a fixed seed), through the domain's bulk services.

The named zones and projects come from `seeds`; the rest are generated and marked illustrative.
Generated stage events follow the lifecycle rules (tests replay every project through them).
"""

import random
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from stdnum.cn import uscc as stdnum_uscc

from zoneledger.accounts.choices import OrgKind, Role
from zoneledger.accounts.models import OrgUnit, User
from zoneledger.accounts.services import demo_account_ensure, org_unit_create
from zoneledger.approvals.services import approval_save
from zoneledger.audit import services as audit
from zoneledger.audit.actions import Action
from zoneledger.campaigns.services import round_create
from zoneledger.chains.services import chain_create
from zoneledger.enterprises.services import enterprise_resolve, enterprises_resolve_bulk
from zoneledger.milestones.models import PlanTemplate
from zoneledger.milestones.schedule import Step
from zoneledger.milestones.services import milestones_plan, template_save
from zoneledger.progress.choices import ReportState
from zoneledger.progress.models import ReportVersion
from zoneledger.progress.services import (
    MonthEntry,
    progress_return,
    progress_review_bulk,
    progress_submit,
    progress_submit_bulk,
)
from zoneledger.projects.choices import ProgressStatus, Stage
from zoneledger.projects.models import MonthlyProgress, Project
from zoneledger.projects.services import project_update, projects_create_bulk
from zoneledger.zones.choices import DivisionLevel
from zoneledger.zones.models import Division, Zone
from zoneledger.zones.services import zone_create

from . import seeds

SEED = 20231201
DEMO_ACTOR = "zoneledger demo"  # the audit trail's name for the operator who loads the demo
DEMO_PASSWORD = "Demo-2024-zl"
# The generated ledger stops here, so "today" in the demo is after every event it holds.
LEDGER_END = date(2025, 6, 30)
# Counties that get an illustrative zone, two or three per city, so every city has zones.
ILLUSTRATIVE_ZONE_COUNTIES = [
    "140121",
    "140181",  # 清徐, 古交
    "140213",
    "140215",
    "140221",  # 平城, 云州, 阳高
    "140311",
    "140321",  # 郊区, 平定
    "140404",
    "140406",
    "140425",  # 上党, 潞城, 平顺
    "140521",
    "140581",  # 沁水, 高平
    "140602",
    "140681",  # 朔城, 怀仁
    "140702",
    "140728",
    "140781",  # 榆次, 平遥, 介休
    "140802",
    "140881",
    "140823",  # 盐湖, 永济, 闻喜
    "140902",
    "140981",  # 忻府, 原平
    "141081",
    "141024",  # 侯马, 洪洞
    "141124",  # 临县
]
PRODUCTS = {
    "氢能": ["氢燃料电池", "加氢站", "氢能重卡", "焦炉煤气制氢"],
    "碳基新材料": ["针状焦", "碳纤维", "煤焦油深加工", "石墨电极"],
    "金属新材料": ["高强钢", "合金材料", "精密铸件"],
    "新能源": ["光伏组件", "风电装备", "储能电站", "分布式光伏"],
    "先进装备制造": ["智能装备", "液压件", "矿山机械", "轨道交通配件"],
    "铝镁新材料": ["铝合金型材", "镁合金", "高纯铝"],
    "白酒": ["清香型白酒", "原酒酿造"],
    "固废综合利用": ["煤矸石综合利用", "粉煤灰制品", "冶金固废利用"],
    "特钢": ["特种钢材", "不锈钢精深加工"],
    "数字经济": ["数据中心", "工业互联网平台", "智能制造服务"],
}
INDUSTRY_BY_CHAIN = {
    "氢能": "C38",
    "碳基新材料": "C26",
    "金属新材料": "C31",
    "新能源": "D44",
    "先进装备制造": "C35",
    "铝镁新材料": "C32",
    "白酒": "C15",
    "固废综合利用": "C42",
    "特钢": "C31",
    "数字经济": "I65",
}
NAME_PATTERNS = ["年产{n}万吨{p}项目", "{p}产业园项目", "{p}建设项目", "{p}技术改造项目", "{n}万套{p}项目"]


@dataclass
class PlannedProject:
    zone: Zone
    name: str
    investment: int
    chain: str = ""
    industry: str = ""
    illustrative: bool = True
    generated: bool = False
    events: list = field(default_factory=list)  # (stage, date, round label or None)
    months: dict = field(default_factory=dict)  # {date(first of month): (amount, status)}
    leader: str = ""
    task_force: str = ""
    content: str = ""

    def last_date(self):
        return max((day for _, day, _ in self.events), default=None)

    def has(self, stage):
        return any(event_stage == stage for event_stage, _, _ in self.events)

    def date_of(self, stage):
        return next(day for event_stage, day, _ in self.events if event_stage == stage)


def _month(text):
    year, month = map(int, text.split("-"))
    return date(year, month, 1)


class DemoBuilder:
    def __init__(self):
        self.random = random.Random(SEED)
        self.planned: list[PlannedProject] = []
        self.generated_by_zone = defaultdict(list)
        self.names_by_zone = defaultdict(set)
        self.enterprise_serial = 0
        # The planned months, written through the progress services by `submit_months` once the demo's users exist.
        self.approved: list[MonthEntry] = []  # submitted by the zone's side, then approved by the city's
        self.waiting: list[MonthEntry] = []  # submitted, left for review

    # -- reference data --------------------------------------------------------------------------
    def build_reference(self):
        self.rounds = {
            label: round_create(
                actor=None, label=label, held_on=held_on, title=title, venues=venues, province=seeds.SHANXI[0]
            )
            for label, held_on, title, venues in seeds.ROUNDS
        }
        self.zones = {}
        for name, short, kind, level, code, industries, stats_code in seeds.NAMED_ZONES:
            self.zones[name] = self._zone(name, short, kind, level, code, industries, stats_code, False)
        for code in ILLUSTRATIVE_ZONE_COUNTIES:
            county = Division.objects.get(code=code)
            stem = county.name[:-1] if len(county.name) > 2 else county.name
            name = f"{stem}经济开发区"
            self.zones[name] = self._zone(name, f"{stem}经开区", "edz", "provincial", code, "", "", True)
        self.chains = {
            name: chain_create(
                actor=None,
                province=seeds.SHANXI[0],
                name=name,
                leader=leader,
                links=links,
                masters=[self._enterprise(master) for master in masters],
            )
            for name, links, leader, masters in seeds.CHAINS
        }

    def _zone(self, name, short, kind, level, code, industries, stats_code, illustrative):
        return zone_create(
            actor=None,
            name=name,
            short_name=short,
            kind=kind,
            level=level,
            division=code,
            leading_industries=industries,
            stats_code=stats_code,
            is_illustrative=illustrative,
        )

    def _enterprise_key(self, name):
        """A demo enterprise's USCC, made up from a serial number, with its check digit."""
        self.enterprise_serial += 1
        body = f"91{seeds.SHANXI[0]}{self.enterprise_serial:09d}"
        return ("uscc", body + stdnum_uscc.calc_check_digit(body))

    def _enterprise(self, name):
        _kind, uscc = self._enterprise_key(name)
        return enterprise_resolve(actor=None, name=name, uscc=uscc, division=Division.objects.get(code=seeds.SHANXI[0]))

    # -- the named projects ----------------------------------------------------------------------
    def plan_named(self):
        wenshui = self.zones["文水经济开发区"]
        for name, investment, chain, industry, events, months, illustrative in seeds.WENSHUI_PROJECTS:
            project = self._plan(wenshui, name, investment, chain, industry, events, illustrative)
            for month, amount in months.items():
                project.months[_month(month)] = (amount, ProgressStatus.APPROVED)
        by_name = {project.name: project for project in self.planned}
        for name, month, amount in seeds.WENSHUI_SUBMITTED:
            by_name[name].months[_month(month)] = (amount, ProgressStatus.SUBMITTED)
        for zone_name, name, investment, chain, industry, events in seeds.NAMED_PROJECTS:
            self._plan(self.zones[zone_name], name, investment, chain, industry, events, False)
        geo = seeds.QIXIAN_GEOTHERMAL
        self.geothermal = self._plan(
            self.zones[geo["zone"]], geo["name"], geo["investment"], "", geo["industry"], geo["events"], False
        )
        self.geothermal.leader, self.geothermal.task_force = geo["leader"], geo["task_force"]
        self.geothermal.content = geo["content"]

    def _plan(self, zone, name, investment, chain, industry, events, illustrative):
        resolved = []
        for stage, kind, value in events:
            if kind == seeds.R:
                resolved.append((stage, self.rounds[value].held_on, value))
            else:
                resolved.append((stage, value, None))
        project = PlannedProject(zone, name, investment, chain, industry, illustrative, False, resolved)
        self.planned.append(project)
        self.names_by_zone[zone.pk].add(name)
        return project

    # -- generated projects ----------------------------------------------------------------------
    def _new_name(self, zone, chain):
        while True:
            pattern = self.random.choice(NAME_PATTERNS)
            name = pattern.format(n=self.random.choice([1, 2, 3, 5, 10, 20, 30]), p=self.random.choice(PRODUCTS[chain]))
            if name not in self.names_by_zone[zone.pk]:
                self.names_by_zone[zone.pk].add(name)
                return name

    def _new_project(self, zone, events):
        chain = self.random.choice(list(PRODUCTS))
        investment = self.random.choice([1500, 3000, 5000, 8000, 12000, 20000, 30000, 50000, 80000, 120000])
        project = PlannedProject(
            zone, self._new_name(zone, chain), investment, chain, INDUSTRY_BY_CHAIN[chain], True, True, events
        )
        self.planned.append(project)
        self.generated_by_zone[zone.pk].append(project)
        return project

    def _split(self, total, zones):
        """Share `total` among zones with random weights, exactly."""
        weights = [self.random.randint(1, 6) for _ in zones]
        shares = [total * weight // sum(weights) for weight in weights]
        for index in self.random.sample(range(len(zones)), total - sum(shares)):
            shares[index] += 1
        return dict(zip(zones, shares, strict=True))

    def plan_generated(self):
        """Fill each round's batches across the zones (文水 is hand-made and left out)."""
        zones = [zone for name, zone in self.zones.items() if name != "文水经济开发区"]
        named_in_round = defaultdict(int)
        for project in self.planned:
            for stage, _, label in project.events:
                if label:
                    named_in_round[(label, stage)] += 1
        for label, held_on, _, _ in seeds.ROUNDS:
            if label == "2023-4":
                totals = dict(seeds.ROUND_2023_4_TOTALS)
            else:
                totals = {
                    "signed": self.random.randint(150, 260),
                    "started": self.random.randint(130, 240),
                    "commissioned": self.random.randint(90, 200),
                }
            for stage, total in totals.items():
                for zone, count in self._split(total - named_in_round[(label, stage)], zones).items():
                    for _ in range(count):
                        self._fill(zone, stage, held_on, label)
            self._between_rounds(held_on)

    def _candidates(self, zone, stage, held_on):
        previous = {Stage.STARTED: Stage.SIGNED, Stage.COMMISSIONED: Stage.STARTED}[stage]
        return [
            project
            for project in self.generated_by_zone[zone.pk]
            if project.has(previous)
            and not project.has(stage)
            and not project.has(Stage.TERMINATED)
            and project.last_date() < held_on
        ]

    def _fill(self, zone, stage, held_on, label):
        if stage == Stage.SIGNED:
            self._new_project(zone, [(Stage.SIGNED, held_on, label)])
            return
        pool = self._candidates(zone, stage, held_on)
        if pool and self.random.random() < 0.7:
            self.random.choice(pool).events.append((stage, held_on, label))
            return
        # A project that entered the ledger outside the rounds: signed (or started) a while before.
        lead = timedelta(days=self.random.randint(60, 400))
        if stage == Stage.STARTED:
            events = [(Stage.SIGNED, held_on - lead, None)] if self.random.random() < 0.8 else []
        else:
            events = [(Stage.STARTED, held_on - lead, None)]
        self._new_project(zone, [*events, (stage, held_on, label)])

    def _between_rounds(self, held_on):
        """After a round, some projects move on outside the rounds; a few are terminated."""
        for project in self.planned:
            if not project.generated or project.has(Stage.TERMINATED):
                continue
            day = held_on + timedelta(days=self.random.randint(10, 80))
            if day > LEDGER_END or day <= project.last_date():
                continue
            roll = self.random.random()
            if project.has(Stage.COMMISSIONED) and not project.has(Stage.AT_CAPACITY) and roll < 0.25:
                project.events.append((Stage.AT_CAPACITY, day, None))
            elif project.has(Stage.SIGNED) and not project.has(Stage.STARTED) and roll < 0.08:
                project.events.append((Stage.STARTED, day, None))
            elif project.has(Stage.SIGNED) and not project.has(Stage.STARTED) and roll > 0.995:
                project.events.append((Stage.TERMINATED, day, None))

    def plan_progress(self):
        """Approved monthly completed investment for generated projects under construction."""
        for project in self.planned:
            if not project.generated or not project.has(Stage.STARTED):
                continue
            start = project.date_of(Stage.STARTED)
            end = project.date_of(Stage.COMMISSIONED) if project.has(Stage.COMMISSIONED) else LEDGER_END
            month = date(start.year, start.month, 1)
            spent = 0
            while month <= end and spent < project.investment * 0.9:
                amount = round(project.investment * self.random.uniform(0.01, 0.06))
                status = ProgressStatus.SUBMITTED if month == date(2025, 6, 1) else ProgressStatus.APPROVED
                project.months[month] = (amount, status)
                spent += amount
                month = date(month.year + month.month // 12, month.month % 12 + 1, 1)

    # -- writing -----------------------------------------------------------------------------------
    def write(self):
        """Write the planned ledger through the projects' bulk verbs (audited, as the operator), then its months
        and milestones; returns (projects, events, monthly rows) written."""
        batch = audit.new_batch()
        names = [f"山西{plan.name[:6]}有限公司" if plan.generated else "" for plan in self.planned]
        keys = {}
        for name in names:
            if name and name not in keys:
                keys[name] = self._enterprise_key(name)
        enterprises = enterprises_resolve_bulk(
            actor=None,
            actor_name=DEMO_ACTOR,
            wanted={key: name for name, key in keys.items()},
            division=Division.objects.get(code=seeds.SHANXI[0]),
            batch=batch,
        )
        projects = []
        for index, (plan, enterprise_name) in enumerate(zip(self.planned, names, strict=True)):
            project = Project(
                name=plan.name,
                zone=plan.zone,
                enterprise=enterprises[keys[enterprise_name]] if enterprise_name else None,
                enterprise_name=enterprise_name,
                industry_code=plan.industry,
                chain=self.chains.get(plan.chain),
                total_investment=Decimal(plan.investment),
                land_mu=Decimal(max(10, plan.investment // 300)),
                expected_output=Decimal(plan.investment * 12 // 10),
                expected_tax=Decimal(plan.investment // 20),
                construction_content=plan.content,
                leader_in_charge=plan.leader,
                task_force=plan.task_force,
                key_level="province" if plan.investment >= 100000 else "city" if index % 3 == 0 else "",
                is_illustrative=plan.illustrative,
            )
            events = [(stage, day, self.rounds[label].pk if label else None) for stage, day, label in plan.events]
            projects.append((project, events))
        projects_create_bulk(actor=None, actor_name=DEMO_ACTOR, projects=projects, batch=batch, at=timezone.now())
        projects = [project for project, _events in projects]
        for plan, project in zip(self.planned, projects, strict=True):
            for month, (amount, status) in plan.months.items():
                waits = status == ProgressStatus.SUBMITTED
                (self.waiting if waits else self.approved).append(MonthEntry(project, month, Decimal(amount)))
        months = len(self.approved) + len(self.waiting)
        return len(projects), sum(len(plan.events) for plan in self.planned), months

    def submit_months(self):
        """The planned months, as the demo's people would have reported them: each submitted through
        `progress_submit_bulk` by the editor nearest to its zone (the zone's own, else its city's, else the
        province's) on the 3rd of the next month; the approved ones then approved as the cities review them
        (`approve_as_cities`). So every month has its version, history and audit records, like one reported in the
        product. Run once the org units exist."""
        editors = {spec[1]: spec for spec in DEMO_USERS if spec[2] == Role.EDITOR}  # org name -> user
        waiting = {id(entry) for entry in self.waiting}
        by_submission = defaultdict(list)
        for entry in self.approved + self.waiting:
            zone = entry.project.zone
            org_name = next(
                name for name in (f"{zone.name}管委会", f"{zone.city.name}商务局", seeds.SHANXI[1]) if name in editors
            )
            by_submission[(org_name, entry.month)].append(entry)
        to_approve = []
        for (org_name, month), entries in sorted(by_submission.items()):
            result = progress_submit_bulk(
                actor=_demo_user(*editors[org_name]), entries=entries, at=_reported_at(month, SUBMITTED_ON_DAY)
            )
            submitted = zip(entries, result.version_ids, strict=True)
            to_approve += [pk for entry, pk in submitted if id(entry) not in waiting]
        approve_as_cities(ReportVersion.objects.filter(pk__in=to_approve))


def plan_geothermal():
    """祁县's geothermal heating project, planned backwards (倒排工期) by its zone through the milestone services:
    the cooperation agreement by the end of March 2025, the pipe network from mid-April (seeds)."""
    geo = seeds.QIXIAN_GEOTHERMAL
    project = Project.objects.select_related("zone").get(zone__name=geo["zone"], name=geo["name"])
    planner = _demo_user(*QIXIAN_PLANNER)
    template = PlanTemplate.objects.filter(province_code=project.zone.province_id, name=geo["template"]["name"]).first()
    if template is None:  # the province's template, kept by its business administrator
        facts = geo["template"]
        template = template_save(
            actor=_demo_user(*PROVINCE_ADMIN),
            name=facts["name"],
            description=facts["description"],
            steps=[Step.from_json(step) for step in facts["steps"]],
        )
    target = geo["milestones"][-1][1]
    milestones_plan(actor=planner, project=project, template=template, target=target, allow_late=True)
    for code, matter, authority, state, number, decided_on in geo["approvals"]:
        approval_save(
            actor=planner,
            project_code=code,
            matter=matter,
            authority=authority,
            state=state,
            document_number=number,
            decided_on=decided_on,
        )
    # Giving the project its code links the items waiting for it (projects.signals, received by approvals).
    project_update(actor=planner, project=project, expected_version=project.version, code=geo["code"])


def build_orgs():
    """Shanxi's commerce department, each of its cities' commerce bureaus and each demo zone's administration, each
    added through `org_unit_create` unless it is there already (building twice adds nothing)."""
    code, name = seeds.SHANXI
    province = _org(kind=OrgKind.PROVINCE, name=name, division=code)
    for city in Division.objects.filter(level=DivisionLevel.CITY, parent_id=code):
        _org(kind=OrgKind.CITY, name=f"{city.name}商务局", division=city.code, parent=province)
    for zone in Zone.objects.filter(province_id=code):
        city_org = OrgUnit.objects.get(kind=OrgKind.CITY, division_id=zone.city_id)
        _org(kind=OrgKind.ZONE, name=f"{zone.name}管委会", zone=zone, parent=city_org)


def _org(*, name, **fields):
    return OrgUnit.objects.filter(name=name).first() or org_unit_create(actor=None, name=name, **fields)


# user name, org name, role, display name
DEMO_USERS = [
    ("province-viewer", "山西省商务厅", Role.VIEWER, "省厅查看员"),
    ("province-editor", "山西省商务厅", Role.EDITOR, "省厅填报员"),
    ("province-reviewer", "山西省商务厅", Role.REVIEWER, "省厅审核员"),
    ("province-admin", "山西省商务厅", Role.ADMIN, "省厅业务管理员"),
    ("auditor", "山西省商务厅", Role.AUDITOR, "安全审计员"),
    ("sysadmin", "山西省商务厅", Role.SYSADMIN, "系统管理员"),
    ("secadmin", "山西省商务厅", Role.SECADMIN, "安全管理员"),
    ("lvliang-viewer", "吕梁市商务局", Role.VIEWER, "吕梁市查看员"),
    ("lvliang-editor", "吕梁市商务局", Role.EDITOR, "吕梁市填报员"),
    ("lvliang-reviewer", "吕梁市商务局", Role.REVIEWER, "吕梁市审核员"),
    ("lvliang-admin", "吕梁市商务局", Role.ADMIN, "吕梁市业务管理员"),
    ("wenshui-viewer", "文水经济开发区管委会", Role.VIEWER, "文水查看员"),
    ("wenshui-editor", "文水经济开发区管委会", Role.EDITOR, "文水填报员"),
    ("wenshui-reviewer", "文水经济开发区管委会", Role.REVIEWER, "文水审核员"),
    ("wenshui-admin", "文水经济开发区管委会", Role.ADMIN, "文水业务管理员"),
    ("xiaoyi-editor", "孝义经济开发区管委会", Role.EDITOR, "孝义填报员"),
]
PROVINCE_ADMIN = next(spec for spec in DEMO_USERS if spec[0] == "province-admin")
# The zone editor who planned 祁县's geothermal milestones (load_demo creates it; ensure_demo_users resets it).
QIXIAN_PLANNER = ("qixian-editor", "祁县经济开发区管委会", Role.EDITOR, "祁县填报员")
DEMO_USERS.append(QIXIAN_PLANNER)


def _demo_user(username, org_name, role, display, *, password=None):
    return demo_account_ensure(
        username=username, org=OrgUnit.objects.get(name=org_name), role=role, display_name=display, password=password
    )


def ensure_demo_users():
    """Create (or reset to the demo password) one user per role and scope; returns their rows."""
    for spec in DEMO_USERS:
        _demo_user(*spec, password=DEMO_PASSWORD)
    return DEMO_USERS


RETURN_REASON = "形象进度与完成投资不符，请核实后重新提交。"


# When a zone reports a month and a city reviews it: the 3rd and the 8th of the next month, mid-morning in Beijing
# (the reports are due by the 5th).
SUBMITTED_ON_DAY, REVIEWED_ON_DAY, REPORTING_HOUR = 3, 8, 10
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


def _reported_at(month: date, day: int) -> datetime:
    """That day of the month after `month`, mid-morning in Beijing; never later than now (the live layer's last
    month)."""
    next_month = (month.replace(day=28) + timedelta(days=4)).replace(day=day)
    return min(datetime.combine(next_month, time(REPORTING_HOUR), tzinfo=BEIJING), timezone.now())


def approve_as_cities(versions):
    """`versions` (submitted ones) approved as the cities review them: by the reviewer nearest to each zone among
    the demo's users (its city's, else the province's), through `progress_review_bulk`, on the 8th of the month
    after each report's."""
    reviewers = {spec[1]: spec for spec in DEMO_USERS if spec[2] == Role.REVIEWER}  # org name -> user
    by_review = defaultdict(list)
    for version in versions.select_related("project__zone__city"):
        zone = version.project.zone
        org_name = next(name for name in (f"{zone.city.name}商务局", seeds.SHANXI[1]) if name in reviewers)
        by_review[(org_name, version.month)].append(version)
    for (org_name, month), chosen in sorted(by_review.items()):
        progress_review_bulk(
            actor=_demo_user(*reviewers[org_name]),
            versions=chosen,
            approve=True,
            at=_reported_at(month, REVIEWED_ON_DAY),
        )


def review_waiting():
    """The demo's waiting months approved as the cities review them (`approve_as_cities`).

    Kept waiting: the months the seeds publish as submitted (文水's 2024-12): its 2024 figures (DOMAIN §6, 完成投资
    3.31亿元) are the approved months without it, so approving it would change a golden figure.
    """
    held = Q()
    for name, month, _amount in seeds.WENSHUI_SUBMITTED:
        held |= Q(project__name=name, month=_month(month))
    waiting = ReportVersion.objects.filter(state=ReportState.SUBMITTED, project__zone__province_id=seeds.SHANXI[0])
    approve_as_cities(waiting.exclude(held))


def load_demo_reports():
    """The demo's waiting months reviewed (`review_waiting`), and one correction of an approved 孝义 month, submitted
    by its zone's editor and returned with a reason by the province's reviewer, so its approved amount still counts.
    Run after the demo users exist.

    The months loaded submitted got their versions when the demo was loaded (`DemoBuilder.submit_months`). No golden
    figure changes: the month the seeds publish as submitted stays waiting.
    """
    editor = User.objects.get(username="xiaoyi-editor")
    reviewer = User.objects.get(username="province-reviewer")
    if ReportVersion.objects.filter(return_reason=RETURN_REASON).exists():
        return
    review_waiting()
    corrected = (
        MonthlyProgress.objects.filter(status=ProgressStatus.APPROVED, project__zone__name="孝义经济开发区")
        .select_related("project__zone")
        .order_by("-month", "project__name")
        .first()
    )
    if corrected is not None:
        correction = progress_submit(
            actor=editor,
            project=corrected.project,
            month=corrected.month,
            amount=corrected.completed_investment + 100,
            physical_progress="补报设备款",
        )
        progress_return(actor=reviewer, version=correction, reason=RETURN_REASON)


def demo_is_loaded():
    return Zone.objects.filter(name="文水经济开发区").exists()


@transaction.atomic
def load_demo():
    """Load the whole demo ledger once; returns (projects, events, monthly rows) created, or None if present."""
    if demo_is_loaded():
        return None
    builder = DemoBuilder()
    builder.build_reference()
    builder.plan_named()
    builder.plan_generated()
    builder.plan_progress()
    counts = builder.write()
    build_orgs()
    builder.submit_months()
    plan_geothermal()
    audit.record(
        actor=None,
        actor_name=DEMO_ACTOR,
        action=Action.DEMO_LOAD,
        province=seeds.SHANXI[0],
        message=f"demo ledger: {counts[0]} projects, {counts[1]} events, {counts[2]} monthly rows",
    )
    _gather_statistics()
    return counts


def _gather_statistics() -> None:
    """PostgreSQL's planner statistics for the tables the demo filled in bulk. A new database has none until
    autovacuum gets to it (some servers run without it), and planned as if empty, a page's queries over the demo's
    25,000 monthly reports took seconds each."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
