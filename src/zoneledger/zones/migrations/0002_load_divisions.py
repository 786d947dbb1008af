from django.db import migrations


def load(apps, schema_editor):
    from zoneledger.zones.services import load_divisions

    load_divisions(apps.get_model("zones", "Division"))


class Migration(migrations.Migration):
    dependencies = [("zones", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
