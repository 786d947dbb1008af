"""A record's hash is unique within its province's chain (docs/SCALING.md), built without blocking writes."""

from django.db import migrations, models

from zoneledger.core.live_schema import AddUniqueConcurrently


class Migration(migrations.Migration):
    atomic = False  # each batch and each concurrent index build commits on its own (core/live_schema.py)
    national_size_safe = (
        "The AlterField only drops record_hash's one-column unique constraint and its index (a catalogue change"
        " under a brief lock, whatever the table's size); the unique index that replaces it was built concurrently"
        " just before (tests/test_migrations_live.py)."
    )

    dependencies = [
        ("audit", "0002_chains_per_province"),
    ]

    operations = [
        AddUniqueConcurrently(
            model_name="auditrecord",
            constraint=models.UniqueConstraint(fields=("province", "record_hash"), name="audit_one_record_per_hash"),
        ),
        migrations.AlterField(model_name="auditrecord", name="record_hash", field=models.CharField(max_length=64)),
    ]
