"""Every migration since the national-scale baseline is safe to run on a live database of the national ledger's size
(issue 19; docs/DEPLOY.md, "Upgrading"; docs/SCALING.md, "Migrations on a live database").

The big tables are those of zone data (`tests/test_scaling.py`'s distributed tables: projects, stage events, ~18
million monthly rows, report versions, milestones, problems, audit records…). An operation that touches one must be
of a kind that holds no lock writers wait on for long at that size:

- a new table, or dropping a constraint or index (catalogue changes);
- a nullable column with no default, index or uniqueness (a catalogue change; a foreign key's constraint reads the
  all-NULL column once);
- `core/live_schema.py`'s steps: `Backfill` (batches that each commit), `SetNotNull` (a NOT VALID check validated
  under a lock writers pass), `AddUniqueConcurrently` (CREATE UNIQUE INDEX CONCURRENTLY) — in a migration with
  `atomic = False`, or the batches would be one transaction;
- `django.contrib.postgres`' concurrent index operations (also with `atomic = False`);
- state-only operations (options, managers; `SeparateDatabaseAndState` is judged by its database operations).

Anything else on a big table (a NOT NULL column, a default, an index built in place, a constraint validated in place,
a type change, raw SQL or Python) fails here unless the migration says why it is safe at that size, in a class
attribute `national_size_safe = "…"` (what it locks, for how long at 18 M rows, measured or reasoned).
"""

from django.apps import apps
from django.contrib.postgres import operations as postgres_operations
from django.db import migrations, models
from django.db.migrations.loader import MigrationLoader

from tests.test_scaling import DISTRIBUTED
from zoneledger.core import live_schema

# Each app's last migration before the national-scale work (session 5); those after it are checked.
BASELINE = {
    "accounts": "0005_api_tokens",
    "approvals": "0001_initial",
    "audit": "0002_chains_per_province",
    "campaigns": "0002_round_province",
    "chains": "0004_masters_are_enterprises_of_their_app",
    "core": "0002_idempotent_requests",
    "enterprises": "0001_initial",
    "jobs": "0001_initial",
    "milestones": "0002_copy_old_milestones_and_seed_template",
    "notifications": "0001_initial",
    "problems": "0003_task_force_version",
    "progress": "0003_report_photos",
    "projects": "0006_delete_milestone",
    "zones": "0003_zone_province",
}
OURS = "zoneledger."
STATE_ONLY = (
    migrations.AlterModelOptions,
    migrations.AlterModelManagers,
    migrations.AlterModelTableComment,
)
CATALOGUE = (migrations.CreateModel, migrations.RemoveConstraint, migrations.RemoveIndex)
LIVE_STEPS = (
    live_schema.Backfill,
    live_schema.SetNotNull,
    live_schema.AddUniqueConcurrently,
    live_schema.AddIndexConcurrently,
)
CONCURRENT = (postgres_operations.AddIndexConcurrently, postgres_operations.RemoveIndexConcurrently)
NEEDS_AUTOCOMMIT = LIVE_STEPS + CONCURRENT


def our_migrations_after_baseline():
    """(app, name, migration) for every migration of a zoneledger app newer than its baseline (all of a new app's)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    found = []
    for (app, name), migration in sorted(loader.disk_migrations.items()):
        if not apps.get_app_config(app).name.startswith(OURS):
            continue
        if app in BASELINE and name <= BASELINE[app]:
            continue
        found.append((app, name, migration))
    return found


def _table(app, model_name, state_apps):
    try:
        return state_apps.get_model(app, model_name)._meta.db_table
    except LookupError:
        return None


def unsafe_operations(app, migration, state):
    """The operations of `migration` (applied to project state `state`, which this advances) that touch a big
    table in a way not known to be safe, as text; and whether any operation needs `atomic = False`."""
    found, autocommit = [], False
    for operation in migration.operations:
        inner = (
            operation.database_operations if isinstance(operation, migrations.SeparateDatabaseAndState) else [operation]
        )
        for each in inner:
            autocommit |= isinstance(each, NEEDS_AUTOCOMMIT)
            if not _safe(app, each, state):
                found.append(each.describe())
        operation.state_forwards(app, state)
    return found, autocommit


def _safe(app, operation, state):
    if isinstance(operation, STATE_ONLY + CATALOGUE + LIVE_STEPS + CONCURRENT):
        return True
    if isinstance(operation, migrations.AlterUniqueTogether) and not operation.option_value:
        return True  # the constraints dropped, none built
    model_name = getattr(operation, "model_name", None) or getattr(operation, "name", None)
    table = _table(app, model_name, state.apps) if isinstance(model_name, str) else None
    if table is not None and table not in DISTRIBUTED:
        return True  # a small table: reference data, or per user or process
    if isinstance(operation, migrations.AddField):
        field = operation.field
        if field.many_to_many:
            return True  # a table of its own
        return bool(
            field.null and not field.has_default() and field.db_default is models.NOT_PROVIDED and not field.unique
        ) and not (field.is_relation and field.db_index)
    return False


def test_every_migration_since_the_baseline_is_safe_on_the_national_ledger():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    assert our_migrations_after_baseline(), "the baseline names migrations that exist"
    refused = {}
    for app, name, migration in our_migrations_after_baseline():
        state = loader.project_state((app, name), at_end=False)
        unsafe, autocommit = unsafe_operations(app, migration, state)
        reason = getattr(migration, "national_size_safe", "")
        if unsafe and len(reason) < 40:
            refused[f"{app}.{name}"] = unsafe
        if autocommit and migration.atomic:
            refused[f"{app}.{name}"] = ["live-schema steps need `atomic = False`"]
    assert refused == {}, "say in the migration's `national_size_safe` why it is safe at 18 M rows, or split it"


def test_the_baseline_names_each_app_s_existing_migration():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for app, name in BASELINE.items():
        assert (app, name) in loader.disk_migrations


# The judge itself, on operations that are and are not safe on a big table.


def _judge(operation, app="projects", after="0008_province_filled"):
    loader = MigrationLoader(None, ignore_no_migrations=True)
    state = loader.project_state((app, after))
    migration = type("Migration", (migrations.Migration,), {"operations": [operation]})("0099_test", app)
    return unsafe_operations(app, migration, state)[0]


def test_a_nullable_column_on_a_big_table_is_safe():
    assert _judge(migrations.AddField("project", "remark", models.CharField(max_length=10, null=True))) == []


def test_a_column_with_a_default_on_a_big_table_is_refused():
    field = models.CharField(max_length=10, default="")
    assert _judge(migrations.AddField("project", "remark", field)) == ["Add field remark to project"]


def test_an_indexed_foreign_key_on_a_big_table_is_refused():
    field = models.ForeignKey("zones.Zone", null=True, on_delete=models.PROTECT, related_name="+")
    assert _judge(migrations.AddField("monthlyprogress", "other_zone", field)) != []


def test_an_index_built_in_place_on_a_big_table_is_refused_and_concurrently_is_safe():
    index = models.Index(fields=["month"], name="month_only")
    assert _judge(migrations.AddIndex("monthlyprogress", index)) != []
    assert _judge(postgres_operations.AddIndexConcurrently("monthlyprogress", index)) == []
    assert _judge(live_schema.AddIndexConcurrently("monthlyprogress", index)) == []


def test_a_type_change_or_raw_sql_on_a_big_table_is_refused():
    assert _judge(migrations.AlterField("project", "name", models.CharField(max_length=300))) != []
    assert _judge(migrations.RunSQL("UPDATE projects_project SET name = name")) != []


def test_a_change_to_a_small_table_is_safe():
    field = models.CharField(max_length=300, default="")
    assert _judge(migrations.AlterField("zone", "name", field), app="zones", after="0003_zone_province") == []
