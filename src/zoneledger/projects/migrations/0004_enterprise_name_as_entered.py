from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def names_as_they_were(apps, schema_editor):
    """Each project keeps the name it showed until now: its enterprise's."""
    Project = apps.get_model("projects", "Project")
    Enterprise = apps.get_model("projects", "Enterprise")
    Project.objects.filter(enterprise__isnull=False).update(
        enterprise_name=Subquery(Enterprise.objects.filter(pk=OuterRef("enterprise_id")).values("name")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0003_code_taken_names_nothing"),
    ]

    operations = [
        migrations.AddField(
            model_name="project",
            name="enterprise_name",
            field=models.CharField(blank=True, max_length=200, verbose_name="enterprise (建设单位)"),
        ),
        migrations.RunPython(names_as_they_were, migrations.RunPython.noop),
    ]
