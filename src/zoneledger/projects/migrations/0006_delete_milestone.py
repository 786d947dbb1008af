# projects.Milestone moved to the milestones app (issue 16): its rows were copied by milestones 0002.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0005_enterprise_moves_to_its_app'),
        ('milestones', '0002_copy_old_milestones_and_seed_template'),
    ]

    operations = [
        migrations.DeleteModel(
            name='Milestone',
        ),
    ]
