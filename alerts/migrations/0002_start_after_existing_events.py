from django.db import migrations
from django.db.models import Max


def start_after_existing_events(apps, schema_editor):
    # Installing alerts on a database with history must not alert on old changes;
    # monitors that are down now are still announced by the scan.
    StatusEvent = apps.get_model("monitors", "StatusEvent")
    EventCursor = apps.get_model("alerts", "EventCursor")
    last = StatusEvent.objects.aggregate(last=Max("pk"))["last"] or 0
    EventCursor.objects.update_or_create(pk=1, defaults={"last_event_id": last})


class Migration(migrations.Migration):
    dependencies = [("alerts", "0001_initial"), ("monitors", "0001_initial")]

    operations = [migrations.RunPython(start_after_existing_events, migrations.RunPython.noop)]
