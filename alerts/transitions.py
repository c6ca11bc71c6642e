"""Which alerts status changes bring: the transition rules."""

from collections.abc import Sequence
from datetime import datetime

from django.db.models import OuterRef, Q, Subquery

from alerts.issue import AlertSpec
from alerts.models import Alert, AlertEvent
from core.enums import Status
from monitors.models import StatusEvent

_CHANGES = [Status.DOWN, Status.UP]


def alerts_for_changes(
    events: Sequence[StatusEvent], *, in_maintenance: set[int]
) -> list[AlertSpec]:
    """The alerts that ``events`` (in the order they happened) call for:

    - to ``down`` (the engine only gets there after the monitor's retries, or
      when a maintenance window ends with the monitor down): "down";
    - to ``up`` ending a down that staff were told of: "up", with how long it
      lasted; ``pending`` → ``up`` and recoveries nobody heard about stay quiet;
    - nothing for an inactive monitor or one in a maintenance window now (a
      monitor still down when its window ends is announced by resend.py).
    """
    heard = [e for e in events if e.monitor.is_active and e.monitor_id not in in_maintenance]
    previous = _previous_changes([e for e in heard if e.to_status == Status.UP])
    announced = set(
        Alert.objects.filter(
            status_event__in=[p.pk for p in previous.values()], event=AlertEvent.DOWN
        )
        .order_by()
        .values_list("status_event", flat=True)
    )
    specs = []
    for event in heard:
        if event.to_status == Status.DOWN:
            specs.append(first_down_alert(event))
            announced.add(event.pk)
        elif event.to_status == Status.UP:
            down = previous.get(event.pk)
            if down is not None and down.to_status == Status.DOWN and down.pk in announced:
                specs.append(
                    AlertSpec(
                        event.monitor,
                        AlertEvent.UP,
                        key=f"up:{event.pk}",
                        reason=event.reason,
                        at=event.at,
                        status_event_id=event.pk,
                        down_for_seconds=seconds_between(down.at, event.at),
                    )  # fmt: skip
                )
    return specs


def first_down_alert(down: StatusEvent) -> AlertSpec:
    """The first announcement of a down event, whoever decides it (the event
    reader, or the scan once a window is over): the same key either way."""
    return AlertSpec(
        down.monitor, AlertEvent.DOWN, key=f"down:{down.pk}", reason=down.reason, at=down.at,
        status_event_id=down.pk,
    )  # fmt: skip


def _previous_changes(events: list[StatusEvent]) -> dict[int, StatusEvent]:
    """For each event, the up or down change of its monitor just before it."""
    if not events:
        return {}
    before = (
        StatusEvent.objects.filter(monitor=OuterRef("monitor"), to_status__in=_CHANGES)
        .filter(Q(at__lt=OuterRef("at")) | Q(at=OuterRef("at"), pk__lt=OuterRef("pk")))
        .order_by("-at", "-pk")
        .values("pk")[:1]
    )
    pairs = dict(
        StatusEvent.objects.filter(pk__in=[e.pk for e in events])
        .annotate(previous=Subquery(before))
        .values_list("pk", "previous")
    )
    found = StatusEvent.objects.in_bulk([pk for pk in pairs.values() if pk])
    return {pk: found[previous] for pk, previous in pairs.items() if previous}


def seconds_between(start: datetime, end: datetime) -> int:
    return max(0, round((end - start).total_seconds()))
