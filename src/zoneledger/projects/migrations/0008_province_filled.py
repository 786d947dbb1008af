"""The province filled in batches, then required; unique constraints rebuilt with it, without long locks."""

import django.db.models.deletion
from django.db import migrations, models

from zoneledger.core.live_schema import AddUniqueConcurrently, Backfill, SetNotNull


class Migration(migrations.Migration):
    atomic = False  # each batch and each concurrent index build commits on its own (core/live_schema.py)

    dependencies = [
        ("projects", "0007_province"),
    ]

    operations = [
        Backfill(
            "projects_project",
            "province_id",
            "SELECT z.province_id FROM zones_zone z WHERE z.id = projects_project.zone_id",
        ),
        Backfill(
            "projects_stageevent",
            "province_id",
            "SELECT p.province_id FROM projects_project p WHERE p.id = projects_stageevent.project_id",
        ),
        Backfill(
            "projects_monthlyprogress",
            "province_id",
            "SELECT p.province_id FROM projects_project p WHERE p.id = projects_monthlyprogress.project_id",
        ),
        SetNotNull(
            model_name="project",
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
            model_name="stageevent",
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
            model_name="monthlyprogress",
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
        AddUniqueConcurrently(
            model_name="project",
            constraint=models.UniqueConstraint(
                fields=("zone", "name", "province"), name="project_unique_name_in_zone_province"
            ),
        ),
        migrations.RemoveConstraint(model_name="project", name="project_unique_name_in_zone"),
        AddUniqueConcurrently(
            model_name="stageevent",
            constraint=models.UniqueConstraint(
                condition=models.Q(("voided", False)),
                fields=("project", "stage", "province"),
                name="stageevent_one_live_per_stage_p",
            ),
        ),
        migrations.RemoveConstraint(model_name="stageevent", name="stageevent_one_live_per_stage"),
        AddUniqueConcurrently(
            model_name="monthlyprogress",
            constraint=models.UniqueConstraint(
                fields=("project", "month", "province"), name="progress_unique_month_province"
            ),
        ),
        migrations.RemoveConstraint(model_name="monthlyprogress", name="progress_unique_month"),
    ]
