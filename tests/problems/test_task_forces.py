"""Task forces (专班) kept on their own page: name, lead, members and projects through `task_force_save` — scoped,
audited, with a version; every refusal leaves the task force and the audit trail as they were."""

import pytest
from django.urls import reverse

from tests.security.sessions import log_in
from zoneledger.audit.models import AuditRecord
from zoneledger.problems import services
from zoneledger.problems.models import TaskForce
from zoneledger.projects.models import Project

pytestmark = pytest.mark.django_db

NEW = reverse("problems:task_force_create")


def projects_of(zone_name, count=2):
    return list(Project.objects.filter(zone__name=zone_name).order_by("pk")[:count])


def lines(projects):
    return "\n".join(f"{project.code or project.pk}  {project.name}" for project in projects)


def fingerprint():
    return (
        sorted(
            (tf.pk, tf.name, tf.lead_id, tf.version, sorted(tf.members.values_list("pk", flat=True)),
             sorted(tf.projects.values_list("pk", flat=True)))
            for tf in TaskForce.objects.all()
        ),
        AuditRecord.objects.filter(action__startswith="task_force").count(),
    )  # fmt: skip


@pytest.fixture
def task_force(user):
    reviewer = user("province-admin")
    return services.task_force_save(
        actor=reviewer,
        name="新材料专班",
        lead=reviewer,
        members=[user("lvliang-reviewer")],
        projects=[*projects_of("文水经济开发区", 1), *projects_of("孝义经济开发区", 1), *outside_lvliang(1)],
    )


def outside_lvliang(count):
    return list(
        Project.objects.filter(zone__province_id="140000").exclude(zone__city_id="141100").order_by("pk")[:count]
    )


def test_a_city_reviewer_adds_a_task_force_and_its_page_shows_projects_and_problems(client, user, raise_problem):
    reviewer = user("lvliang-reviewer")
    problem = raise_problem()
    chosen = [problem.project, *projects_of("孝义经济开发区", 1)]
    log_in(client, reviewer)

    response = client.post(
        NEW,
        {"name": "  光伏专班 ", "lead": reviewer.pk, "members": [user("wenshui-editor").pk], "projects": lines(chosen)},
    )

    task_force = TaskForce.objects.get(name="光伏专班")
    assert response.status_code == 302
    assert response["Location"] == reverse("problems:task_force_detail", args=[task_force.pk])
    assert set(task_force.projects.all()) == set(chosen)
    assert AuditRecord.objects.filter(action="task_force.create", object_id=str(task_force.pk)).exists()
    page = client.get(response["Location"]).content.decode()
    assert f'data-testid="project-{chosen[1].pk}"' in page
    assert f'data-testid="problem-{problem.pk}"' in page
    assert 'data-colour="' in page
    assert f"?task_force={task_force.pk}" in page  # its weekly dispatch pack


@pytest.mark.parametrize(
    "bad",
    [
        {"name": "  "},
        {"lead": "hebei-admin"},  # a user of another province
        {"members": ["hebei-viewer"]},
        {"projects": "no-such-project"},
        {"projects": "outside"},  # a project of another city: not in a city reviewer's scope
    ],
)
def test_bad_input_is_refused_on_the_form_and_nothing_changes(client, user, task_force, bad):
    reviewer = user("lvliang-reviewer")
    log_in(client, reviewer)
    before = fingerprint()
    form = {"name": "改名专班", "lead": reviewer.pk, "members": [], "projects": "", "version": task_force.version}
    form |= {key: value for key, value in bad.items() if key == "name"}
    if "lead" in bad:
        form["lead"] = user(bad["lead"]).pk
    if "members" in bad:
        form["members"] = [user(name).pk for name in bad["members"]]
    if bad.get("projects") == "outside":
        form["projects"] = lines(outside_lvliang(1))
    elif "projects" in bad:
        form["projects"] = bad["projects"]

    response = client.post(reverse("problems:task_force_edit", args=[task_force.pk]), form)

    assert response.status_code == 200
    assert 'class="field-error"' in response.content.decode() or "form-errors" in response.content.decode()
    assert fingerprint() == before


def test_the_service_refuses_a_stranger_as_lead_and_writes_nothing(user, task_force):
    from django.core.exceptions import ValidationError

    before = fingerprint()
    with pytest.raises(ValidationError, match=r"business user|业务用户"):
        services.task_force_save(
            actor=user("province-admin"), name="x", lead=user("hebei-admin"), members=[], projects=[],
            task_force=task_force, expected_version=task_force.version,
        )  # fmt: skip
    assert fingerprint() == before


def test_a_city_reviewer_s_edit_keeps_the_projects_beyond_their_scope(client, user, task_force):
    reviewer = user("lvliang-reviewer")
    beyond = outside_lvliang(1)[0]
    log_in(client, reviewer)
    form = client.get(reverse("problems:task_force_edit", args=[task_force.pk])).context["form"]
    assert beyond.name not in form.initial["projects"]  # not even shown

    client.post(
        reverse("problems:task_force_edit", args=[task_force.pk]),
        {"name": "新材料专班", "lead": reviewer.pk, "members": [], "projects": lines(projects_of("孝义经济开发区", 2)),
         "version": task_force.version},
    )  # fmt: skip

    task_force.refresh_from_db()
    assert task_force.lead == reviewer
    assert set(task_force.projects.all()) == {*projects_of("孝义经济开发区", 2), beyond}
    record = AuditRecord.objects.filter(action="task_force.update", object_id=str(task_force.pk)).latest("pk")
    assert record.before["lead"] == "province-admin"
    assert record.after["lead"] == "lvliang-reviewer"


def test_a_stale_edit_is_refused_and_nothing_changes(client, user, task_force):
    reviewer = user("lvliang-reviewer")
    log_in(client, reviewer)
    form = {"name": "后来的名字", "lead": reviewer.pk, "members": [], "projects": "", "version": task_force.version}
    services.task_force_save(
        actor=user("province-admin"), name="先改的名字", lead=task_force.lead, members=[], projects=[],
        task_force=task_force, expected_version=task_force.version,
    )  # fmt: skip
    before = fingerprint()

    response = client.post(reverse("problems:task_force_edit", args=[task_force.pk]), form)

    assert response.status_code == 409
    assert fingerprint() == before
    assert TaskForce.objects.get(pk=task_force.pk).name == "先改的名字"


@pytest.mark.parametrize(
    ("username", "status"), [("wenshui-reviewer", 403), ("lvliang-editor", 403), ("hebei-admin", 404)]
)
def test_who_may_not_keep_the_task_force_changes_nothing(client, user, task_force, username, status):
    log_in(client, user(username))
    before = fingerprint()
    url = reverse("problems:task_force_edit", args=[task_force.pk])

    assert client.get(url).status_code == status
    assert (
        client.post(url, {"name": "越权", "lead": user(username).pk, "version": task_force.version}).status_code
        == status
    )
    assert fingerprint() == before
