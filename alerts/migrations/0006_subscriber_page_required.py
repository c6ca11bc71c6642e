"""Every subscriber has its page now: required, and an email address is
subscribed once per page (a person may follow two pages)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("alerts", "0005_subscribers_of_the_default_page")]

    operations = [
        migrations.AlterField(
            model_name="subscriber",
            name="page",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="subscribers",
                to="pages.statuspage",
                verbose_name="status page",
            ),
        ),
        migrations.RemoveConstraint(model_name="subscriber", name="subscriber_email_once"),
        migrations.AddConstraint(
            model_name="subscriber",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "email")),
                fields=("page", "address"),
                name="subscriber_email_once_per_page",
                violation_error_message="This address is subscribed to this page already.",
            ),
        ),
    ]
