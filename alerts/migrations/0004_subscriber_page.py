"""Subscribers belong to a status page (issue 20): the column, empty at
first; 0005 fills it with the default page, 0006 makes it required."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0003_subscribers"),
        ("pages", "0002_first_page"),
    ]

    operations = [
        migrations.AddField(
            model_name="subscriber",
            name="page",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="subscribers",
                to="pages.statuspage",
                verbose_name="status page",
            ),
        ),
    ]
