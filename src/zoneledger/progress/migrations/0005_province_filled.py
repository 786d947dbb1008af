"""The province filled in batches, then required; unique constraints rebuilt with it, without long locks."""

import django.db.models.deletion
from django.db import migrations, models

from zoneledger.core.live_schema import AddUniqueConcurrently, Backfill, SetNotNull


class Migration(migrations.Migration):
    atomic = False  # each batch and each concurrent index build commits on its own (core/live_schema.py)

    dependencies = [
        ("progress", "0004_province"),
        ("projects", "0008_province_filled"),
    ]

    operations = [
        Backfill(
            "progress_reportversion",
            "province_id",
            "SELECT p.province_id FROM projects_project p WHERE p.id = progress_reportversion.project_id",
        ),
        Backfill(
            "progress_reporttransition",
            "province_id",
            "SELECT p.province_id FROM projects_project p WHERE p.id = progress_reporttransition.project_id",
        ),
        Backfill(
            "progress_reportphoto",
            "province_id",
            "SELECT p.province_id FROM projects_project p WHERE p.id = progress_reportphoto.project_id",
        ),
        Backfill(
            "progress_annualplan",
            "province_id",
            "SELECT p.province_id FROM projects_project p WHERE p.id = progress_annualplan.project_id",
        ),
        SetNotNull(
            model_name="reportversion",
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
            model_name="reporttransition",
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
            model_name="reportphoto",
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
            model_name="annualplan",
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
            model_name="reportversion",
            constraint=models.UniqueConstraint(
                fields=("project", "month", "number", "province"), name="reportversion_unique_number_p"
            ),
        ),
        migrations.RemoveConstraint(model_name="reportversion", name="reportversion_unique_number"),
        AddUniqueConcurrently(
            model_name="reportversion",
            constraint=models.UniqueConstraint(
                condition=models.Q(("state__in", ("draft", "submitted", "returned"))),
                fields=("project", "month", "province"),
                name="reportversion_one_open_p",
            ),
        ),
        migrations.RemoveConstraint(model_name="reportversion", name="reportversion_one_open"),
        AddUniqueConcurrently(
            model_name="reportversion",
            constraint=models.UniqueConstraint(
                condition=models.Q(("counted_until__isnull", True), ("state", "approved")),
                fields=("project", "month", "province"),
                name="reportversion_one_counting_p",
            ),
        ),
        migrations.RemoveConstraint(model_name="reportversion", name="reportversion_one_counting"),
        AddUniqueConcurrently(
            model_name="annualplan",
            constraint=models.UniqueConstraint(
                fields=("project", "year", "province"), name="annualplan_one_per_year_p"
            ),
        ),
        migrations.RemoveConstraint(model_name="annualplan", name="annualplan_one_per_year"),
    ]
