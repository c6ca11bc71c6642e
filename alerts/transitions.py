"""Which alert a status change brings, if any: the transition rules."""

from datetime import datetime

from alerts.issue import raise_alert
from alerts.models import Alert, AlertEvent
from monitors.models import StatusEvent
from statuspage.enums import Status


def alert_on_change(event: StatusEvent, *, in_maintenance: set[int], now: datetime) -> list[int]:
    """Raise the alert that ``event`` calls for; the ids of the deliveries to send.

    - to ``down`` (the engine only gets there after the monitor's retries, or
      when a maintenance window ends with the monitor down): "down";
    - to ``up`` after a down that staff were told of: "up", with how long it
      lasted; ``pending`` → ``up`` and recoveries nobody heard about stay quiet;
    - nothing for an inactive monitor or one in a maintenance window now (a
      monitor still down when its window ends is announced by resend.py).
    """
    monitor = event.monitor
    if not monitor.is_active or monitor.pk in in_maintenance:
        return []
    if event.to_status == Status.DOWN:
        return raise_alert(
            monitor, AlertEvent.DOWN, key=down_key(event), reason=event.reason, at=event.at,
            now=now, status_event=event,
        )  # fmt: skip
    if event.to_status == Status.UP:
        down = down_before(event)
        if down is None or not was_announced(down):
            return []
        return raise_alert(
            monitor, AlertEvent.UP, key=f"up:{event.pk}", reason=event.reason, at=event.at,
            now=now, status_event=event, down_for_seconds=seconds_between(down.at, event.at),
        )  # fmt: skip
    return []


def down_key(down: StatusEvent) -> str:
    """The key of the first announcement of a down event, whoever makes it."""
    return f"down:{down.pk}"


def down_before(event: StatusEvent) -> StatusEvent | None:
    """The down event that ``event`` ends, if the last up/down before it was a down."""
    previous = (
        StatusEvent.objects.filter(monitor=event.monitor_id, to_status__in=[Status.DOWN, Status.UP])
        .filter(at__lte=event.at)
        .exclude(pk=event.pk)
        .order_by("-at", "-pk")
        .first()
    )
    return previous if previous is not None and previous.to_status == Status.DOWN else None


def was_announced(down: StatusEvent) -> bool:
    return Alert.objects.filter(status_event=down, event=AlertEvent.DOWN).exists()


def seconds_between(start: datetime, end: datetime) -> int:
    return max(0, round((end - start).total_seconds()))
