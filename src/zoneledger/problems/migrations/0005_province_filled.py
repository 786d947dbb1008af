"""The province filled in batches, then required; unique constraints rebuilt with it, without long locks."""

import django.db.models.deletion
from django.db import migrations, models

from zoneledger.core.live_schema import Backfill, SetNotNull


class Migration(migrations.Migration):
    atomic = False  # each batch and each concurrent index build commits on its own (core/live_schema.py)

    dependencies = [
        ("problems", "0004_province"),
    ]

    operations = [
        Backfill(
            "problems_problemstep",
            "province_id",
            "SELECT q.province_id FROM problems_problem q WHERE q.id = problems_problemstep.problem_id",
        ),
        Backfill(
            "problems_problemattachment",
            "province_id",
            "SELECT q.province_id FROM problems_problem q WHERE q.id = problems_problemattachment.problem_id",
        ),
        SetNotNull(
            model_name="problemstep",
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
            model_name="problemattachment",
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
