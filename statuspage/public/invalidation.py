"""Admin and API saves reach the pages' one invalidation rule
(core.pagecache.changed) through the ORM's signals, naming the pages they
touch: those showing the monitor, category, incident or window before the
change and after it. The probe engine's bulk updates send no signals and
name their monitors themselves. A page's own settings or layout drop every
page (they also change which page a request resolves to)."""

from collections.abc import Callable
from typing import Any

from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from core import pagecache
from pages import scope


def _monitor(instance: Any, **kwargs: Any) -> None:
    if instance.pk is not None:
        pagecache.changed(pages=scope.pages_showing([instance.pk]))


def _category(instance: Any, **kwargs: Any) -> None:
    pagecache.changed(pages=scope.pages_showing_category(instance.pk))


def _affected(instance: Any, past_days: bool) -> None:
    if instance.pk is not None:
        ids = list(instance.monitors.values_list("pk", flat=True))
        pagecache.changed(pages=scope.pages_of_incident(ids), past_days=past_days)


def _incident(instance: Any, **kwargs: Any) -> None:
    """Incidents also show on past days: in the day bars' tooltips and in
    the past incidents."""
    _affected(instance, past_days=True)


def _incident_update(instance: Any, **kwargs: Any) -> None:
    _affected(instance.incident, past_days=True)


def _maintenance(instance: Any, **kwargs: Any) -> None:
    _affected(instance, past_days=False)


def _links(past_days: bool) -> Any:
    def changed(
        instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
    ) -> None:
        if reverse:  # a monitor's incidents or windows changed
            if action.startswith("post_") or action == "pre_clear":
                pagecache.changed(pages=scope.pages_showing([instance.pk]), past_days=past_days)
            return
        if action in ("pre_clear", "post_add", "post_remove"):
            ids = pk_set if pk_set else instance.monitors.values_list("pk", flat=True)
            pagecache.changed(pages=scope.pages_of_incident(list(ids)), past_days=past_days)
        if action in ("post_add", "post_remove", "post_clear"):  # one with none left
            pagecache.changed(pages=scope.pages_of_incident([]), past_days=past_days)

    return changed


def _everything(**kwargs: Any) -> None:
    pagecache.changed()


Handled = tuple[type[Model], Callable[..., None]]


def connect() -> None:
    from incidents.models import Incident, IncidentUpdate
    from maintenance.models import ScheduledMaintenance
    from monitors.models import Category, Monitor
    from pages.models import PageCategory, PageMonitor, StatusPage

    # Before and after: a monitor or incident moved off a page drops it too.
    before: list[Handled] = [
        (Monitor, _monitor),
        (Category, _category),
        (Incident, _incident),
        (IncidentUpdate, _incident_update),
        (ScheduledMaintenance, _maintenance),
    ]
    pages: list[Handled] = [(m, _everything) for m in (StatusPage, PageCategory, PageMonitor)]
    after = before + pages
    for model, handler in after:
        uid = f"statuspage.public:{model._meta.label}"
        post_save.connect(handler, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(handler, sender=model, dispatch_uid=uid + ":delete")
    for model, handler in before:
        uid = f"statuspage.public:{model._meta.label}"
        pre_save.connect(handler, sender=model, dispatch_uid=uid + ":before-save")
        pre_delete.connect(handler, sender=model, dispatch_uid=uid + ":before-delete")
    for through, past_days in [
        (Incident.monitors.through, True),
        (ScheduledMaintenance.monitors.through, False),
    ]:
        uid = f"statuspage.public:{through._meta.label}"
        m2m_changed.connect(_links(past_days), sender=through, dispatch_uid=uid, weak=False)
