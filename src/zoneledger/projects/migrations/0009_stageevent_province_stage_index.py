"""A province's stage events by stage and date (the weekly pack, 签约未开工), built without blocking writes."""

from django.db import migrations, models

from zoneledger.core.live_schema import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction (core/live_schema.py)

    dependencies = [
        ("projects", "0008_province_filled"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="stageevent",
            index=models.Index(fields=["province", "stage", "happened_on"], name="projects_st_provinc_01722f_idx"),
        ),
    ]
