"""Monitors that stay down: announced once the way is clear (a maintenance
window ended, the monitor was switched back on), then again every
``Monitor.resend_every`` seconds (0: never) until they recover."""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.db.models import OuterRef, Subquery

from alerts.issue import AlertSpec, raise_alerts
from alerts.models import Alert, AlertEvent
from alerts.transitions import first_down_alert, seconds_between
from core.enums import Status
from monitors.models import Monitor, StatusEvent


class _StillDown(TypedDict):
    down_event_id: int
    last_alert_id: int | None  # the last announcement of this down, if any
    last_alert_at: datetime  # read only when last_alert_id is set (the same row)


if TYPE_CHECKING:  # WithAnnotations takes its TypedDict only in the checker
    from django_stubs_ext import WithAnnotations

    StillDown = WithAnnotations[Monitor, _StillDown]


def announce_still_down(now: datetime, *, in_maintenance: set[int]) -> list[int]:
    """Raise what monitors still down call for; the ids of the deliveries to send."""
    latest_change = (
        StatusEvent.objects.filter(monitor=OuterRef("pk"), to_status__in=[Status.DOWN, Status.UP])
        .order_by("-at", "-pk")
        .values("pk")[:1]
    )
    last_alert = Alert.objects.filter(
        status_event=OuterRef("down_event_id"), event=AlertEvent.DOWN
    ).order_by("-created_at", "-pk")
    monitors = list(
        Monitor.objects.active()
        .filter(status=Status.DOWN)
        .exclude(pk__in=in_maintenance)
        .annotate(down_event_id=Subquery(latest_change))
        .filter(down_event_id__isnull=False)
        .annotate(
            last_alert_id=Subquery(last_alert.values("pk")[:1]),
            last_alert_at=Subquery(last_alert.values("created_at")[:1]),
        )
    )
    due = [m for m in monitors if _due(m, now)]
    downs = StatusEvent.objects.in_bulk([m.down_event_id for m in due])
    specs = []
    for monitor in due:
        down = downs[monitor.down_event_id]
        if down.to_status != Status.DOWN:
            continue  # its latest change is a recovery the engine has not applied yet
        down.monitor = monitor
        specs.append(_announcement(monitor, down, now))
    return raise_alerts(specs, now)


def _due(monitor: "StillDown", now: datetime) -> bool:
    if monitor.last_alert_id is None:
        return True  # never told: the down happened in a window or while switched off
    every = timedelta(seconds=monitor.resend_every)
    return bool(monitor.resend_every) and now >= monitor.last_alert_at + every


def _announcement(monitor: "StillDown", down: StatusEvent, now: datetime) -> AlertSpec:
    if monitor.last_alert_id is None:
        return first_down_alert(down)
    # Keyed on the alert it follows: two beats deciding the same resend collide.
    return AlertSpec(
        monitor, AlertEvent.DOWN, key=f"down:{down.pk}:after:{monitor.last_alert_id}",
        reason=down.reason, at=down.at, status_event_id=down.pk, is_resend=True,
        down_for_seconds=seconds_between(down.at, now),
    )  # fmt: skip
