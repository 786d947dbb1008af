"""zoneledger milestones templates|plan|list: JSON out through the same services; bad arguments are one clear line,
a non-zero exit and nothing written."""

import io
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from zoneledger.milestones.models import Milestone
from zoneledger.projects import services as project_services
from zoneledger.zones.models import Zone

pytestmark = pytest.mark.django_db

CODE = "2025-141121-30-03-00077B"


@pytest.fixture(autouse=True)
def guess_unknown_years(settings):
    """Targets lie a year ahead, past the installed calendar package: count them Monday–Friday (the setting)."""
    settings.ZONELEDGER_CALENDAR_UNKNOWN_YEAR = "weekends"


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def project(wenshui_editor):
    zone = Zone.objects.get(name="文水经济开发区")
    return project_services.project_create(
        actor=wenshui_editor, zone=zone, name="命令行倒排项目", total_investment=Decimal("8000.00"), code=CODE
    )


def run(*args):
    out = io.StringIO()
    call_command("milestones", *args, stdout=out)
    return json.loads(out.getvalue())


def target():
    return timezone.localdate() + timedelta(days=400)


def test_templates_lists_each_with_its_steps_and_working_days():
    templates = run("templates", "--format", "json")
    industrial = next(template for template in templates if template["name"] == "工业新建项目")
    assert industrial["steps"][0] == industrial["steps"][0] | {"title": "备案/核准", "working_days": 3}
    assert industrial["steps"][-1]["title"] == "开工"
    # As a user: their province's templates and the national ones only.
    names = {template["name"] for template in run("templates", "--as", "wenshui-editor")}
    assert "工业新建项目" in names


def test_plan_works_back_from_the_target_and_prints_the_milestones(project):
    day = target()
    planned = run(
        "plan", "--project", CODE, "--template", "工业新建项目", "--target", f"开工={day}", "--as", "wenshui-editor"
    )
    assert [row["title"] for row in planned][-1] == "开工"
    assert planned[-1]["planned"] <= day.isoformat()
    assert [row["planned"] for row in planned] == sorted(row["planned"] for row in planned)
    assert {row["project"] for row in planned} == {CODE}
    assert {row["light"] for row in planned} <= {"green", "yellow"}
    assert Milestone.objects.filter(project=project, plan="工业新建项目").count() == len(planned)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target", "2025-04-15"], "=YYYY-MM-DD"),
        (["--target", "动工=2025-04-15"], "=YYYY-MM-DD"),
        (["--target", "开工=2025-13-40"], "--target"),
        (["--target", "投产=NEXT"], "--target"),
        (["--target", "投产=2027-04-15"], "开工"),  # the template ends at a 开工 target
        (["--target", "开工=2025-04-15"], "2025-04-15"),  # past: the plan would begin before today
        (["--template", "没有的模板"], "没有的模板"),
        (["--project", "2025-141121-30-03-99999X"], "--project"),
        (["--as", "nobody"], "--as"),
        (["--as", "xiaoyi-editor"], "--project"),  # another zone's project is not found
        (["--as", "province-viewer"], ""),  # a viewer may not write
    ],
)
def test_plan_refuses_bad_arguments_and_writes_nothing(project, args, message):
    defaults = {
        "--project": CODE,
        "--template": "工业新建项目",
        "--target": f"started={target()}",
        "--as": "wenshui-editor",
    }
    given = dict(zip(args[::2], args[1::2], strict=True))
    argv = [part for option, value in (defaults | given).items() for part in (option, value)]
    before = Milestone.objects.count()

    with pytest.raises(CommandError) as refused:
        run("plan", *argv)

    assert message in str(refused.value)
    assert Milestone.objects.count() == before


def test_list_gives_each_milestone_its_light_as_of_a_date(project, wenshui_editor):
    from zoneledger.milestones import services

    services.milestone_create(actor=wenshui_editor, project=project, title="环评批复", planned_on=date(2025, 5, 20))
    services.milestone_create(actor=wenshui_editor, project=project, title="施工许可", planned_on=date(2025, 6, 30))

    def lights(as_of, *more):
        rows = run(
            "list", "--scope", "文水经济开发区", "--as-of", as_of, "--as", "wenshui-editor", "--format", "json", *more
        )
        return {row["title"]: row["light"] for row in rows if row["project"] == CODE}

    assert lights("2025-05-20") == {"环评批复": "yellow", "施工许可": "green"}
    assert lights("2025-05-21") == {"环评批复": "red", "施工许可": "green"}
    assert lights("2025-05-21", "--light", "red") == {"环评批复": "red"}
    row = run("list", "--scope", "文水经济开发区", "--as-of", "2025-05-21", "--as", "wenshui-editor")[0]
    assert set(row) >= {"project", "title", "planned", "done", "light"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scope", "文水经济开发区", "--as-of", "21/05/2025"], "--as-of"),
        (["--scope", "孝义经济开发区"], "孝义经济开发区"),  # outside the user's scope: as if it did not exist
        (["--scope", "不存在的开发区"], "不存在的开发区"),
    ],
)
def test_list_refuses_bad_arguments(args, message):
    with pytest.raises(CommandError) as refused:
        run("list", *args, "--as", "wenshui-editor")
    assert message in str(refused.value)
