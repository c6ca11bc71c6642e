"""Monitors that stay down: announced once the way is clear (a maintenance
window ended, the monitor was switched back on), then again every
``Monitor.resend_every`` seconds (0: never) until they recover."""

from datetime import datetime, timedelta

from django.db.models import OuterRef, Subquery

from alerts.issue import raise_alert
from alerts.models import Alert, AlertEvent
from alerts.transitions import down_key, seconds_between
from monitors.models import Monitor, StatusEvent
from statuspage.enums import Status


def announce_still_down(now: datetime, *, in_maintenance: set[int]) -> list[int]:
    """Raise what monitors still down call for; the ids of the deliveries to send."""
    latest_change = (
        StatusEvent.objects.filter(monitor=OuterRef("pk"), to_status__in=[Status.DOWN, Status.UP])
        .order_by("-at", "-pk")
        .values("pk")[:1]
    )
    monitors = list(
        Monitor.objects.active()
        .filter(status=Status.DOWN)
        .exclude(pk__in=in_maintenance)
        .annotate(down_event_id=Subquery(latest_change))
        .filter(down_event_id__isnull=False)
    )
    downs = StatusEvent.objects.in_bulk([m.down_event_id for m in monitors])
    last_alerts = _last_down_alerts(list(downs))
    deliveries: list[int] = []
    for monitor in monitors:
        down = downs[monitor.down_event_id]
        if down.to_status != Status.DOWN:
            continue  # the engine has not written the change yet
        deliveries += _announce(monitor, down, last_alerts.get(down.pk), now)
    return deliveries


def _announce(monitor: Monitor, down: StatusEvent, last: Alert | None, now: datetime) -> list[int]:
    if last is None:  # never told: the down happened in a window or while switched off
        return raise_alert(
            monitor, AlertEvent.DOWN, key=down_key(down), reason=down.reason, at=down.at,
            now=now, status_event=down,
        )  # fmt: skip
    if not monitor.resend_every or now < last.created_at + timedelta(seconds=monitor.resend_every):
        return []
    # Keyed on the alert it follows: two beats deciding the same resend collide.
    return raise_alert(
        monitor, AlertEvent.DOWN, key=f"down:{down.pk}:after:{last.pk}", reason=down.reason,
        at=down.at, now=now, status_event=down, is_resend=True,
        down_for_seconds=seconds_between(down.at, now),
    )  # fmt: skip


def _last_down_alerts(down_ids: list[int]) -> dict[int, Alert]:
    """The newest alert about each down event."""
    last: dict[int, Alert] = {}
    alerts = Alert.objects.filter(status_event__in=down_ids, event=AlertEvent.DOWN)
    for alert in alerts.order_by("created_at", "pk"):
        last[alert.status_event_id] = alert
    return last
