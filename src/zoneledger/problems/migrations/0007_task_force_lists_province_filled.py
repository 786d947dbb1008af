"""The task forces' lists take their task force's province, filled in batches, then required; their unique
constraints rebuilt with it, without long locks."""

import django.db.models.deletion
from django.db import migrations, models

from zoneledger.core.live_schema import AddUniqueConcurrently, Backfill, SetNotNull

FROM_TASK_FORCE = "SELECT t.province_id FROM problems_taskforce t WHERE t.id = {table}.taskforce_id"


class Migration(migrations.Migration):
    atomic = False  # each batch and each concurrent index build commits on its own (core/live_schema.py)

    dependencies = [
        ("problems", "0006_task_force_lists_as_models"),
    ]

    operations = [
        Backfill("problems_taskforce_members", "province_id", FROM_TASK_FORCE.format(table="problems_taskforce_members")),
        Backfill("problems_taskforce_projects", "province_id", FROM_TASK_FORCE.format(table="problems_taskforce_projects")),
        SetNotNull(
            model_name="taskforcemember",
            name="province",
            field=models.ForeignKey(db_index=False, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="zones.division", verbose_name="province"),
        ),
        SetNotNull(
            model_name="taskforceproject",
            name="province",
            field=models.ForeignKey(db_index=False, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="zones.division", verbose_name="province"),
        ),
        AddUniqueConcurrently(
            model_name="taskforcemember",
            constraint=models.UniqueConstraint(fields=("taskforce", "user", "province"), name="taskforce_member_once"),
        ),
        migrations.AlterUniqueTogether(name="taskforcemember", unique_together=set()),
        AddUniqueConcurrently(
            model_name="taskforceproject",
            constraint=models.UniqueConstraint(fields=("taskforce", "project", "province"), name="taskforce_project_once"),
        ),
        migrations.AlterUniqueTogether(name="taskforceproject", unique_together=set()),
    ]
