"""Drop the page cache when anything it shows changes through the ORM. The
probe engine's bulk status updates send no signals; it calls
pagecache.invalidate() itself."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from statuspage import pagecache


def _invalidate(**kwargs) -> None:
    pagecache.invalidate()


def connect() -> None:
    from incidents.models import Incident, IncidentUpdate
    from maintenance.models import ScheduledMaintenance
    from monitors.models import Category, Monitor

    for model in (Monitor, Category, Incident, IncidentUpdate, ScheduledMaintenance):
        uid = f"statuspage.page:{model._meta.label}"
        post_save.connect(_invalidate, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(_invalidate, sender=model, dispatch_uid=uid + ":delete")
    for through in (Incident.monitors.through, ScheduledMaintenance.monitors.through):
        m2m_changed.connect(
            _invalidate, sender=through, dispatch_uid=f"statuspage.page:{through._meta.label}"
        )
