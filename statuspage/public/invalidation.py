"""Admin and API saves reach the page's one invalidation rule
(core.pagecache.changed) through the ORM's signals; the probe engine's bulk
updates send none and call it themselves."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from core import pagecache


def _changed(**kwargs: object) -> None:
    pagecache.changed()


def _changed_with_past_days(**kwargs: object) -> None:
    """Incidents also show on past days: in the day bars' tooltips and in the
    past incidents."""
    pagecache.changed(past_days=True)


def connect() -> None:
    from incidents.models import Incident, IncidentUpdate
    from maintenance.models import ScheduledMaintenance
    from monitors.models import Category, Monitor

    handlers = [
        (Monitor, _changed),
        (Category, _changed),
        (Incident, _changed_with_past_days),
        (IncidentUpdate, _changed_with_past_days),
        (ScheduledMaintenance, _changed),
    ]
    for model, handler in handlers:
        uid = f"statuspage.public:{model._meta.label}"
        post_save.connect(handler, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(handler, sender=model, dispatch_uid=uid + ":delete")
    for through, handler in [
        (Incident.monitors.through, _changed_with_past_days),
        (ScheduledMaintenance.monitors.through, _changed),
    ]:
        uid = f"statuspage.public:{through._meta.label}"
        m2m_changed.connect(handler, sender=through, dispatch_uid=uid)
