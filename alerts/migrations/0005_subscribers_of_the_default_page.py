"""Every subscriber so far subscribed to the one page the install had: the
default page. Should it have been deleted, it is made again as pages/0002
makes it (only when there are subscribers to give it)."""

from django.conf import settings
from django.db import migrations


def _default_page(StatusPage):
    page = StatusPage.objects.filter(is_default=True).first()
    if page is not None:
        return page
    slug, n = "status", 1
    while StatusPage.objects.filter(slug=slug).exists():  # a page may have taken it
        n += 1
        slug = f"status-{n}"
    return StatusPage.objects.create(
        title=settings.SITE_NAME, slug=slug, is_default=True, shows_everything=True
    )


def fill(apps, schema_editor):
    Subscriber = apps.get_model("alerts", "Subscriber")
    StatusPage = apps.get_model("pages", "StatusPage")
    orphans = Subscriber.objects.filter(page__isnull=True)
    if orphans.exists():
        orphans.update(page=_default_page(StatusPage))


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0004_subscriber_page"),
        ("pages", "0002_first_page"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
