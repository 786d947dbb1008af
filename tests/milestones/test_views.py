"""The milestone pages: the project page's panel, its forms (bad data changes nothing), the list and its export."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from zoneledger.accounts.models import User
from zoneledger.milestones import services
from zoneledger.milestones.models import Milestone, MilestoneMove, PlanTemplate
from zoneledger.projects import services as project_services
from zoneledger.projects.models import Project
from zoneledger.zones.models import Zone

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def guess_unknown_years(settings):
    settings.ZONELEDGER_CALENDAR_UNKNOWN_YEAR = "weekends"


@pytest.fixture
def project(wenshui_editor):
    return project_services.project_create(
        actor=wenshui_editor,
        zone=Zone.objects.get(name="文水经济开发区"),
        name="节点页面测试项目",
        total_investment=Decimal("3000.00"),
    )


@pytest.fixture
def editor_client(client, wenshui_editor):
    client.force_login(wenshui_editor)
    return client


@pytest.fixture
def milestone(project, wenshui_editor):
    return services.milestone_create(
        actor=wenshui_editor, project=project, title="土地出让", planned_on=date(2025, 5, 20)
    )


def url(name, project, milestone=None):
    args = [project.pk] if milestone is None else [project.pk, milestone.pk]
    return reverse(f"milestones:{name}", args=args)


def state(project):
    return sorted(
        Milestone.objects.filter(project=project).values_list("title", "planned_on", "done_on", "dropped", "version")
    ), MilestoneMove.objects.filter(milestone__project=project).count()


def test_the_project_page_shows_the_milestones_with_their_lights_in_words(editor_client, project, milestone):
    page = editor_client.get(reverse("projects:project_detail", args=[project.pk])).content.decode()

    assert "土地出让" in page
    assert 'data-light="red"' in page  # 2025-05-20 is long past
    assert 'data-testid="plan-form"' in page


@pytest.mark.parametrize(
    ("as_of", "light"),
    [
        ("2025-05-13", "yellow"),
        ("2025-05-01", "green"),
        ("2025-05-21", "red"),
        ("no-date", "red"),
        ("2025-02-30", "red"),
    ],
)
def test_the_project_page_shows_the_lights_as_of_a_day_today_when_it_is_not_one(
    editor_client, project, milestone, as_of, light
):
    page = editor_client.get(reverse("projects:project_detail", args=[project.pk]), {"as_of": as_of})

    panel = page.content.decode().split('id="milestones"')[1]
    assert f'data-light="{light}"' in panel.split("</h2>")[0]  # the project's light, beside the heading


def test_a_viewer_sees_the_milestones_but_no_forms(client, project, milestone):
    client.force_login(User.objects.get(username="wenshui-viewer"))
    page = client.get(reverse("projects:project_detail", args=[project.pk])).content.decode()

    assert "土地出让" in page
    assert 'data-testid="plan-form"' not in page


def test_planning_from_the_page(editor_client, project):
    template = PlanTemplate.objects.get(name="工业新建项目")
    target = timezone.localdate() + timedelta(days=400)

    response = editor_client.post(url("milestones_plan", project), {"template": template.pk, "target": target})

    assert response.status_code == 302
    assert project.milestones.count() == len(template.steps)


def test_an_impossible_target_is_said_plainly_and_nothing_is_written(editor_client, project):
    template = PlanTemplate.objects.get(name="工业新建项目")
    target = timezone.localdate() + timedelta(days=20)

    response = editor_client.post(url("milestones_plan", project), {"template": template.pk, "target": target})

    assert response.status_code == 200
    assert "备案/核准" in response.content.decode()
    assert not project.milestones.exists()


@pytest.mark.parametrize(
    ("name", "form"),
    [
        ("milestones_plan", {"template": "", "target": "2030-01-01"}),
        ("milestones_plan", {"template": "999999", "target": "not a date"}),
        ("milestone_create", {"title": "", "kind": "construction", "planned_on": "2025-01-01"}),
        ("milestone_create", {"title": "开工", "kind": "stage_target", "stage": "", "planned_on": "2025-01-01"}),
        ("milestone_create", {"title": "节点", "kind": "nonsense", "planned_on": "2025-01-01"}),
        ("milestone_create", {"title": "节点", "kind": "construction", "planned_on": "3000-01-01"}),
    ],
)
def test_bad_data_for_a_project_changes_nothing(editor_client, project, milestone, name, form):
    before = state(project)

    response = editor_client.post(url(name, project), form)

    assert response.status_code == 200
    assert state(project) == before


@pytest.mark.parametrize(
    ("name", "form"),
    [
        ("milestone_move", {"planned_on": "2025-06-01", "reason": ""}),
        ("milestone_move", {"planned_on": "2025-05-20", "reason": "同一天"}),
        ("milestone_move", {"planned_on": "20250601", "reason": "格式"}),
        ("milestone_move", {"planned_on": "2025-06-01", "reason": "过期版本", "version": "99"}),
        ("milestone_done", {"done_on": ""}),
        ("milestone_done", {"done_on": "2999-01-01"}),
        ("milestone_drop", {"reason": ""}),
        ("milestone_edit", {"title": "", "kind": "construction"}),
    ],
)
def test_bad_data_for_a_milestone_changes_nothing(editor_client, project, milestone, name, form):
    before = state(project)

    response = editor_client.post(url(name, project, milestone), form)

    assert response.status_code in (200, 409)
    assert state(project) == before


def test_move_done_and_drop_from_the_page(editor_client, project, milestone):
    moved = editor_client.post(
        url("milestone_move", project, milestone), {"planned_on": "2025-06-01", "reason": "延期"}
    )
    done = editor_client.post(url("milestone_done", project, milestone), {"done_on": "2025-05-30"})

    assert moved.status_code == done.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.planned_on, milestone.done_on) == (date(2025, 6, 1), date(2025, 5, 30))
    page = editor_client.get(reverse("projects:project_detail", args=[project.pk])).content.decode()
    assert "延期" in page
    assert editor_client.post(url("milestone_drop", project, milestone), {"reason": "取消"}).status_code == 302
    milestone.refresh_from_db()
    assert milestone.dropped


def test_another_zones_milestone_is_not_found(client, project, milestone):
    client.force_login(User.objects.get(username="xiaoyi-editor"))

    assert client.post(url("milestone_done", project, milestone), {"done_on": "2025-05-30"}).status_code == 404
    milestone.refresh_from_db()
    assert milestone.done_on is None


def test_the_list_shows_the_scopes_milestones_overdue_first_and_filters_by_light(editor_client, project, milestone):
    services.milestone_create(
        actor=User.objects.get(username="wenshui-editor"),
        project=project,
        title="远期节点",
        planned_on=timezone.localdate() + timedelta(days=60),
    )

    everything = editor_client.get(reverse("milestones:milestone_list"))
    overdue = editor_client.get(reverse("milestones:milestone_list"), {"light": "red"})

    titles = [m.title for m in everything.context["page"]]
    assert titles.index("土地出让") < titles.index("远期节点")
    assert {m.light for m in overdue.context["page"]} == {"red"}
    assert "远期节点" not in [m.title for m in overdue.context["page"]]


def test_a_bad_filter_falls_back_to_the_whole_list(editor_client, milestone):
    response = editor_client.get(reverse("milestones:milestone_list"), {"as_of": "nope", "light": "purple"})

    assert response.status_code == 200


def test_the_export_prints_on_a4_and_holds_the_scopes_milestones(editor_client, project, milestone):
    response = editor_client.get(reverse("milestones:milestone_export"), {"light": "red"})

    assert response.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    projects = {row[0] for row in sheet[1:]}
    assert project.name in projects
    assert projects <= set(Project.objects.filter(zone__name="文水经济开发区").values_list("name", flat=True))


def test_the_project_page_after_planning_shows_the_plan_in_its_history(editor_client, project):
    template = PlanTemplate.objects.get(name="工业新建项目")
    editor_client.post(
        url("milestones_plan", project), {"template": template.pk, "target": timezone.localdate() + timedelta(400)}
    )

    response = editor_client.get(reverse("projects:project_detail", args=[project.pk]))

    assert response.status_code == 200
    assert "工业新建项目" in response.content.decode()


def test_the_demo_geothermal_project_page_opens(client):
    client.force_login(User.objects.get(username="province-viewer"))
    project = Project.objects.get(name="开发区及东观镇企业居民地热源供热项目")

    page = client.get(reverse("projects:project_detail", args=[project.pk])).content.decode()

    assert "完成合作协议签订" in page
    assert "2025-04-15" in page
