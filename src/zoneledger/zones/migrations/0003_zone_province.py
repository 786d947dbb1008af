import django.db.models.deletion
from django.db import migrations, models


def load_national_divisions_and_set_provinces(apps, schema_editor):
    """Every GB/T 2260 division (until now only Shanxi's were loaded), then each zone's province from its division."""
    from zoneledger.zones.services import load_divisions

    load_divisions(apps.get_model("zones", "Division"))
    Zone = apps.get_model("zones", "Zone")
    for zone in Zone.objects.all():
        zone.province_id = f"{zone.division_id[:2]}0000"
        zone.save(update_fields=["province"])


class Migration(migrations.Migration):
    dependencies = [("zones", "0002_load_divisions")]

    operations = [
        migrations.AddField(
            model_name="zone",
            name="province",
            field=models.ForeignKey(
                editable=False,
                limit_choices_to={"level": "province"},
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="province_zones",
                to="zones.division",
                verbose_name="province",
            ),
        ),
        migrations.RunPython(load_national_divisions_and_set_provinces, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="zone",
            name="province",
            field=models.ForeignKey(
                editable=False,
                limit_choices_to={"level": "province"},
                on_delete=django.db.models.deletion.PROTECT,
                related_name="province_zones",
                to="zones.division",
                verbose_name="province",
            ),
        ),
    ]
