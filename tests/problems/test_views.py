"""The problem pages: the queue with colours in words, a problem's page and its actions, raising from a project,
the export; bad input and refusals change nothing; an unknown calendar year is a clear error or the fallback."""

import io
from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from tests.problems.conftest import BEIJING
from tests.problems.test_services import fingerprint
from tests.security.sessions import log_in
from zoneledger.core.calendar import CalendarYearUnknown
from zoneledger.problems import services
from zoneledger.problems.choices import Category, Level, State, Step, Tier
from zoneledger.problems.models import Problem
from zoneledger.projects.models import Project

pytestmark = pytest.mark.django_db

QUEUE = reverse("problems:problem_list")


def test_the_queue_shows_each_problem_with_its_colour_in_words(client, raise_problem, user):
    problem = raise_problem()  # plan due 2025-10-09, solve 2025-10-16
    log_in(client, user("lvliang-viewer"))

    on_time = client.get(QUEUE, {"as_of": "2025-09-30"})
    late = client.get(QUEUE, {"as_of": "2025-10-10"})

    assert on_time.status_code == 200
    assert "○ On time" in on_time.content.decode() or "正常" in on_time.content.decode()
    row = late.content.decode()
    assert problem.title in row
    assert 'data-colour="red"' in row


def test_the_queue_filters_by_colour_and_tier_in_the_database(client, raise_problem, user):
    red = raise_problem(title="逾期问题")
    green = raise_problem(title="新问题", raised_at=red.raised_at.replace(month=10, day=13))
    log_in(client, user("province-viewer"))

    page = client.get(QUEUE, {"as_of": "2025-10-10", "colour": "red"}).content.decode()
    assert red.title in page
    assert green.title not in page
    city_queue = client.get(QUEUE, {"tier": Tier.CITY}).content.decode()
    assert red.title not in city_queue


def test_the_queue_reads_a_fixed_number_of_queries_whatever_its_size(client, raise_problem, user):
    log_in(client, user("province-viewer"))
    raise_problem()
    client.get(QUEUE)
    with CaptureQueriesContext(connection) as few:
        client.get(QUEUE)
    for number in range(10):
        raise_problem(title=f"问题{number}")
    with CaptureQueriesContext(connection) as many:
        client.get(QUEUE)
    assert len(many) == len(few)


def test_a_problem_out_of_scope_is_not_found(client, raise_problem, user):
    problem = raise_problem()
    log_in(client, user("xiaoyi-editor"))
    assert client.get(reverse("problems:problem_detail", args=[problem.pk])).status_code == 404
    before = fingerprint()
    response = client.post(reverse("problems:problem_act", args=[problem.pk]), {"step": "plan"})
    assert response.status_code == 404
    assert fingerprint() == before


def test_a_problem_page_shows_its_deadlines_history_and_actions(client, raise_problem, user):
    problem = raise_problem()
    log_in(client, user("wenshui-editor"))

    page = client.get(reverse("problems:problem_detail", args=[problem.pk]), {"as_of": "2025-10-09"})

    text = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="deadline-plan"' in text
    assert 'value="plan"' in text
    assert 'data-testid="step-raise"' in text


def test_acting_through_the_page(client, raise_problem, user):
    problem = raise_problem()
    log_in(client, user("wenshui-editor"))
    url = reverse("problems:problem_act", args=[problem.pk])

    response = client.post(url, {"step": Step.PLAN, "note": "已召开专题会"})

    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.state == State.PLANNED


@pytest.mark.parametrize(
    ("who", "form", "status"),
    [
        ("wenshui-editor", {"step": Step.REPLY, "note": "方案"}, 200),  # out of order: shown on the form
        ("wenshui-editor", {"step": Step.CLOSE}, 200),  # not solved
        ("wenshui-editor", {"step": "burn"}, 200),  # no such step
        ("wenshui-viewer", {"step": Step.PLAN}, 403),
        ("lvliang-viewer", {"step": Step.PLAN}, 403),
    ],
)
def test_bad_or_refused_actions_change_nothing(client, raise_problem, user, who, form, status):
    problem = raise_problem()
    log_in(client, user(who))
    before = fingerprint()

    response = client.post(reverse("problems:problem_act", args=[problem.pk]), form)

    assert response.status_code == status
    assert fingerprint() == before


def test_an_empty_reply_on_the_page_is_refused_with_the_reason(client, raise_problem, user):
    editor = user("wenshui-editor")
    problem = services.problem_act(actor=editor, problem=raise_problem(), step=Step.PLAN)
    log_in(client, editor)
    before = fingerprint()

    response = client.post(reverse("problems:problem_act", args=[problem.pk]), {"step": Step.REPLY, "note": " "})

    assert response.status_code == 200
    assert "field-error" in response.content.decode()
    assert fingerprint() == before


def test_raising_from_the_project_page(client, problem_project, user, settings):
    settings.ZONELEDGER_CALENDAR_UNKNOWN_YEAR = "weekends"  # raised today, whatever year today is
    editor = user("wenshui-editor")
    log_in(client, editor)
    panel = client.get(reverse("problems:project_problems", args=[problem_project.pk]), HTTP_HX_REQUEST="true")
    assert reverse("problems:problem_raise", args=[problem_project.pk]) in panel.content.decode()

    response = client.post(
        reverse("problems:problem_raise", args=[problem_project.pk]),
        {
            "title": "施工用电未接入",
            "category": Category.UTILITIES,
            "level": Level.ORDINARY,
            "owner_org": editor.org_id,
        },
    )

    assert response.status_code == 302
    problem = Problem.objects.get(title="施工用电未接入")
    assert problem.project == problem_project
    assert problem.raised_by == editor


@pytest.mark.parametrize(
    "form",
    [
        {"title": "", "category": Category.LAND, "level": Level.ORDINARY},
        {"title": "x", "category": "magic", "level": Level.ORDINARY},
        {"title": "x", "category": Category.LAND, "level": "urgent"},
        {"title": "x", "category": Category.LAND, "level": Level.ORDINARY, "owner_org": "999999"},
    ],
)
def test_raising_with_bad_data_changes_nothing(client, problem_project, user, form):
    editor = user("wenshui-editor")
    log_in(client, editor)
    before = fingerprint()
    response = client.post(
        reverse("problems:problem_raise", args=[problem_project.pk]), {"owner_org": editor.org_id} | form
    )
    assert response.status_code == 200
    assert fingerprint() == before


def test_raising_with_another_cities_org_responsible_is_refused(client, problem_project, user):
    editor = user("wenshui-editor")
    log_in(client, editor)
    before = fingerprint()
    response = client.post(
        reverse("problems:problem_raise", args=[problem_project.pk]),
        {"title": "x", "category": Category.LAND, "level": Level.ORDINARY, "owner_org": user("xiaoyi-editor").org_id},
    )
    assert response.status_code == 200
    assert fingerprint() == before


def test_a_viewer_cannot_raise(client, problem_project, user):
    log_in(client, user("wenshui-viewer"))
    before = fingerprint()
    response = client.post(
        reverse("problems:problem_raise", args=[problem_project.pk]),
        {"title": "x", "category": Category.LAND, "level": Level.ORDINARY},
    )
    assert response.status_code == 403
    assert fingerprint() == before


def test_an_unknown_calendar_year_is_a_clear_error_or_the_chosen_fallback(client, raise_problem, user, settings):
    raise_problem()
    log_in(client, user("province-viewer"))
    settings.ZONELEDGER_CALENDAR_UNKNOWN_YEAR = "error"

    refused = client.get(QUEUE, {"as_of": "2040-03-01"})

    assert refused.status_code == 400
    assert "2040" in refused.content.decode()
    settings.ZONELEDGER_CALENDAR_UNKNOWN_YEAR = "weekends"
    assert client.get(QUEUE, {"as_of": "2040-03-01"}).status_code == 200


def test_raising_into_an_unknown_year_is_refused_and_writes_nothing(client, problem_project, user, settings):
    settings.ZONELEDGER_CALENDAR_UNKNOWN_YEAR = "error"
    editor = user("wenshui-editor")
    before = fingerprint()
    with pytest.raises(CalendarYearUnknown):
        services.problem_raise(
            actor=editor,
            project=problem_project,
            title="x",
            category=Category.LAND,
            level=Level.MAJOR,
            owner_org=editor.org,
            raised_at=datetime(2026, 12, 20, 9, tzinfo=BEIJING),
        )
    assert fingerprint() == before


def test_the_export_prints_the_queue_on_a4(client, raise_problem, user):
    problem = raise_problem()
    log_in(client, user("lvliang-viewer"))

    response = client.get(reverse("problems:problem_export"), {"as_of": "2025-10-20"})

    assert response.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    row = next(row for row in rows if row[0] == problem.title)
    assert row[-1] in ("Overdue", "超期")


def test_leaders_and_task_forces_page(client, raise_problem, problem_project, user):
    services.leader_set(actor=user("wenshui-editor"), project=problem_project, user=user("wenshui-reviewer"))
    services.task_force_save(
        actor=user("lvliang-reviewer"),
        name="文水新材料专班",
        lead=user("lvliang-reviewer"),
        members=[user("wenshui-editor")],
        projects=[problem_project],
    )
    log_in(client, user("wenshui-viewer"))
    page = client.get(reverse("problems:leaders")).content.decode()
    assert "文水新材料专班" in page
    assert problem_project.name in page


def test_a_leader_s_problems_are_those_of_their_projects_and_their_org_s(client, raise_problem, problem_project, user):
    leader = user("lvliang-viewer")  # neither owner nor of the owner's org: the leader in charge of the project
    services.leader_set(actor=user("wenshui-editor"), project=problem_project, user=leader)
    mine = raise_problem()
    other = Project.objects.filter(zone__name="孝义经济开发区").first()
    theirs = raise_problem(project=other, owner_org=user("province-editor").org, actor=user("province-editor"))
    log_in(client, leader)

    part = (
        client.get(reverse("problems:leaders"), {"as_of": "2025-10-20"})
        .content.decode()
        .split('data-testid="my-problems"')[1]
    )
    part = part.split("</section>")[0]

    assert f'data-testid="my-problem-{mine.pk}"' in part
    assert 'data-colour="red"' in part  # overdue on 2025-10-20, in words beside the colour
    assert f'data-testid="my-problem-{theirs.pk}"' not in part


def test_setting_the_leader_in_charge_from_the_project_page(client, problem_project, user):
    log_in(client, user("wenshui-editor"))
    reviewer = user("wenshui-reviewer")

    response = client.post(reverse("problems:leader_set", args=[problem_project.pk]), {"user": reviewer.pk})

    assert response.status_code == 302
    assert problem_project.leader.user == reviewer
    log_in(client, reviewer)
    mine = client.get(reverse("problems:leaders")).content.decode()
    assert f'data-testid="mine-{problem_project.pk}"' in mine


@pytest.mark.parametrize(("who", "status"), [("wenshui-viewer", 403), ("xiaoyi-editor", 404)])
def test_a_leader_set_by_whoever_may_not_changes_nothing(client, problem_project, user, who, status):
    from zoneledger.problems.models import ProjectLeader

    log_in(client, user(who))
    before = list(ProjectLeader.objects.values_list("project_id", "user_id"))
    response = client.post(reverse("problems:leader_set", args=[problem_project.pk]), {"user": user(who).pk})
    assert response.status_code == status
    assert list(ProjectLeader.objects.values_list("project_id", "user_id")) == before


def test_a_leader_from_another_city_is_refused_on_the_form(client, problem_project, user):
    from zoneledger.problems.models import ProjectLeader

    log_in(client, user("wenshui-editor"))
    before = list(ProjectLeader.objects.values_list("project_id", "user_id"))
    outsider = user("hebei-viewer")
    response = client.post(reverse("problems:leader_set", args=[problem_project.pk]), {"user": outsider.pk})
    assert response.status_code == 200
    assert list(ProjectLeader.objects.values_list("project_id", "user_id")) == before


def test_raising_a_problem_of_a_whole_zone(client, user, settings):
    settings.ZONELEDGER_CALENDAR_UNKNOWN_YEAR = "weekends"
    editor = user("lvliang-editor")
    log_in(client, editor)
    wenshui = user("wenshui-editor").org.zone

    response = client.post(
        reverse("problems:zone_problem_raise"),
        {"zone": wenshui.pk, "title": "园区污水处理能力不足", "category": Category.UTILITIES, "level": Level.MAJOR,
         "owner_org": editor.org_id},
    )  # fmt: skip

    assert response.status_code == 302, response.content.decode()[:2000]
    problem = Problem.objects.get(title="园区污水处理能力不足")
    assert (problem.zone, problem.project) == (wenshui, None)


@pytest.mark.parametrize("who", ["wenshui-editor", "lvliang-editor"])
def test_a_zone_problem_in_a_zone_beyond_the_user_s_changes_nothing(client, user, who):
    from zoneledger.zones.models import Zone

    log_in(client, user(who))
    elsewhere = Zone.objects.filter(province_id="140000").exclude(city_id="141100").first()
    before = fingerprint()
    response = client.post(
        reverse("problems:zone_problem_raise"),
        {"zone": elsewhere.pk, "title": "x", "category": Category.LAND, "level": Level.ORDINARY,
         "owner_org": user(who).org_id},
    )  # fmt: skip
    assert response.status_code == 200
    assert fingerprint() == before


def test_my_projects_show_the_state_of_the_month_s_report(client, user):
    from datetime import date
    from decimal import Decimal

    from zoneledger.progress.services import progress_submit
    from zoneledger.projects.models import MonthlyProgress

    reported = set(MonthlyProgress.objects.filter(month=date(2025, 10, 1)).values_list("project_id", flat=True))
    project = (
        Project.objects.filter(
            zone__name="文水经济开发区",
            events__stage="started",
            events__voided=False,
            events__happened_on__lt=date(2025, 10, 1),
        )
        .exclude(pk__in=reported)
        .order_by("pk")
        .first()
    )
    leader = user("lvliang-viewer")
    services.leader_set(actor=user("wenshui-editor"), project=project, user=leader)
    log_in(client, leader)

    def cell():
        page = client.get(reverse("problems:leaders"), {"as_of": "2025-10-20"}).content.decode()
        return page.split(f'data-testid="report-{project.pk}">')[1].split("</td>")[0]

    assert cell() == "未填报"
    progress_submit(actor=user("wenshui-editor"), project=project, month=date(2025, 10, 1), amount=Decimal("12"))
    assert cell() == "已报送"
