"""Hourly rollups per location: the unique key becomes (monitor, hour,
location). Existing rows are kept with location "" (ALL_LOCATIONS: every
location of the monitor together, as they were counted); they age out with
the hourly retention. Plain schema operations, so SQLite and PostgreSQL alike."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("monitors", "0003_heartbeat"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="hourlyrollup", name="hourly_rollup_unique"),
        migrations.AddField(
            model_name="hourlyrollup",
            name="location",
            field=models.CharField(blank=True, default="", max_length=8),
        ),
        migrations.AddConstraint(
            model_name="hourlyrollup",
            constraint=models.UniqueConstraint(
                fields=("monitor", "hour", "location"), name="hourly_rollup_unique"
            ),
        ),
    ]
