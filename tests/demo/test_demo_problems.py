"""The demo's problems: written through the services, at every step of the clock, one escalated to the city."""

import pytest

from zoneledger.audit.models import AuditRecord
from zoneledger.demo.problems import DEMO_PROBLEMS, load_demo_problems
from zoneledger.problems.choices import State, Tier
from zoneledger.problems.models import Problem, TaskForce

pytestmark = pytest.mark.django_db


def test_the_demo_holds_its_problems_at_every_step():
    problems = {problem.title: problem for problem in Problem.objects.filter(province_id="140000")}
    titles = [entry[2] for entry in DEMO_PROBLEMS]
    assert set(titles) <= set(problems)
    states = {problems[title].state for title in titles}
    assert {State.RAISED, State.PLANNED, State.REPLIED, State.CLOSED} <= states
    assert problems["施工临时用电未接入，设备无法调试"].tier == Tier.CITY  # missed 19 November
    assert problems["园区技术工人招聘困难"].project is None
    assert TaskForce.objects.filter(name="吕梁市重点项目推进专班").exists()


def test_the_demo_problems_are_audited_and_load_once():
    assert AuditRecord.objects.filter(action="problem.raise").count() >= len(DEMO_PROBLEMS)
    assert load_demo_problems() == 0
