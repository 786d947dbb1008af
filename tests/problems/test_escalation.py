"""Escalation through the worker's periodic task and `zoneledger escalate`; the city's queue shows what reached it."""

import json
from datetime import date, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.problems.conftest import BEIJING
from tests.security.sessions import log_in
from zoneledger.jobs import schedule
from zoneledger.problems.choices import Tier
from zoneledger.problems.tasks import problems_escalate, problems_remind

pytestmark = pytest.mark.django_db


def escalate(*arguments):
    out = StringIO()
    call_command("escalate", *arguments, stdout=out)
    return json.loads(out.getvalue())


def test_the_command_escalates_once_and_then_finds_nothing(raise_problem):
    problem = raise_problem()  # solve due 2025-10-16

    assert escalate("--as-of", "2025-10-17") == {"as_of": "2025-10-17", "problems": 1, "steps": 1}
    assert escalate("--as-of", "2025-10-17")["problems"] == 0
    problem.refresh_from_db()
    assert problem.tier == Tier.CITY


def test_escalation_is_a_periodic_task_of_the_worker():
    schedule.discover()
    assert problems_escalate.module_path in schedule.registered()
    assert problems_remind.module_path in schedule.registered()  # deadlines due the next working day, told hourly


def test_the_escalated_problem_is_red_in_the_city_queue(client, raise_problem, user):
    problem = raise_problem()
    escalate("--as-of", "2025-10-17")
    log_in(client, user("lvliang-reviewer"))

    page = client.get(reverse("problems:problem_list"), {"tier": Tier.CITY, "as_of": "2025-10-29"}).content.decode()

    assert problem.title in page
    assert 'data-colour="red"' in page
    detail = client.get(reverse("problems:problem_detail", args=[problem.pk])).content.decode()
    assert 'data-testid="step-escalate"' in detail
    assert date(2025, 10, 28).isoformat() in detail


def test_a_bad_date_is_refused_by_the_command():
    with pytest.raises(Exception, match="--as-of"):
        escalate("--as-of", "yesterday")


def test_an_unknown_province_is_refused_and_nothing_escalates(raise_problem):
    problem = raise_problem()

    for code in ("999999", "141100", "abc"):  # no division, a city, not a code
        with pytest.raises(CommandError, match=code):
            escalate("--as-of", "2025-10-17", "--province", code)

    problem.refresh_from_db()
    assert (problem.tier, problem.version) == (Tier.ZONE, 1)
    assert not problem.steps.filter(step="escalate").exists()


def test_another_province_s_run_leaves_these_problems_alone(raise_problem):
    problem = raise_problem()

    assert escalate("--as-of", "2025-10-17", "--province", "130000")["problems"] == 0
    assert escalate("--as-of", "2025-10-17", "--province", "140000")["problems"] == 1
    problem.refresh_from_db()
    assert problem.tier == Tier.CITY


def test_escalation_costs_the_same_queries_for_two_problems_or_many(raise_problem, user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zoneledger.audit.models import AuditRecord
    from zoneledger.problems import services

    editor = user("wenshui-editor")
    raise_problem()
    raise_problem(title="另一个问题")
    with CaptureQueriesContext(connection) as two:
        services.problem_escalate(as_of=date(2025, 10, 17))
    for number in range(12):
        raise_problem(title=f"问题{number}")
    services.problem_raise(  # a matter of the whole zone: its record is the problem's own
        actor=editor, zone=editor.org.zone, title="园区供水", category="utilities", level="ordinary",
        owner_org=editor.org, raised_at=datetime(2025, 9, 30, 16, tzinfo=BEIJING),
    )  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        run = services.problem_escalate(as_of=date(2025, 10, 17))

    assert run.problems == 13
    assert len(many) == len(two)
    records = AuditRecord.objects.filter(action="problem.escalate").order_by("-pk")[:13]
    assert {record.related_type for record in records} == {"projects.project", ""}
    assert all(record.after["tier"] == Tier.CITY for record in records)


def problem_command(*arguments):
    out = StringIO()
    call_command("problem", *arguments, stdout=out)
    return json.loads(out.getvalue())


def test_the_problem_command_raises_acts_and_lists(problem_project, user, settings):
    settings.ZONELEDGER_CALENDAR_UNKNOWN_YEAR = "weekends"
    org = user("wenshui-editor").org.name
    raised = problem_command(
        "raise", "--project", str(problem_project.pk), "--title", "环评批复滞后", "--category", "environment",
        "--level", "ordinary", "--owner", org, "--as", "wenshui-editor",
    )  # fmt: skip
    assert raised["state"] == "raised"
    assert set(raised["deadlines"]) == {"plan", "reply", "solve"}

    planned = problem_command("act", str(raised["id"]), "plan", "--note", "已部署", "--as", "wenshui-editor")
    assert planned["state"] == "planned"

    listed = problem_command("list", "--scope", "province", "--as", "province-viewer", "--as-of", "2025-10-01")
    assert raised["id"] in [row["id"] for row in listed]
    assert {row["colour"] for row in listed} <= {"green", "yellow", "red"}


def test_the_problem_command_refuses_a_viewer_and_writes_nothing(problem_project, user):
    from tests.problems.test_services import fingerprint

    before = fingerprint()
    with pytest.raises(Exception, match="文水经济开发区"):
        problem_command(
            "raise", "--project", str(problem_project.pk), "--title", "x", "--category", "land",
            "--level", "ordinary", "--owner", user("wenshui-editor").org.name, "--as", "wenshui-viewer",
        )  # fmt: skip
    assert fingerprint() == before
