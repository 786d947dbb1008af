from django.db import migrations, models


class Migration(migrations.Migration):
    """Chain masters point at the enterprise in its own app; the join table and its rows are unchanged."""

    dependencies = [
        ("chains", "0003_chain_province"),
        ("enterprises", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="chain",
                    name="masters",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="chains_led",
                        to="enterprises.enterprise",
                        verbose_name="chain-master enterprises",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
