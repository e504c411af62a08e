"""The outbox moved to core/ (state only; core renames the table), and the
hotspot alerts' foreign keys point at core's models (same tables)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0100_hotspot_alerts"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="OutboxEntry"),
                migrations.AlterField(
                    model_name="hotspotalert",
                    name="category",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.productcategory",
                        verbose_name="product category",
                    ),
                ),
                migrations.AlterField(
                    model_name="hotspotalert",
                    name="office",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="hotspot_alerts",
                        to="core.office",
                        verbose_name="office",
                    ),
                ),
                migrations.AlterField(
                    model_name="hotspotalert",
                    name="region",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.region",
                        verbose_name="region",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
