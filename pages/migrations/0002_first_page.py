"""The first page, from today's settings: the one page the install had,
showing every monitor at /, so existing addresses keep working."""

from django.conf import settings
from django.db import migrations


def create_first_page(apps, schema_editor):
    StatusPage = apps.get_model("pages", "StatusPage")
    if not StatusPage.objects.filter(is_default=True).exists():
        StatusPage.objects.create(
            title=settings.SITE_NAME, slug="status", is_default=True, shows_everything=True
        )


class Migration(migrations.Migration):
    dependencies = [("pages", "0001_initial")]

    operations = [migrations.RunPython(create_first_page, migrations.RunPython.noop)]
