"""The province filled in batches, then required; unique constraints rebuilt with it, without long locks."""

import django.db.models.deletion
from django.db import migrations, models

from zoneledger.core.live_schema import Backfill, SetNotNull


class Migration(migrations.Migration):
    atomic = False  # each batch and each concurrent index build commits on its own (core/live_schema.py)

    dependencies = [
        ("milestones", "0003_province"),
        ("projects", "0008_province_filled"),
    ]

    operations = [
        Backfill(
            "milestones_milestone",
            "province_id",
            "SELECT p.province_id FROM projects_project p WHERE p.id = milestones_milestone.project_id",
        ),
        Backfill(
            "milestones_milestonemove",
            "province_id",
            "SELECT m.province_id FROM milestones_milestone m WHERE m.id = milestones_milestonemove.milestone_id",
        ),
        SetNotNull(
            model_name="milestone",
            name="province",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="zones.division",
                verbose_name="province",
            ),
        ),
        SetNotNull(
            model_name="milestonemove",
            name="province",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="zones.division",
                verbose_name="province",
            ),
        ),
    ]
