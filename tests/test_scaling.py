"""The schema can be sharded by province on Citus as docs/SCALING.md says (issue 19).

Every table of the project is one of three kinds: distributed by its province column (zone data), a reference table
(small, copied to every node) or a table kept on the coordinator (sessions, jobs, tokens: nothing a figure joins).
A table of zone data carries its province, and every unique index on it includes that column, read from the
database itself; the exceptions are named below with the reason, and the document shows the same tables.
"""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection

SCALING = Path(__file__).resolve().parent.parent / "docs" / "SCALING.md"

# table -> its distribution column
DISTRIBUTED = {
    "projects_project": "province_id",
    "projects_stageevent": "province_id",
    "projects_monthlyprogress": "province_id",
    "progress_reportversion": "province_id",
    "progress_reporttransition": "province_id",
    "progress_reportphoto": "province_id",
    "progress_annualplan": "province_id",
    "milestones_milestone": "province_id",
    "milestones_milestonemove": "province_id",
    "problems_problem": "province_id",
    "problems_problemstep": "province_id",
    "problems_problemattachment": "province_id",
    "problems_projectleader": "province_id",
    "problems_taskforce": "province_id",
    "problems_taskforce_members": "province_id",
    "problems_taskforce_projects": "province_id",
    "approvals_approvalitem": "province_code",
    "audit_auditrecord": "province",
    "audit_auditchainhead": "province",
}

# Small tables every node holds a copy of: distributed rows may refer to them.
REFERENCE = {
    "zones_division",
    "zones_zone",
    "accounts_orgunit",
    "accounts_user",
    "accounts_user_groups",
    "accounts_user_user_permissions",
    "projects_enterprise",
    "chains_chain",
    "chains_chain_masters",
    "chains_chainlink",
    "campaigns_round",
    "campaigns_yeartarget",
    "problems_problemcategory",
    "milestones_plantemplate",
    "core_workdayoverride",
    "core_workdayyear",
    "auth_group",
    "auth_group_permissions",
    "auth_permission",
    "django_content_type",
}

# Tables of the coordinator alone: per user or per process, never joined with zone data in a figure.
COORDINATOR = {
    "django_session",
    "django_admin_log",
    "accounts_passwordhistory",
    "accounts_loginsession",
    "accounts_apitoken",
    "core_idempotentrequest",
    "notifications_notification",
    "jobs_job",
    "jobs_workerprocess",
    "jobs_periodicrun",
    "django_tasks_database_dbtaskresult",
    "axes_accessattempt",
    "axes_accessattemptexpiration",
    "axes_accessfailurelog",
    "axes_accesslog",
    "otp_totp_totpdevice",
    "otp_static_staticdevice",
    "otp_static_statictoken",
}

# Unique columns that name a row of the same shard (so the province adds nothing to the rule) and that Django keeps
# as a one-column unique: the conversion script rewrites them as (column, province) — docs/SCALING.md.
UNIQUE_WITHOUT_PROVINCE = {
    ("approvals_approvalitem", ("milestone_id",)),  # a milestone is its project's, in the same province
    ("problems_projectleader", ("project_id",)),  # one leader per project
    # The national project code is unique in the country; under Citus a reference table of codes keeps it.
    ("projects_project", ("code",)),
}


def all_tables():
    models = apps.get_models(include_auto_created=True)
    return {model._meta.db_table for model in models if model._meta.managed and not model._meta.proxy}


def unique_indexes(table):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {
        name: tuple(info["columns"])
        for name, info in constraints.items()
        if info["unique"] and not info["primary_key"] and info["columns"]
    }


def test_every_table_is_distributed_reference_or_the_coordinator_s():
    kinds = [set(DISTRIBUTED), REFERENCE, COORDINATOR]
    assert all(not (a & b) for i, a in enumerate(kinds) for b in kinds[i + 1 :])
    placed = set().union(*kinds)
    assert sorted(all_tables() - placed) == [], "say in docs/SCALING.md and here how the new table is sharded"
    assert sorted(placed - all_tables()) == [], "a table listed here is gone"


@pytest.mark.django_db
@pytest.mark.parametrize("table", sorted(DISTRIBUTED))
def test_zone_data_carries_its_province_in_every_unique_index(table):
    column = DISTRIBUTED[table]
    with connection.cursor() as cursor:
        columns = {info.name: info for info in connection.introspection.get_table_description(cursor, table)}
    assert column in columns
    assert not columns[column].null_ok, "the province is filled by the services: NOT NULL"
    missing = {
        name: cols
        for name, cols in unique_indexes(table).items()
        if column not in cols and (table, cols) not in UNIQUE_WITHOUT_PROVINCE
    }
    assert missing == {}


# Where each table's province comes from: (its column naming the parent, the parent's table and province column).
PARENTS = {
    "projects_project": ("zone_id", "zones_zone", "province_id"),
    "projects_stageevent": ("project_id", "projects_project", "province_id"),
    "projects_monthlyprogress": ("project_id", "projects_project", "province_id"),
    "progress_reportversion": ("project_id", "projects_project", "province_id"),
    "progress_reporttransition": ("project_id", "projects_project", "province_id"),
    "progress_reportphoto": ("project_id", "projects_project", "province_id"),
    "progress_annualplan": ("project_id", "projects_project", "province_id"),
    "milestones_milestone": ("project_id", "projects_project", "province_id"),
    "milestones_milestonemove": ("milestone_id", "milestones_milestone", "province_id"),
    "problems_problem": ("zone_id", "zones_zone", "province_id"),
    "problems_problemstep": ("problem_id", "problems_problem", "province_id"),
    "problems_problemattachment": ("problem_id", "problems_problem", "province_id"),
    "problems_projectleader": ("project_id", "projects_project", "province_id"),
    "approvals_approvalitem": ("project_id", "projects_project", "province_id"),
    "problems_taskforce_members": ("taskforce_id", "problems_taskforce", "province_id"),
    "problems_taskforce_projects": ("project_id", "projects_project", "province_id"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("table", sorted(PARENTS))
def test_the_services_put_each_row_in_its_parent_s_province(table):
    """The test database holds the demo ledger, written through the services (single and bulk)."""
    link, parent, parent_column = PARENTS[table]
    column = DISTRIBUTED[table]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), SUM(CASE WHEN t.{column} = p.{parent_column} THEN 1 ELSE 0 END)"
            f" FROM {table} t JOIN {parent} p ON p.id = t.{link}"
        )
        rows, right = cursor.fetchone()
    assert (right or 0) == rows


def test_the_document_names_each_table_as_the_test_does():
    text = SCALING.read_text()
    for table, column in DISTRIBUTED.items():
        assert f"| `{table}` | `{column}` |" in text
    for table in REFERENCE - {name for name in REFERENCE if name.startswith(("auth_", "django_", "accounts_user_"))}:
        assert f"`{table}`" in text


# How each table's row reaches its zone (the scope door's `prefix`); a problem's steps are read through it.
ZONE_PATHS = {
    "projects_project": "zone__",
    "projects_stageevent": "project__zone__",
    "projects_monthlyprogress": "project__zone__",
    "progress_reportversion": "project__zone__",
    "progress_reporttransition": "project__zone__",
    "progress_reportphoto": "project__zone__",
    "progress_annualplan": "project__zone__",
    "milestones_milestone": "project__zone__",
    "milestones_milestonemove": "milestone__project__zone__",
    "problems_problem": "zone__",
    "problems_problemattachment": "problem__zone__",
    "problems_projectleader": "project__zone__",
}
READERS = ["province-admin", "lvliang-reviewer", "wenshui-editor"]  # a province's, a city's and a zone's users


def _model(table):
    return next(model for model in apps.get_models() if model._meta.db_table == table)


def _own_province(sql, table):
    return re.search(rf'"?{table}"?\."?province_id"?\s*=\s*\'?140000\'?', sql) is not None


@pytest.mark.django_db
@pytest.mark.parametrize("username", READERS)
@pytest.mark.parametrize("table", sorted(ZONE_PATHS))
def test_a_scope_in_one_province_filters_on_the_row_s_own_province(table, username):
    """Single-shard: the scope door puts the province on the row itself (and, for a province, needs no zone), and
    the rows are exactly those of the zones the user covers."""
    from zoneledger.accounts.models import User
    from zoneledger.accounts.scope import zone_filter

    user = User.objects.select_related("org").get(username=username)
    model = _model(table)
    rows = model.objects.visible_to(user)
    sql = str(rows.order_by().query)  # a model's ordering may join the zone for its own sake
    assert _own_province(sql, table)
    if username == "province-admin":
        assert "zones_zone" not in sql
    through_zone = model.objects.filter(zone_filter(user, prefix=ZONE_PATHS[table]))
    assert set(rows.values_list("pk", flat=True)) == set(through_zone.values_list("pk", flat=True))
    if username == "province-admin":  # the demo's rows are Shanxi's (and the second province's, when built)
        assert through_zone.exists() == model.objects.filter(province_id="140000").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("reference", ["140000", "141100", "141121", "文水经济开发区"])
def test_a_scope_asked_for_filters_on_the_row_s_own_province(reference):
    from zoneledger.accounts.scope import parse_scope
    from zoneledger.projects.models import Project, StageEvent

    scope = parse_scope(reference)
    for model, prefix in ((Project, "zone__"), (StageEvent, "project__zone__")):
        rows = model.objects.filter(scope.q(prefix, province="province_id"))
        assert _own_province(str(rows.query), model._meta.db_table)
        through_zone = model.objects.filter(scope.q(prefix))
        assert through_zone.exists()
        assert set(rows.values_list("pk", flat=True)) == set(through_zone.values_list("pk", flat=True))


def _events_on_one_shard(sql):
    """Whether every read of the stage events in `sql` is of province 140000's rows (its own column)."""
    aliases = re.findall(r'FROM "?projects_stageevent"?\s+(?:AS\s+)?"?(\w+)"?', sql)
    return bool(aliases) and all(_own_province(sql, alias) for alias in aliases)


@pytest.mark.django_db
@pytest.mark.parametrize("reference", ["140000", "141100", "141121", "文水经济开发区"])
def test_the_events_read_beside_a_scope_s_projects_are_its_province_s(reference):
    """`Scope.shard_q`: the stage events the late reports and 签约未开工 read in EXISTS for a scope's projects are
    the scope's province's alone (one shard), and the lists are those read without it, narrowed to the scope."""
    from datetime import date

    from django.db.models import Q
    from django.test.utils import CaptureQueriesContext

    from zoneledger.accounts.models import User
    from zoneledger.accounts.scope import parse_scope, user_scope
    from zoneledger.progress.selectors import late_reports
    from zoneledger.projects.models import Project
    from zoneledger.reports.figures import signed_not_started
    from zoneledger.zones.models import Zone

    admin = User.objects.select_related("org").get(username="province-admin")
    scope, province = parse_scope(reference), user_scope(admin)
    assert scope.shard_q() == Q(province_id="140000")
    assert parse_scope("nation").shard_q() == Q()
    inside = set(Zone.objects.filter(scope.q("")).values_list("pk", flat=True))
    month, today = date(2025, 9, 1), date(2025, 10, 20)

    with CaptureQueriesContext(connection) as late_queries:
        late = late_reports(user=admin, month=month, today=today, scope=scope)
    with CaptureQueriesContext(connection) as waiting_queries:
        waiting = signed_not_started(user=admin, scope=scope, as_of=today)

    assert _events_on_one_shard(late_queries.captured_queries[0]["sql"])
    assert _events_on_one_shard(waiting_queries.captured_queries[0]["sql"])
    in_scope = set(Project.objects.filter(zone_id__in=inside).values_list("pk", flat=True))
    everywhere = late_reports(user=admin, month=month, today=today, scope=province)
    assert late, "the demo has late reports in every scope tried"
    assert [row.project.pk for row in late] == [row.project.pk for row in everywhere if row.project.pk in in_scope]
    all_waiting = signed_not_started(user=admin, scope=province, as_of=today)
    assert [row.project_id for row in waiting] == [row.project_id for row in all_waiting if row.project_id in in_scope]
