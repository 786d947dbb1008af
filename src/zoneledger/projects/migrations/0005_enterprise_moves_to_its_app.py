import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """A project's enterprise is the one of the `enterprises` app (enterprises 0001); `projects` forgets the model.

    State only: the column, its foreign key and the table stay as they are.
    """

    dependencies = [
        ("projects", "0004_enterprise_name_as_entered"),
        ("enterprises", "0001_initial"),
        ("chains", "0004_masters_are_enterprises_of_their_app"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="project",
                    name="enterprise",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="projects",
                        to="enterprises.enterprise",
                        verbose_name="enterprise",
                    ),
                ),
                migrations.DeleteModel(name="Enterprise"),
            ],
            database_operations=[],
        ),
    ]
