import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Chains belong to a province; the chains kept so far are Shanxi's (140000)."""

    dependencies = [("chains", "0002_initial"), ("zones", "0003_zone_province")]

    operations = [
        migrations.AlterModelOptions(
            name="chain",
            options={"ordering": ["province", "name"], "verbose_name": "industry chain", "verbose_name_plural": "industry chains"},
        ),
        migrations.AddField(
            model_name="chain",
            name="province",
            field=models.ForeignKey(
                default="140000",
                limit_choices_to={"level": "province"},
                on_delete=django.db.models.deletion.PROTECT,
                related_name="chains",
                to="zones.division",
                verbose_name="province",
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="chain",
            name="name",
            field=models.CharField(max_length=50, verbose_name="name"),
        ),
        migrations.AddConstraint(
            model_name="chain",
            constraint=models.UniqueConstraint(fields=("province", "name"), name="chain_unique_province_name"),
        ),
    ]
