"""An approval's uniqueness includes its province (docs/SCALING.md), built without blocking writes."""

from django.db import migrations, models

from zoneledger.core.live_schema import AddUniqueConcurrently


class Migration(migrations.Migration):
    atomic = False  # each batch and each concurrent index build commits on its own (core/live_schema.py)

    dependencies = [
        ("approvals", "0001_initial"),
    ]

    operations = [
        AddUniqueConcurrently(
            model_name="approvalitem",
            constraint=models.UniqueConstraint(
                fields=("project_code", "matter", "province_code"), name="approval_one_per_matter_p"
            ),
        ),
        migrations.RemoveConstraint(model_name="approvalitem", name="approval_one_per_matter"),
    ]
