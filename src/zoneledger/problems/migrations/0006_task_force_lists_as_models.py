"""The task forces' two lists become models of their own over the same tables (no change in the database), so that
their rows can carry the province (docs/SCALING.md)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("problems", "0005_province_filled"),
        ("projects", "0008_province_filled"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="TaskForceMember",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("taskforce", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="problems.taskforce")),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
                    ],
                    options={"db_table": "problems_taskforce_members", "unique_together": {("taskforce", "user")}},
                ),
                migrations.AlterField(
                    model_name="taskforce",
                    name="members",
                    field=models.ManyToManyField(blank=True, related_name="+", through="problems.TaskForceMember", to=settings.AUTH_USER_MODEL, verbose_name="members"),
                ),
                migrations.CreateModel(
                    name="TaskForceProject",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("taskforce", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="problems.taskforce")),
                        ("project", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="projects.project")),
                    ],
                    options={"db_table": "problems_taskforce_projects", "unique_together": {("taskforce", "project")}},
                ),
                migrations.AlterField(
                    model_name="taskforce",
                    name="projects",
                    field=models.ManyToManyField(blank=True, related_name="task_forces", through="problems.TaskForceProject", to="projects.project", verbose_name="projects"),
                ),
            ],
        ),
        migrations.AddField(
            model_name="taskforcemember",
            name="province",
            field=models.ForeignKey(db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="zones.division", verbose_name="province"),
        ),
        migrations.AddField(
            model_name="taskforceproject",
            name="province",
            field=models.ForeignKey(db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="zones.division", verbose_name="province"),
        ),
    ]
