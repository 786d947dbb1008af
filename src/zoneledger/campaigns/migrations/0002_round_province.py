import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Rounds belong to a province; the rounds held so far are Shanxi's (140000)."""

    dependencies = [("campaigns", "0001_initial"), ("zones", "0003_zone_province")]

    operations = [
        migrations.AlterModelOptions(
            name="round",
            options={"ordering": ["province", "year", "sequence"], "verbose_name": "round", "verbose_name_plural": "rounds"},
        ),
        migrations.RemoveConstraint(model_name="round", name="round_unique_year_sequence"),
        migrations.AddField(
            model_name="round",
            name="province",
            field=models.ForeignKey(
                default="140000",
                limit_choices_to={"level": "province"},
                on_delete=django.db.models.deletion.PROTECT,
                related_name="rounds",
                to="zones.division",
                verbose_name="province",
            ),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="round",
            constraint=models.UniqueConstraint(
                fields=("province", "year", "sequence"), name="round_unique_province_year_sequence"
            ),
        ),
    ]
