"""Rows of zone data carry their province (docs/SCALING.md): the column, nullable while it is filled."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0003_report_photos"),
        ("zones", "0003_zone_province"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportversion",
            name="province",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="zones.division",
                verbose_name="province",
            ),
        ),
        migrations.AddField(
            model_name="reporttransition",
            name="province",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="zones.division",
                verbose_name="province",
            ),
        ),
        migrations.AddField(
            model_name="reportphoto",
            name="province",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="zones.division",
                verbose_name="province",
            ),
        ),
        migrations.AddField(
            model_name="annualplan",
            name="province",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="zones.division",
                verbose_name="province",
            ),
        ),
    ]
