"""The demo's problems (堵点), leaders in charge and a task force, written through the problems' services.

Realistic matters of November 2026 in Wenshui and Xiaoyi, at every step of the 13710 clock: one raised, one
planned, one replied to, one closed (销号), one major, and one escalated to the city for missing its deadline.
They touch no figure: the golden figures of tests/demo and tests/reports stay as they are. Loaded once, after the
demo users exist (they raise and act), by `zoneledger demo` and the test database.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from zoneledger.accounts.models import User
from zoneledger.problems import services
from zoneledger.problems.choices import Category, Level, Step
from zoneledger.problems.models import Problem
from zoneledger.projects.choices import Stage
from zoneledger.projects.models import Project

BEIJING = ZoneInfo("Asia/Shanghai")
ESCALATED_AS_OF = date(2026, 12, 1)

# zone, project's position among its started projects (None: the whole zone), title, category, level, raised by,
# raised at, steps taken (step, note, at)
DEMO_PROBLEMS = [
    (
        "文水经济开发区", 0, "二期用地指标未落实，影响厂房开工", Category.LAND, Level.ORDINARY, "wenshui-editor",
        datetime(2026, 11, 24, 10, 0, tzinfo=BEIJING),
        [(Step.PLAN, "管委会召开专题会，明确由自然资源分局牵头", datetime(2026, 11, 24, 17, 0, tzinfo=BEIJING)),
         (Step.REPLY, "已向市局申请调剂用地指标，预计12月上旬下达", datetime(2026, 11, 26, 11, 0, tzinfo=BEIJING))],
    ),
    (
        "文水经济开发区", 1, "施工临时用电未接入，设备无法调试", Category.UTILITIES, Level.ORDINARY, "wenshui-editor",
        datetime(2026, 11, 10, 9, 30, tzinfo=BEIJING),
        [(Step.PLAN, "协调供电公司现场踏勘", datetime(2026, 11, 11, 9, 0, tzinfo=BEIJING))],
    ),
    (
        "文水经济开发区", None, "园区技术工人招聘困难", Category.LABOUR, Level.ORDINARY, "wenshui-editor",
        datetime(2026, 11, 2, 15, 0, tzinfo=BEIJING),
        [(Step.PLAN, "联合人社局组织专场招聘会", datetime(2026, 11, 3, 10, 0, tzinfo=BEIJING)),
         (Step.REPLY, "11月15日举办专场招聘会，联系职业院校定向培养", datetime(2026, 11, 4, 16, 0, tzinfo=BEIJING)),
         (Step.SOLVE, "招聘会达成意向126人，已到岗98人", datetime(2026, 11, 10, 17, 0, tzinfo=BEIJING)),
         (Step.CLOSE, "", datetime(2026, 11, 11, 9, 0, tzinfo=BEIJING))],
    ),
    (
        "孝义经济开发区", 0, "环评批复滞后，项目无法办理施工许可", Category.ENVIRONMENT, Level.MAJOR, "xiaoyi-editor",
        datetime(2026, 11, 16, 10, 0, tzinfo=BEIJING),
        [(Step.PLAN, "提请市生态环境局提前介入、并联审批", datetime(2026, 11, 17, 9, 0, tzinfo=BEIJING))],
    ),
    (
        "孝义经济开发区", 1, "技改项目贷款审批周期长", Category.FUNDING, Level.ORDINARY, "xiaoyi-editor",
        datetime(2026, 11, 27, 14, 0, tzinfo=BEIJING),
        [],
    ),
]  # fmt: skip


def demo_problems_loaded() -> bool:
    return Problem.objects.filter(province_id="140000", title=DEMO_PROBLEMS[0][2]).exists()


@transaction.atomic
def load_demo_problems() -> int:
    """Raise the demo's problems, take their steps, escalate what missed its deadline by 1 December 2026, and set a
    leader in charge and a task force; how many problems (0 when they are there already)."""
    if demo_problems_loaded():
        return 0
    users = {user.username: user for user in User.objects.select_related("org").filter(username__contains="-")}
    started: dict[str, list[Project]] = {}
    for zone, position, title, category, level, raised_by, raised_at, steps in DEMO_PROBLEMS:
        actor = users[raised_by]
        if zone not in started:
            started[zone] = list(
                Project.objects.filter(zone__name=zone, stage=Stage.STARTED).select_related("zone").order_by("pk")[:2]
            )
        project = started[zone][position] if position is not None else None
        problem = services.problem_raise(
            actor=actor,
            project=project,
            zone=actor.org.zone,
            title=title,
            category=category,
            level=level,
            owner_org=actor.org,
            raised_at=raised_at,
        )
        for step, note, at in steps:
            problem = services.problem_act(actor=actor, problem=problem, step=step, note=note, at=at)
    services.problem_escalate(as_of=ESCALATED_AS_OF, province="140000")
    wenshui = started["文水经济开发区"]
    for project in wenshui:
        services.leader_set(actor=users["wenshui-editor"], project=project, user=users["wenshui-reviewer"])
    services.task_force_save(
        actor=users["lvliang-reviewer"],
        name="吕梁市重点项目推进专班",
        lead=users["lvliang-reviewer"],
        members=[users["lvliang-editor"], users["wenshui-editor"], users["xiaoyi-editor"]],
        projects=[*wenshui, *started["孝义经济开发区"]],
    )
    return len(DEMO_PROBLEMS)
