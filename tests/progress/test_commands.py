"""The progress and plan commands: scope respected, written through the services, one clear line on refusal."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from tests.progress.conftest import state_of_everything
from zoneledger.progress.choices import ReportState
from zoneledger.progress.models import AnnualPlan, ReportVersion

pytestmark = pytest.mark.django_db


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_submit_review_and_list(project, editor, reviewer):
    run(
        "progress",
        "submit",
        "--project",
        str(project.pk),
        "--month",
        "2024-06",
        "--amount",
        "12.5",
        "--progress",
        "桩基完成",
        "--as",
        editor.username,
    )
    version = ReportVersion.objects.get(project=project, month=date(2024, 6, 1))
    assert (version.state, version.amount, version.physical_progress) == (
        ReportState.SUBMITTED,
        Decimal("12.50"),
        "桩基完成",
    )
    listed = json.loads(
        run(
            "progress",
            "list",
            "--scope",
            project.zone.name,
            "--month",
            "2024-06",
            "--as",
            reviewer.username,
            "--format",
            "json",
        )
    )
    assert {"project": str(project.pk), "state": "submitted", "amount_wan": "12.50"} in listed
    run(
        "progress", "review", "--project", str(project.pk), "--month", "2024-06", "--approve", "--as", reviewer.username
    )
    version.refresh_from_db()
    assert version.state == ReportState.APPROVED


@pytest.mark.parametrize(
    "args",
    [
        ["progress", "submit", "--month", "2024-06", "--amount", "-1"],
        ["progress", "submit", "--month", "2024-06", "--amount", "abc"],
        ["progress", "submit", "--month", "2099-06", "--amount", "1"],
        ["progress", "submit", "--month", "June", "--amount", "1"],
        ["progress", "review", "--month", "2024-06", "--approve"],  # nothing waits, and an editor
        ["plan", "set", "--year", "2024", "--amount", "12", "--months", "1,2"],
    ],
)
def test_refusals_change_nothing(project, editor, args):
    before = (state_of_everything(), AnnualPlan.objects.count())
    with pytest.raises(CommandError):
        call_command(*args, "--project", str(project.pk), "--as", editor.username)
    assert (state_of_everything(), AnnualPlan.objects.count()) == before


def test_another_zone_s_project_is_not_found(project, make_user):
    from tests.factories import ZoneFactory
    from zoneledger.accounts.choices import Role

    outsider = make_user(ZoneFactory(), Role.EDITOR)
    with pytest.raises(CommandError):
        call_command(
            "progress",
            "submit",
            "--project",
            str(project.pk),
            "--month",
            "2024-06",
            "--amount",
            "1",
            "--as",
            outsider.username,
        )
    assert not ReportVersion.objects.filter(project=project).exists()


def test_plan_set(project, editor):
    run("plan", "set", "--project", str(project.pk), "--year", "2024", "--amount", "1200", "--as", editor.username)
    assert AnnualPlan.objects.get(project=project, year=2024).monthly[0] == Decimal("100.00")
