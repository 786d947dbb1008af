"""Rows of zone data carry their province (docs/SCALING.md): the column, nullable while it is filled."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("milestones", "0002_copy_old_milestones_and_seed_template"),
        ("zones", "0003_zone_province"),
    ]

    operations = [
        migrations.AddField(
            model_name="milestone",
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
            model_name="milestonemove",
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
