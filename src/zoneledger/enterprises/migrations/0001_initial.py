import django.db.models.deletion
from django.db import migrations, models

import zoneledger.core.codes


def content_type_follows(apps, schema_editor):
    """Permissions and admin history on enterprises keep pointing at them: their content type changes app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="enterprises", model="enterprise").exists():
        ContentType.objects.filter(app_label="projects", model="enterprise").update(app_label="enterprises")


def content_type_goes_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="enterprises", model="enterprise").update(app_label="projects")


class Migration(migrations.Migration):
    """The enterprise leaves `projects` for an app of its own below `chains` and `projects`, which both refer to it.

    Only Django's record of the model moves: the table (`projects_enterprise`) and its rows stay as they are.
    `projects` 0005 and `chains` 0004 let go of their side of it afterwards.
    """

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("projects", "0004_enterprise_name_as_entered"),
        ("zones", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Enterprise",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("name", models.CharField(max_length=200, verbose_name="name")),
                        (
                            "uscc",
                            models.CharField(
                                blank=True,
                                max_length=18,
                                null=True,
                                unique=True,
                                validators=[zoneledger.core.codes.validate_uscc],
                                verbose_name="unified social credit code",
                            ),
                        ),
                        (
                            "division",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                to="zones.division",
                                verbose_name="division",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "enterprise",
                        "verbose_name_plural": "enterprises",
                        "db_table": "projects_enterprise",
                        "ordering": ["name"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_follows, content_type_goes_back),
    ]
