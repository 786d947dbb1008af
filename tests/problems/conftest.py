from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from zoneledger.accounts.models import User
from zoneledger.problems import services
from zoneledger.problems.choices import Category, Level
from zoneledger.projects.models import Project

BEIJING = ZoneInfo("Asia/Shanghai")
RAISED = datetime(2025, 9, 30, 16, 0, tzinfo=BEIJING)  # the day before 国庆


@pytest.fixture
def wenshui_project(db):
    return Project.objects.filter(zone__name="文水经济开发区").order_by("pk").first()


@pytest.fixture
def user(db):
    return lambda username: User.objects.select_related("org").get(username=username)


@pytest.fixture
def raise_problem(wenshui_project, user):
    def raise_(**overrides):
        editor = user("wenshui-editor")
        facts = {
            "actor": editor,
            "project": wenshui_project,
            "title": "用地指标未落实",
            "category": Category.LAND,
            "level": Level.ORDINARY,
            "owner_org": editor.org,
            "raised_at": RAISED,
        } | overrides
        return services.problem_raise(**facts)

    return raise_
