"""The demo's live layer: a year of work built relative to the day the demo is built, so its first screen is today's.

The seed years (2023–2025) stay exactly as `builder` writes them, with DOMAIN §6's figures; this layer adds only
the build day's year, all of it dated from that day (`today`), deterministically for a given day:

- the year's rounds held so far (about quarterly; one on the day itself when none would be yet) and the next one,
  defined ahead;
- in a dozen zones across the cities, projects signed, started and commissioned in those rounds, and some signed
  outside them 120 and 200 days ago (签约未开工: a warning and an alarm);
- monthly reports of the projects under construction up to the month before today's: approved, except last month's
  for some, submitted and waiting for review (this month's are still to fill);
- problems on the 13710 clock raised so that one is due today (yellow), one overdue (red) and one replied to;
- 倒排工期 for a signed project with 开工 a fortnight ahead: a step overdue, steps due this week;
- the year's targets for Shanxi and its cities, set by the province (`campaigns.services.targets_set`).

Everything is written through the services, as the demo's people (or the operator), like the rest of the demo.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from zoneledger.accounts.models import User
from zoneledger.accounts.scope import parse_scope
from zoneledger.audit import services as audit
from zoneledger.campaigns.models import Round
from zoneledger.campaigns.services import TargetFigures, round_create, targets_set
from zoneledger.core.calendar import WorkingCalendar
from zoneledger.milestones.models import PlanTemplate
from zoneledger.milestones.services import milestones_plan
from zoneledger.problems import services as problems
from zoneledger.problems.choices import Category, Level, Step
from zoneledger.progress.services import MonthEntry
from zoneledger.projects.choices import Stage
from zoneledger.projects.models import Project
from zoneledger.projects.services import projects_create_bulk
from zoneledger.zones.choices import DivisionLevel
from zoneledger.zones.models import Division, Zone

from . import seeds
from .builder import DEMO_ACTOR, LEDGER_END, SEED, DemoBuilder

BEIJING = ZoneInfo("Asia/Shanghai")
# The days the province usually holds its rounds; a round is "held so far" a week after its day.
ROUND_DAYS = [(2, 26), (5, 28), (8, 27), (11, 26)]
# The zones that get live projects: the named ones with demo users first, then one or two in each other city.
LIVE_ZONES = [
    "文水经济开发区",
    "孝义经济开发区",
    "祁县经济开发区",
    "吕梁经济技术开发区",
    "太原中北高新技术产业开发区",
    "山西转型综合改革示范区",
    "临汾经济开发区",
    "河津经济技术开发区",
]
LIVE_NAMES = ["{p}扩能项目", "{p}智能化改造项目", "年产{n}万吨{p}项目", "{p}产业园（二期）项目"]
PRODUCTS = ["氢能装备", "光伏组件", "储能电池", "铝镁合金", "碳纤维", "特种钢材", "数据中心", "固废制砖"]


def live_rounds(today: date) -> tuple[list[date], date]:
    """The days of this year's rounds held by `today` (a week's margin; the day itself when none would be) and the
    day of the next one: its usual day, or a week from today when that has just passed."""
    days = [date(today.year, month, day) for month, day in ROUND_DAYS]
    held = [day for day in days if day <= today - timedelta(days=7)]
    rest = days[len(held) :] if held else [day for day in days if day > today]
    upcoming = rest[0] if rest else date(today.year + 1, *ROUND_DAYS[0])
    return held or [today], max(upcoming, today + timedelta(days=7))


def live_is_loaded(year: int) -> bool:
    return Round.objects.filter(province_id=seeds.SHANXI[0], year=year).exists()


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


@transaction.atomic
def load_live(today: date) -> int:
    """Build the live layer for `today` (see the module's docstring); how many projects it added (0: a seed year, or
    the layer of this year is there already). Run after the demo's users exist."""
    if today.year <= LEDGER_END.year or live_is_loaded(today.year):
        return 0
    rng = random.Random(SEED + today.toordinal())
    held, upcoming = live_rounds(today)
    rounds = _rounds(today.year, held, upcoming)
    zones = {zone.name: zone for zone in Zone.objects.filter(name__in=LIVE_ZONES).select_related("city")}
    plans = []
    for zone_name in LIVE_ZONES:
        plans += _zone_plans(rng, zones[zone_name], rounds, today)
    projects = _write_projects(plans)
    _write_months(rng, projects, plans, today)
    _raise_problems(projects, today)
    _plan_milestones(projects, today)
    _set_targets(today.year, plans)
    return len(projects)


def _rounds(year: int, held: list[date], upcoming: date) -> list[Round]:
    """This year's rounds held so far, and the next one defined ahead (its own year's when it falls in the next)."""
    rounds = []
    for sequence, day in enumerate([*held, upcoming], start=1):
        round_year, number = (year, sequence) if day.year == year else (day.year, 1)
        rounds.append(
            round_create(
                actor=None,
                label=f"{round_year}-{number}",
                held_on=day,
                title=f"全省开发区{round_year}年第{number}次“三个一批”活动",
                province=seeds.SHANXI[0],
            )
        )
    return rounds[:-1]


def _zone_plans(rng: random.Random, zone: Zone, rounds: list[Round], today: date) -> list[dict]:
    """A zone's live projects: each a name, an investment (万元) and its events (stage, day, round or None)."""
    plans = []
    names = set(Project.objects.filter(zone=zone).values_list("name", flat=True))

    def plan(events):
        product = rng.choice(PRODUCTS)
        name = f"{zone.short_name or zone.name[:2]}{rng.choice(LIVE_NAMES).format(p=product, n=rng.randint(2, 30))}"
        while name in names:  # a zone's project names are its own
            name = f"{name}（续）"
        names.add(name)
        plans.append({"zone": zone, "name": name, "events": events, "investment": rng.randint(8, 120) * 1000})

    for position, round_ in enumerate(rounds):
        day = round_.held_on
        later = rounds[position + 1 :]
        for _ in range(rng.randint(1, 3)):
            signed = [(Stage.SIGNED, day, round_)]
            # Earlier rounds' signings have mostly started since, in a later round.
            if later and rng.random() < 0.6:
                signed.append((Stage.STARTED, later[0].held_on, later[0]))
            plan(signed)
        for _ in range(rng.randint(1, 2)):
            started = [(Stage.SIGNED, day - timedelta(days=rng.randint(60, 150)), None), (Stage.STARTED, day, round_)]
            if later and rng.random() < 0.4:  # built quickly: in production by a later round
                started.append((Stage.COMMISSIONED, later[-1].held_on, later[-1]))
            plan(started)
        if rng.random() < 0.7:
            # Begun the year before at the earliest: nothing reaches back into the seed years' figures.
            begun = max(day - timedelta(days=rng.randint(300, 500)), date(day.year - 1, 1, 1))
            plan([(Stage.STARTED, begun, None), (Stage.COMMISSIONED, day, round_)])
    # 签约未开工 outside the rounds: one past the warning's days, one past the alarm's.
    plan([(Stage.SIGNED, today - timedelta(days=120), None)])
    if rng.random() < 0.5:
        plan([(Stage.SIGNED, today - timedelta(days=200), None)])
    return plans


def _write_projects(plans: list[dict]) -> list[Project]:
    batch = audit.new_batch()
    rows = []
    for plan in plans:
        project = Project(
            name=plan["name"],
            zone=plan["zone"],
            total_investment=Decimal(plan["investment"]),
            land_mu=Decimal(max(10, plan["investment"] // 300)),
            is_illustrative=True,
        )
        events = [(stage, day, round_.pk if round_ else None) for stage, day, round_ in plan["events"]]
        rows.append((project, events))
    projects_create_bulk(actor=None, actor_name=DEMO_ACTOR, projects=rows, batch=batch, at=timezone.now())
    return [project for project, _events in rows]


def _write_months(rng: random.Random, projects: list[Project], plans: list[dict], today: date) -> None:
    """Monthly reports of the projects under construction, from their start to last month, each submitted by the
    zone's nearest editor and approved by its city's reviewer (`DemoBuilder.submit_months`), but last month's waits
    for review for about half of them."""
    last_month = _month_start(_month_start(today) - timedelta(days=1))
    approved, waiting = [], []
    for project, plan in zip(projects, plans, strict=True):
        stages = {stage: day for stage, day, _round in plan["events"]}
        if Stage.STARTED not in stages:
            continue
        end = stages.get(Stage.COMMISSIONED, last_month)
        month = _month_start(max(stages[Stage.STARTED], date(today.year - 1, 1, 1)))
        while month <= min(end, last_month):
            amount = Decimal(round(plan["investment"] * rng.uniform(0.01, 0.05)))
            if month == last_month and rng.random() < 0.5:
                waiting.append(MonthEntry(project, month, amount))
            else:
                approved.append(MonthEntry(project, month, amount))
            month = _next_month(month)
    builder = DemoBuilder()
    builder.approved, builder.waiting = approved, waiting
    builder.submit_months()


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=BEIJING)


def _raise_problems(projects: list[Project], today: date) -> None:
    """Wenshui's live problems: one due today (raised the working day before), one overdue (raised three working
    days ago, never planned), one planned and replied to on time."""
    calendar = WorkingCalendar(seeds.SHANXI[0])
    editor = User.objects.select_related("org__zone").get(username="wenshui-editor")
    wenshui = [project for project in projects if project.zone.name == "文水经济开发区"]
    matters = [
        ("设备进场道路未硬化，大件运输受阻", Category.OTHER, calendar.subtract_working_days(today, 1), []),
        ("排污管网接入方案未批复", Category.ENVIRONMENT, calendar.subtract_working_days(today, 3), []),
        (
            "配套变电站扩容手续办理中",
            Category.UTILITIES,
            calendar.subtract_working_days(today, 2),
            [(Step.PLAN, "供电公司已受理扩容申请"), (Step.REPLY, "扩容方案已报市能源局，预计两周内批复")],
        ),
    ]
    for position, (title, category, raised_on, steps) in enumerate(matters):
        problem = problems.problem_raise(
            actor=editor,
            project=wenshui[position % len(wenshui)],
            zone=editor.org.zone,
            title=title,
            category=category,
            level=Level.ORDINARY,
            owner_org=editor.org,
            raised_at=_at(raised_on, 9),
            calendar=calendar,
        )
        for hour, (step, note) in enumerate(steps, start=10):
            problem = problems.problem_act(actor=editor, problem=problem, step=step, note=note, at=_at(raised_on, hour))


def _plan_milestones(projects: list[Project], today: date) -> None:
    """倒排工期 for Wenshui's project signed 120 days ago: 开工 eight working days from today, through the province's
    industrial template, so the steps before are overdue and 施工许可 falls due this week."""
    editor = User.objects.get(username="wenshui-editor")
    project = next(
        project for project in projects if project.zone.name == "文水经济开发区" and project.stage == Stage.SIGNED
    )
    template = PlanTemplate.objects.filter(province_code="").order_by("pk")  # the industrial one, every province's
    if template.exists():
        milestones_plan(
            actor=editor,
            project=project,
            template=template.first(),
            target=WorkingCalendar(seeds.SHANXI[0]).add_working_days(today, 8),
            allow_late=True,
        )


def _aim(count: int, amount: Decimal) -> TargetFigures:
    """A target a quarter above what is signed in the rounds (`count` projects, `amount` 万元), 75 % 开工率 (the
    province's aim) and completed investment of a fifth of what is signed."""
    return TargetFigures(
        signed_count=-(-count * 5 // 4),
        signed_investment=amount * 5 // 4,
        start_rate=Decimal(75),
        completed=amount // 5,
    )


def _set_targets(year: int, plans: list[dict]) -> None:
    """The year's targets: Shanxi's cities' set by the province (two projects and 4亿元 where the layer signs none)
    and the province's, their sums; Lüliang's zones' set by the city."""
    by_city: dict[str, tuple[int, Decimal]] = {}
    by_zone: dict[Zone, tuple[int, Decimal]] = {}
    for plan in plans:
        if any(stage == Stage.SIGNED and round_ for stage, _day, round_ in plan["events"]):
            for totals, key in ((by_city, plan["zone"].city_id), (by_zone, plan["zone"])):
                count, amount = totals.get(key, (0, Decimal(0)))
                totals[key] = (count + 1, amount + plan["investment"])
    cities = Division.objects.filter(level=DivisionLevel.CITY, parent_id=seeds.SHANXI[0]).order_by("code")
    targets = {city.code: _aim(*by_city.get(city.code, (2, Decimal(40000)))) for city in cities}
    targets[seeds.SHANXI[0]] = TargetFigures(
        signed_count=sum(target.signed_count or 0 for target in targets.values()),
        signed_investment=sum((target.signed_investment or 0 for target in targets.values()), Decimal(0)),
        start_rate=Decimal(75),
        completed=sum((target.completed or 0 for target in targets.values()), Decimal(0)),
    )
    targets_set(actor=None, year=year, entries=[(parse_scope(code), aim, 0) for code, aim in targets.items()])
    lvliang = [
        (parse_scope(zone.name), _aim(*totals), 0) for zone, totals in by_zone.items() if zone.city_id == "141100"
    ]
    targets_set(actor=User.objects.get(username="lvliang-admin"), year=year, entries=lvliang)
