"""Notices from saves: a new timeline entry of an incident, a new maintenance
row. Bulk writes send no signals; every writer of these rows saves one by one."""

from typing import Any

from django.db.models.signals import post_save


def _update_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **_: Any) -> None:
    if created and not raw:
        from alerts.subscribers.notices import incident_update_posted

        incident_update_posted(instance)


def _maintenance_saved(
    sender: Any, instance: Any, created: bool, raw: bool = False, **_: Any
) -> None:
    if created and not raw:
        from alerts.subscribers.notices import maintenance_scheduled

        maintenance_scheduled(instance)


def connect() -> None:
    from incidents.models import IncidentUpdate
    from maintenance.models import ScheduledMaintenance

    post_save.connect(_update_saved, sender=IncidentUpdate, dispatch_uid="subscribers:update")
    post_save.connect(
        _maintenance_saved, sender=ScheduledMaintenance, dispatch_uid="subscribers:maintenance"
    )
