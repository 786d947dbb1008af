"""The permission matrix, generated from the URL configuration.

Every URL the site serves × {anonymous, each role at zone, city and province level, a viewer and an
administrator of a second province (Hebei), the nation's viewer, the three administrators} × {an object
in the user's zone, in another zone of the same city, in another city} (all three in Shanxi) gets the
status the rules below say. Where a write is refused, the test also proves that
nothing changed. A URL added to the site without a rule here fails the test, so nothing new
escapes the matrix.
"""

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Q
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.images import image_bytes, upload
from tests.security.sessions import log_in
from tests.writes import count_writes, writes
from zoneledger.accounts.choices import Role
from zoneledger.accounts.models import ApiToken, LoginSession, User
from zoneledger.accounts.tokens import token_create
from zoneledger.audit.models import AuditChainHead, AuditRecord
from zoneledger.campaigns.models import Round
from zoneledger.core.models import WorkdayOverride, WorkdayYear
from zoneledger.milestones.models import Milestone, PlanTemplate
from zoneledger.problems.models import TaskForce
from zoneledger.problems.services import task_force_save
from zoneledger.progress.services import progress_submit
from zoneledger.projects.models import Project

pytestmark = pytest.mark.django_db

# Who asks: None is anonymous.
SUBJECTS = [
    None,
    "wenshui-viewer",
    "wenshui-editor",
    "wenshui-reviewer",
    "wenshui-admin",
    "lvliang-viewer",
    "lvliang-editor",
    "lvliang-reviewer",
    "province-viewer",
    "province-editor",
    "province-admin",
    "hebei-viewer",
    "hebei-admin",
    "nation-viewer",
    "auditor",
    "sysadmin",
    "secadmin",
]
# Which of the three projects each subject's org covers (independent of the code under test).
VISIBLE = {
    "wenshui": {"wenshui"},
    "lvliang": {"wenshui", "xiaoyi"},
    "province": {"wenshui", "xiaoyi", "elsewhere"},
    "hebei": set(),  # the second province: none of Shanxi's projects
    "nation": {"wenshui", "xiaoyi", "elsewhere"},
    "auditor": {"wenshui", "xiaoyi", "elsewhere"},
    "sysadmin": set(),
    "secadmin": set(),
}
TARGETS = ["wenshui", "xiaoyi", "elsewhere"]
EDITING_ROLES = {Role.EDITOR, Role.REVIEWER, Role.ADMIN}

# Rules: what each kind of page allows.
PUBLIC = "public"  # the log-in page
HEALTH = "health"  # /healthz: anyone, 200 or 503 by the checks (no worker runs here), never a log-in
METRICS = "metrics"  # /metrics: a bearer token only, never a session; without a configured token, 404
ANY_USER = "any user"  # one's own password and second factor; logging out
BUSINESS_READ = "business read"  # pages of figures and lists, shown within the user's scope
HOME = "home"  # the dashboard for business readers; the console for the administrators who read no ledger
OBJECT_READ = "object read"  # one project: 404 outside the scope
OBJECT_WRITE = "object write"  # changes to one project: 404 outside the scope, 403 for non-editors
CREATE = "create"  # new projects, imports: editors and above of a business org
OWN_JOB = "own import job"  # an import job: only the user who uploaded it
OWN_TOKEN = "own API token"  # revoking an API token: only its own user (anyone else's is 404)
ROUND_ADMIN = "round admin"  # defining rounds: a province's business administrator, for their province
TARGETS_ADMIN = "year targets"  # the targets of the level below: a province's or city's business administrator
ROUND_EDIT = "round edit"  # correcting one of Shanxi's rounds: Shanxi's business administrator; 404 to another's
WORKDAYS_ADMIN = "working days admin"  # the province's working days: its business administrator
SYSADMIN = "system administrator"
SECADMIN = "security administrator"
AUDITOR = "auditor"
BUSINESS_ADMIN = "business administrator"  # the accounts waiting for their confirmation
CONFIRM = "confirm an account"  # a business administrator's; with nothing waiting, a 404
EACH_OTHER = "the other administrator"  # unlocking an account: the two administrators each other's, no one else's
DJANGO_ADMIN = "django admin"  # staff only; the demo users are not staff
REVIEW = "review queue"  # monthly reports to approve or return: reviewers and business administrators
TASK_FORCE_ADD = "add a task force"  # reviewers of a city or the province (Shanxi's or Hebei's), in their province
TASK_FORCE_KEEP = "keep a task force"  # Shanxi's task force: its city and province reviewers; 404 to other provinces
TASK_FORCE_READ = "read a task force"  # Shanxi's task force: its province's business readers; 404 to others
REVIEW_OBJECT = "review a report"  # one project's report: 404 outside the scope, 403 for those who do not review
# The JSON API: 401 (never a redirect) without a log-in, else as the pages of the same kind.
API_PUBLIC = "api description"  # the OpenAPI schema and its docs page
API_NOWHERE = "api unknown address"  # a problem document 404 for everyone
API_READ = "api read"
API_OBJECT_READ = "api object read"
API_OBJECT_WRITE = "api object write"
API_CREATE = "api create"
API_REVIEW = "api review"
API_QUEUE = "api review queue"
API_RULES = {
    API_READ: BUSINESS_READ,
    API_OBJECT_READ: OBJECT_READ,
    API_OBJECT_WRITE: OBJECT_WRITE,
    API_CREATE: CREATE,
    API_REVIEW: REVIEW_OBJECT,
    API_QUEUE: REVIEW,
}

# Each URL name: its rule and the methods to try (with the form a POST sends).
STAGE_FORM = {"stage": "terminated", "happened_on": "2025-06-30", "note": "matrix"}
API_PROJECT = {"name": "越权项目", "total_investment": "1.00"}
APPROVAL_FORM = {"project_code": "2025-141121-30-03-09999Z", "matter": "filing", "state": "in_progress"}
MILESTONE_FORM = {
    "title": "越权节点",
    "kind": "construction",
    "planned_on": "2039-01-01",
}  # a whole project: the role is what refuses it
URL_RULES = {
    "accounts:login": (PUBLIC, {"GET": None}),
    "ops:healthz": (HEALTH, {"GET": None}),
    "ops:metrics": (METRICS, {"GET": None}),
    "accounts:logout": (ANY_USER, {"POST": {}}),
    "accounts:second_factor": (ANY_USER, {"GET": None}),
    "accounts:second_factor_enrol": (ANY_USER, {"GET": None}),
    "accounts:password_change": (ANY_USER, {"GET": None, "POST": {"old_password": "x"}}),
    "accounts:api_tokens": (ANY_USER, {"GET": None, "POST": {"name": "matrix"}}),
    "accounts:api_token_revoke": (OWN_TOKEN, {"POST": {}}),
    "notifications:inbox": (ANY_USER, {"GET": None}),
    "notifications:badge": (ANY_USER, {"GET": None}),
    "notifications:read": (ANY_USER, {"POST": {}}),
    "accounts:user_list": (SYSADMIN, {"GET": None}),
    "accounts:user_create": (SYSADMIN, {"GET": None, "POST": {"username": "matrix-person"}}),
    "accounts:user_edit": (SYSADMIN, {"GET": None, "POST": {"role": Role.ADMIN}}),
    "accounts:user_password": (SYSADMIN, {"POST": {}}),
    "accounts:confirmations": (BUSINESS_ADMIN, {"GET": None}),
    "accounts:user_confirm": (CONFIRM, {"POST": {}}),
    "accounts:security": (SECADMIN, {"GET": None}),
    "accounts:lockout_release": (SECADMIN, {"POST": {"username": "wenshui-viewer"}}),
    "accounts:session_end": (SECADMIN, {"POST": {}}),
    "accounts:second_factor_reset": (SECADMIN, {"POST": {}}),
    "accounts:account_unlock": (EACH_OTHER, {"POST": {}}),
    "audit:record_list": (AUDITOR, {"GET": None}),
    "audit:record_detail": (AUDITOR, {"GET": None}),
    "audit:record_export": (AUDITOR, {"GET": None}),
    "audit:chain_verify": (AUDITOR, {"GET": None, "POST": {}}),
    "reports:dashboard": (HOME, {"GET": None}),
    "reports:year_summary": (BUSINESS_READ, {"GET": None}),
    "reports:warnings": (BUSINESS_READ, {"GET": None}),
    "reports:warnings_export": (BUSINESS_READ, {"GET": None}),
    "projects:project_list": (BUSINESS_READ, {"GET": None}),
    "ingest:ledger_export": (BUSINESS_READ, {"GET": None}),
    "projects:project_detail": (OBJECT_READ, {"GET": None}),
    "projects:project_create": (CREATE, {"GET": None, "POST": {"name": "越权项目"}}),
    "projects:project_edit": (OBJECT_WRITE, {"GET": None, "POST": {"name": "越权改名"}}),
    "projects:stage_record": (OBJECT_WRITE, {"POST": STAGE_FORM}),
    "projects:event_void": (OBJECT_WRITE, {"POST": {"reason": "越权作废"}}),
    "approvals:approval_list": (BUSINESS_READ, {"GET": None}),
    "approvals:approval_create": (CREATE, {"GET": None, "POST": APPROVAL_FORM}),
    "approvals:approvals_match": (CREATE, {"POST": {}}),
    "milestones:milestone_list": (BUSINESS_READ, {"GET": None}),
    "milestones:template_list": (BUSINESS_READ, {"GET": None}),
    "milestones:template_create": (WORKDAYS_ADMIN, {"GET": None, "POST": {}}),  # the province's administrator
    "milestones:template_edit": (ROUND_EDIT, {"GET": None, "POST": {"name": "越权模板"}}),  # a Shanxi template
    "milestones:milestone_export": (BUSINESS_READ, {"GET": None}),
    "milestones:milestones_plan": (
        OBJECT_WRITE,
        {"POST": lambda world: {"template": world.plan_template.pk, "target": "2039-06-01", "allow_late": "on"}},
    ),
    "milestones:milestone_create": (OBJECT_WRITE, {"POST": MILESTONE_FORM}),
    "milestones:milestone_edit": (OBJECT_WRITE, {"GET": None, "POST": MILESTONE_FORM}),
    "milestones:milestone_move": (OBJECT_WRITE, {"POST": {"planned_on": "2039-01-01", "reason": "越权改期"}}),
    "milestones:milestone_done": (OBJECT_WRITE, {"POST": {"done_on": "2025-01-01"}}),
    "milestones:milestone_drop": (OBJECT_WRITE, {"POST": {"reason": "越权删除"}}),
    "campaigns:round_list": (BUSINESS_READ, {"GET": None}),
    "reports:round_bulletin": (BUSINESS_READ, {"GET": None}),
    "reports:round_bulletin_xlsx": (BUSINESS_READ, {"GET": None}),
    "reports:round_bulletin_document": (BUSINESS_READ, {"GET": None}),
    "reports:year_summary_document": (BUSINESS_READ, {"GET": None}),
    "campaigns:round_create": (ROUND_ADMIN, {"GET": None, "POST": {"label": "2039-1", "held_on": "2039-01-01"}}),
    "campaigns:round_update": (ROUND_EDIT, {"GET": None, "POST": {"held_on": "2039-01-01"}}),
    "campaigns:targets_this_year": (ANY_USER, {"GET": None}),
    "campaigns:targets": (TARGETS_ADMIN, {"GET": None, "POST": {"t140000-signed_count": "1", "t140000-version": "0"}}),
    "workdays:index": (WORKDAYS_ADMIN, {"GET": None}),
    "workdays:year": (WORKDAYS_ADMIN, {"GET": None, "POST": {"day": "2039-10-08", "working": "1"}}),
    "workdays:override_remove": (WORKDAYS_ADMIN, {"POST": {"day": "2025-10-08"}}),
    "workdays:year_enter": (WORKDAYS_ADMIN, {"POST": {"action": "withdraw"}}),
    "ingest:upload": (CREATE, {"GET": None, "POST": {}}),
    "ingest:template": (CREATE, {"GET": None}),
    "ingest:approvals_import": (CREATE, {"GET": None, "POST": {}}),
    "ingest:approvals_template": (CREATE, {"GET": None}),
    "ingest:job": (OWN_JOB, {"GET": None}),
    "ingest:confirm": (OWN_JOB, {"POST": {}}),
    "set_language": (PUBLIC, {"POST": {"language": "en", "next": "/"}}),
    "admin:index": (DJANGO_ADMIN, {"GET": None}),
    "problems:problem_list": (BUSINESS_READ, {"GET": None}),
    "reports:weekly": (BUSINESS_READ, {"GET": None}),
    "reports:weekly_xlsx": (BUSINESS_READ, {"GET": None}),
    "reports:weekly_docx": (BUSINESS_READ, {"GET": None}),
    "problems:problem_export": (BUSINESS_READ, {"GET": None}),
    "problems:leaders": (BUSINESS_READ, {"GET": None}),
    "problems:task_force_create": (TASK_FORCE_ADD, {"GET": None, "POST": {"name": "越权专班"}}),
    "problems:task_force_edit": (TASK_FORCE_KEEP, {"GET": None, "POST": {"name": "越权改名"}}),
    "problems:task_force_detail": (TASK_FORCE_READ, {"GET": None}),
    "problems:zone_problem_raise": (CREATE, {"GET": None, "POST": {"title": "越权问题", "category": "land"}}),
    "problems:problem_detail": (OBJECT_READ, {"GET": None}),
    "problems:problem_act": (OBJECT_WRITE, {"POST": {"step": "plan", "note": "越权办理"}}),
    "problems:attachments_add": (OBJECT_WRITE, {"POST": {}}),
    "problems:attachment": (OBJECT_READ, {"GET": None}),
    "problems:attachment_remove": (OBJECT_WRITE, {"POST": {}}),
    "problems:project_problems": (OBJECT_READ, {"GET": None}),
    "problems:leader_set": (OBJECT_WRITE, {"POST": {"user": ""}}),
    "problems:problem_raise": (
        OBJECT_WRITE,
        {"GET": None, "POST": {"title": "越权问题", "category": "land", "level": "ordinary"}},
    ),
    "api:problem_list": (API_READ, {"GET": None}),
    "api:problem_detail": (API_OBJECT_READ, {"GET": None}),
    "api:problem_raise": (
        API_CREATE,
        {
            "POST": lambda world: {
                "project": world.projects["wenshui"].pk,
                "title": "越权问题",
                "category": "land",
                "owner_org": world.projects["wenshui"].zone.org.pk,
            }
        },
    ),
    "api:problem_act": (API_OBJECT_WRITE, {"POST": {"step": "plan", "note": "越权办理"}}),
    "api:openapi-json": (API_PUBLIC, {"GET": None}),
    "api:openapi-view": (API_PUBLIC, {"GET": None}),
    "api:api-root": (API_NOWHERE, {"GET": None}),
    "api_unknown": (API_NOWHERE, {"GET": None, "POST": {}}),
    "api:project_list": (API_READ, {"GET": None}),
    "api:project_create": (
        API_CREATE,
        {"POST": lambda world: API_PROJECT | {"zone": world.projects["wenshui"].zone_id}},
    ),
    "api:project_detail": (API_OBJECT_READ, {"GET": None}),
    "api:project_update": (API_OBJECT_WRITE, {"PATCH": {"version": 1, "name": "越权改名"}}),
    "api:project_events": (API_OBJECT_READ, {"GET": None}),
    "api:event_create": (API_OBJECT_WRITE, {"POST": STAGE_FORM}),
    "api:event_void": (API_OBJECT_WRITE, {"POST": {"reason": "越权作废"}}),
    "api:round_list": (API_READ, {"GET": None}),
    "api:round_detail": (API_READ, {"GET": None}),
    "api:figures": (API_READ, {"GET": None}),
    "api:zone_list": (API_READ, {"GET": None}),
    "api:zone_detail": (API_OBJECT_READ, {"GET": None}),
    "api:report_list": (API_OBJECT_READ, {"GET": None}),
    "api:report_submit": (API_OBJECT_WRITE, {"POST": {"month": "2025-06", "amount": "1.00"}}),
    "api:report_approve": (API_REVIEW, {"POST": {}}),
    "api:report_return": (API_REVIEW, {"POST": {"reason": "越权退回"}}),
    "api:zone_month": (API_OBJECT_READ, {"GET": None}),
    "api:review_queue": (API_QUEUE, {"GET": None}),
    "progress:month": (BUSINESS_READ, {"GET": None}),
    "progress:month_submit": (CREATE, {"POST": {"month": "2025-06"}}),
    "progress:month_row": (OBJECT_WRITE, {"POST": {"action": "submit"}}),
    "progress:plans": (BUSINESS_READ, {"GET": None}),
    "progress:plan_export": (BUSINESS_READ, {"GET": None}),
    "progress:plan_edit": (OBJECT_WRITE, {"GET": None, "POST": {"amount": "1200.00"}}),
    "progress:queue": (REVIEW, {"GET": None, "POST": {"action": "approve"}}),
    "progress:queue_badge": (REVIEW, {"GET": None}),
    "progress:project_reports": (OBJECT_READ, {"GET": None}),
    "progress:report_photo": (OBJECT_READ, {"GET": None}),
    "progress:report_photo_remove": (OBJECT_WRITE, {"POST": {}}),
    "progress:report_edit": (OBJECT_WRITE, {"GET": None, "POST": {"amount": "1.00", "action": "submit"}}),
    "api:milestone_list": (API_READ, {"GET": None}),
    "api:template_list": (API_READ, {"GET": None}),
    "api:milestones_plan": (
        API_OBJECT_WRITE,
        {"POST": {"template": "工业新建项目", "target": "2039-06-01", "allow_late": True}},
    ),
    "api:milestone_complete": (API_OBJECT_WRITE, {"POST": {"done_on": "2025-01-01"}}),
    "api:approval_list": (API_READ, {"GET": None}),
    "api:approval_create": (API_CREATE, {"POST": APPROVAL_FORM}),
    "api:signed_not_started": (API_READ, {"GET": None}),
    "api:behind_plan": (API_READ, {"GET": None}),
    "api:late_reports": (API_READ, {"GET": None}),
    "api:overdue_milestones": (API_READ, {"GET": None}),
}
OBJECT_RULES = {OBJECT_READ, OBJECT_WRITE, API_OBJECT_READ, API_OBJECT_WRITE, API_REVIEW}
# The Django admin's own pages share one rule; the matrix tries its index for them all.
SKIPPED_NAMESPACES = {"admin"}


def url_names(patterns=None, namespace=""):
    """Every named URL of the site, as `namespace:name`."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def site_urls():
    return sorted({name for name in url_names() if name.split(":")[0] not in SKIPPED_NAMESPACES} | {"admin:index"})


def test_every_url_of_the_site_has_a_rule():
    assert [name for name in site_urls() if name not in URL_RULES] == []


def cases():
    for name in site_urls():
        if name not in URL_RULES:
            continue
        rule, methods = URL_RULES[name]
        for method in methods:
            for subject in SUBJECTS:
                for target in TARGETS if rule in OBJECT_RULES else [None]:
                    yield pytest.param(name, method, subject, target, id=f"{name}-{method}-{subject}-{target}")


@dataclass
class World:
    """The objects URLs point at: three projects at three distances, and the administrators' objects."""

    projects: dict
    round: Round
    business_user: User
    login_session: LoginSession
    audit_record: AuditRecord
    job_id: str
    job_owner: User
    token: ApiToken
    problems: dict
    reports: dict
    plan_template: PlanTemplate
    task_force: TaskForce


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once per module (per test worker) inside a transaction that is rolled back when the module ends; each
    test runs in a savepoint within it (pytest-django's `db`), so every test starts from this same world and what an
    allowed write does is undone before the next. Building it per test cost most of the matrix's time."""
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
    ):
        count_writes()
        yield _build_world()
        transaction.set_rollback(True)


def _build_world():
    from zoneledger.jobs.choices import JobKind
    from zoneledger.jobs.models import Job

    projects = {
        "wenshui": Project.objects.filter(zone__name="文水经济开发区", events__voided=False).first(),
        "xiaoyi": Project.objects.filter(zone__name="孝义经济开发区", events__voided=False).first(),
        "elsewhere": Project.objects.filter(zone__province_id="140000", events__voided=False)
        .exclude(zone__city_id="141100")
        .first(),
    }
    business_user = User.objects.get(username="wenshui-viewer")
    log_in(Client(), business_user)
    job_owner = User.objects.get(username="wenshui-editor")
    job = Job.objects.create(owner=job_owner, kind=JobKind.IMPORT_CHECK, filename="ledger.xlsx")
    # What the working days page's refused writes would have removed.
    WorkdayOverride.objects.create(province_code="140000", day=date(2025, 10, 8), working=True, note="matrix")
    WorkdayYear.objects.create(province_code="140000", year=2039)
    return World(
        projects=projects,
        round=Round.objects.filter(province_id="140000").order_by("-year", "-sequence").first(),
        business_user=business_user,
        login_session=LoginSession.objects.filter(user=business_user).first(),
        audit_record=AuditRecord.objects.order_by("-id").first(),
        job_id=job.pk,
        job_owner=job_owner,
        token=token_create(actor=business_user, user=business_user, name="matrix")[0],
        plan_template=PlanTemplate.objects.get(province_code="", name="工业新建项目"),
        problems={key: _problem_of(project) for key, project in projects.items()},
        reports=_submitted_reports(projects),
        task_force=task_force_save(
            actor=User.objects.get(username="province-admin"),
            name="矩阵专班",
            lead=User.objects.get(username="province-admin"),
            members=[],
            projects=list(projects.values()),
        ),
    )


def _problem_of(project):
    """A problem of the project with a photo, raised by the province's editor (whose scope covers all three)."""
    from zoneledger.problems.services import problem_attachments_add, problem_raise

    editor = User.objects.get(username="province-editor")
    raised_at = datetime(2025, 6, 2, 9, tzinfo=UTC)
    problem = problem_raise(
        actor=editor,
        project=project,
        title="矩阵问题",
        category="land",
        level="ordinary",
        owner_org=editor.org,
        raised_at=raised_at,
    )
    problem_attachments_add(actor=editor, problem=problem, photos=[upload(image_bytes())])
    return problem


def _submitted_reports(projects):
    """A report waiting for review in each of the three projects, with a photo, submitted by someone the matrix
    never plays."""
    submitter = User.objects.get(username="province-editor")
    return {
        key: progress_submit(
            actor=submitter,
            project=project,
            month=date(2025, 6, 1),
            amount=Decimal("1.00"),
            photos=[upload(image_bytes())],
        )
        for key, project in projects.items()
    }


def milestone_of(project):
    """A milestone of the project for the milestone URLs (made before the matrix takes its fingerprint)."""
    milestone, _created = Milestone.objects.get_or_create(
        project=project, title="矩阵节点", defaults={"planned_on": date(2025, 6, 30)}
    )
    return {"pk": project.pk, "milestone_pk": milestone.pk}


def url_of(name, world, target):
    """The URL `name` with arguments pointing at the world's objects (the target project for project URLs)."""
    project = world.projects.get(target)
    arguments = {
        "milestones:milestones_plan": lambda: {"pk": project.pk},
        "milestones:milestone_create": lambda: {"pk": project.pk},
        "milestones:milestone_edit": lambda: milestone_of(project),
        "milestones:milestone_move": lambda: milestone_of(project),
        "milestones:milestone_done": lambda: milestone_of(project),
        "milestones:milestone_drop": lambda: milestone_of(project),
        "projects:project_detail": lambda: {"pk": project.pk},
        "projects:project_edit": lambda: {"pk": project.pk},
        "projects:stage_record": lambda: {"pk": project.pk},
        "projects:event_void": lambda: {"pk": project.pk, "event_pk": project.events.filter(voided=False).first().pk},
        "reports:round_bulletin": lambda: world.round.url_kwargs,
        "reports:round_bulletin_xlsx": lambda: world.round.url_kwargs,
        "reports:round_bulletin_document": lambda: world.round.url_kwargs | {"kind": "docx"},
        "reports:year_summary_document": lambda: {"kind": "docx"},
        "campaigns:round_update": lambda: world.round.url_kwargs,
        "campaigns:targets": lambda: {"year": 2039},
        "workdays:year": lambda: {"year": 2039},
        "milestones:template_edit": lambda: {"pk": PlanTemplate.objects.filter(province_code="140000").first().pk},
        "workdays:override_remove": lambda: {"year": 2025},
        "workdays:year_enter": lambda: {"year": 2039},
        "ingest:job": lambda: {"pk": world.job_id},
        "ingest:confirm": lambda: {"pk": world.job_id},
        "accounts:user_edit": lambda: {"pk": world.business_user.pk},
        "accounts:user_password": lambda: {"pk": world.business_user.pk},
        "accounts:user_confirm": lambda: {"pk": world.business_user.pk},
        "accounts:session_end": lambda: {"pk": world.login_session.pk},
        "accounts:second_factor_reset": lambda: {"pk": world.business_user.pk},
        "accounts:account_unlock": lambda: {"pk": world.business_user.pk},
        "audit:record_detail": lambda: {"pk": world.audit_record.pk},
        "accounts:api_token_revoke": lambda: {"pk": world.token.pk},
        "api:project_detail": lambda: {"pk": project.pk},
        "api:project_update": lambda: {"pk": project.pk},
        "api:project_events": lambda: {"pk": project.pk},
        "api:event_create": lambda: {"pk": project.pk},
        "api:event_void": lambda: {"pk": project.pk, "event_pk": project.events.filter(voided=False).first().pk},
        "api:round_detail": lambda: {"pk": world.round.pk},
        "api:zone_detail": lambda: {"pk": project.zone_id},
        "api:milestones_plan": lambda: {"pk": project.pk},
        "api:milestone_complete": lambda: {"pk": milestone_of(project)["milestone_pk"]},
        "problems:problem_detail": lambda: {"pk": world.problems[target].pk},
        "api:problem_detail": lambda: {"pk": world.problems[target].pk},
        "api:problem_act": lambda: {"pk": world.problems[target].pk},
        "problems:problem_act": lambda: {"pk": world.problems[target].pk},
        "problems:attachments_add": lambda: {"pk": world.problems[target].pk},
        "problems:attachment": lambda: {"pk": world.problems[target].attachments.get().pk},
        "problems:attachment_remove": lambda: {"pk": world.problems[target].attachments.get().pk},
        "progress:report_photo": lambda: {"pk": world.reports[target].photos.get().pk},
        "progress:report_photo_remove": lambda: {"pk": world.reports[target].photos.get().pk},
        "problems:project_problems": lambda: {"pk": project.pk},
        "problems:leader_set": lambda: {"pk": project.pk},
        "problems:problem_raise": lambda: {"pk": project.pk},
        "problems:task_force_edit": lambda: {"pk": world.task_force.pk},
        "problems:task_force_detail": lambda: {"pk": world.task_force.pk},
        "progress:project_reports": lambda: {"pk": project.pk},
        "progress:plan_edit": lambda: {"pk": project.pk, "year": 2025},
        "api:report_list": lambda: {"pk": project.pk},
        "api:report_submit": lambda: {"pk": project.pk},
        "api:report_approve": lambda: {"pk": world.reports[target].pk},
        "api:report_return": lambda: {"pk": world.reports[target].pk},
        "api:zone_month": lambda: {"zone": project.zone_id, "month": "2025-06"},
        "progress:report_edit": lambda: {"pk": project.pk, "year": 2025, "number": 6},
        "progress:month_row": lambda: {"pk": project.pk, "year": 2025, "number": 6},
    }
    query = {"api:figures": "?year=2024"}.get(name, "")
    return reverse(name, kwargs=arguments[name]() if name in arguments else None) + query


def scope_of(user):
    if user.role in (Role.AUDITOR, Role.SYSADMIN, Role.SECADMIN):
        return user.role
    return user.username.split("-")[0]


LOGIN = "redirect to log in"
OK = "allowed"
NO_DATA = "shows no business data"
CONSOLE = "redirect to the administrator's console"


def expected(rule, user, target, world):
    """What the rules say `user` gets from a page of `rule` about `target`."""
    if rule == API_NOWHERE:
        return 404
    if rule in API_RULES:
        return 401 if user is None else expected(API_RULES[rule], user, target, world)
    if rule in (PUBLIC, API_PUBLIC):
        return OK
    if rule == HEALTH:
        return HEALTH
    if rule == METRICS:
        return 404
    if user is None or rule == DJANGO_ADMIN:
        return LOGIN
    visible = VISIBLE[scope_of(user)]
    edits = user.role in EDITING_ROLES
    role_rules = {SYSADMIN: Role.SYSADMIN, SECADMIN: Role.SECADMIN, AUDITOR: Role.AUDITOR, BUSINESS_ADMIN: Role.ADMIN}
    if rule in role_rules:
        return OK if user.role == role_rules[rule] else 403
    if rule == CONFIRM:
        return 404 if user.role == Role.ADMIN else 403
    if rule == ANY_USER:
        return OK
    if rule == EACH_OTHER:
        return 403  # the world's account is a business user's: no one unlocks it here
    if rule == BUSINESS_READ:
        return OK if visible else NO_DATA
    if rule == HOME:
        return CONSOLE if user.role in (Role.SYSADMIN, Role.SECADMIN) else OK
    if rule == OBJECT_READ:
        return OK if target in visible else 404
    if rule == OBJECT_WRITE:
        if target not in visible:
            return 404
        return OK if edits else 403
    if rule == CREATE:
        return OK if edits else 403
    if rule == REVIEW:
        return OK if user.role in (Role.REVIEWER, Role.ADMIN) else 403
    if rule == REVIEW_OBJECT:
        if target not in visible:
            return 404
        return OK if user.role in (Role.REVIEWER, Role.ADMIN) else 403
    if rule == OWN_TOKEN:
        return OK if user == world.token.user else 404
    if rule == OWN_JOB:
        if not edits:
            return 403
        return OK if user == world.job_owner else 404
    if rule in (ROUND_ADMIN, WORKDAYS_ADMIN, TARGETS_ADMIN):
        return OK if user.username in ("province-admin", "hebei-admin") else 403
    keeps_task_forces = user.username in ("lvliang-reviewer", "province-admin", "hebei-admin")
    if rule == TASK_FORCE_ADD:
        return OK if keeps_task_forces else 403
    if rule in (TASK_FORCE_KEEP, TASK_FORCE_READ):
        if not user.reads_business_data or not visible:  # a task force of Shanxi's
            return 404
        if rule == TASK_FORCE_READ:
            return OK
        return OK if keeps_task_forces else 403
    if rule == ROUND_EDIT:
        return {"province-admin": OK, "hebei-admin": 404}.get(user.username, 403)
    raise AssertionError(f"no rule {rule}")


# Audited events that change no data: logging in and out, downloads, checking the chain.
READS = Q(action__startswith="login") | Q(action__in=["logout", "export", "audit.verify"])
AUDIT_TABLES = {AuditRecord._meta.db_table, AuditChainHead._meta.db_table}


def fingerprint():
    """What a refused request must leave as it was: the rows written to every table (tests/writes.py) but the audit's,
    where refusals are recorded, and the audit's last record of a change that succeeded."""
    return {
        "writes": {table: rows for table, rows in writes().items() if table not in AUDIT_TABLES},
        "last change": AuditRecord.objects.filter(success=True).exclude(READS).order_by("-pk").values("pk").first(),
    }


def request(client, method, url, form):
    if method == "GET":
        return client.get(url)
    if url.startswith("/api/"):
        return client.generic(method, url, json.dumps(form), content_type="application/json")
    return client.post(url, form)


@pytest.mark.parametrize(("name", "method", "subject", "target"), list(cases()))
def test_the_permission_matrix(client, world, name, method, subject, target):
    rule, methods = URL_RULES[name]
    user = User.objects.get(username=subject) if subject else None
    if user is not None:
        log_in(client, user)
    url = url_of(name, world, target)
    want = expected(rule, user, target, world)
    before = fingerprint() if want != OK else None

    form = methods[method]
    response = request(client, method, url, form(world) if callable(form) else form)

    status = response.status_code
    if want == LOGIN:
        assert status == 302
        assert response["Location"].startswith(("/accounts/login/", "/admin/login/"))
    elif want == OK:
        assert status < 500
        assert status not in (401, 403, 404, 405)
        assert not (status == 302 and response["Location"].startswith("/accounts/login/?next="))
    elif want == HEALTH:
        assert status in (200, 503)
        assert response["Content-Type"] == "application/json"
    elif want == CONSOLE:
        assert status == 302
        assert response["Location"] in ("/accounts/users/", "/accounts/security/")
    elif want == NO_DATA:
        assert status in (200, 403, 404)
        if status == 200 and response["Content-Type"].startswith("text/html"):  # downloads are checked elsewhere
            page = response.content.decode()
            assert all(project.name not in page for project in world.projects.values())
    else:
        assert status == want
    if url.startswith("/api/") and status >= 400:
        assert response["Content-Type"] == "application/problem+json"
    if want != OK:
        assert fingerprint() == before


def test_the_matrix_walks_every_rule():
    rules = {rule for rule, _methods in URL_RULES.values()}
    assert rules == {
        PUBLIC,
        HEALTH,
        METRICS,
        ANY_USER,
        BUSINESS_READ,
        HOME,
        OBJECT_READ,
        OBJECT_WRITE,
        CREATE,
        OWN_JOB,
        OWN_TOKEN,
        ROUND_ADMIN,
        ROUND_EDIT,
        WORKDAYS_ADMIN,
        SYSADMIN,
        SECADMIN,
        EACH_OTHER,
        AUDITOR,
        BUSINESS_ADMIN,
        CONFIRM,
        DJANGO_ADMIN,
        REVIEW,
        TASK_FORCE_ADD,
        TASK_FORCE_KEEP,
        TASK_FORCE_READ,
        API_REVIEW,
        API_QUEUE,
        API_PUBLIC,
        API_NOWHERE,
        API_READ,
        API_OBJECT_READ,
        API_OBJECT_WRITE,
        API_CREATE,
        TARGETS_ADMIN,
    }


def test_the_three_projects_lie_where_the_matrix_assumes(world):
    zones = {key: project.zone for key, project in world.projects.items()}
    assert zones["wenshui"].name == "文水经济开发区"
    assert zones["xiaoyi"].city_id == zones["wenshui"].city_id
    assert zones["elsewhere"].city_id != zones["wenshui"].city_id
