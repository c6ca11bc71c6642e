"""Drop the page cache when anything it shows changes through the ORM. The
probe engine's bulk status updates send no signals; it calls
pagecache.invalidate() itself."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from statuspage import pagecache
from statuspage.page.cache import incident_generation


def _invalidate(**kwargs) -> None:
    pagecache.invalidate()


def _invalidate_with_past_days(**kwargs) -> None:
    """Incidents also show on past days: in the day bars' tooltips and in the
    past incidents."""
    pagecache.invalidate()
    incident_generation.bump()


def connect() -> None:
    from incidents.models import Incident, IncidentUpdate
    from maintenance.models import ScheduledMaintenance
    from monitors.models import Category, Monitor

    handlers = [
        (Monitor, _invalidate),
        (Category, _invalidate),
        (Incident, _invalidate_with_past_days),
        (IncidentUpdate, _invalidate_with_past_days),
        (ScheduledMaintenance, _invalidate),
    ]
    for model, handler in handlers:
        uid = f"statuspage.page:{model._meta.label}"
        post_save.connect(handler, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(handler, sender=model, dispatch_uid=uid + ":delete")
    for through, handler in [
        (Incident.monitors.through, _invalidate_with_past_days),
        (ScheduledMaintenance.monitors.through, _invalidate),
    ]:
        uid = f"statuspage.page:{through._meta.label}"
        m2m_changed.connect(handler, sender=through, dispatch_uid=uid)
