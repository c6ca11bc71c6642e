"""Reading the probe engine's status changes, each exactly once.

Event ids come from a sequence but transactions commit out of order: a plain
"id > cursor" could step over an event that commits late. Above the cursor,
HandledEvent rows remember what was already read; the cursor only moves past
events first read more than SETTLE ago, because an event with a smaller id
that is still uncommitted by then would belong to a transaction open longer
than any task's time limit. One beat at a time reads (the cursor
row is locked; SQLite's IMMEDIATE transactions serialise writers anyway), and
a second run that reads the same event again would collide on the alert's key.
"""

import time
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from alerts.issue import raise_alerts
from alerts.models import EventCursor, HandledEvent
from alerts.subscribers.notices import component_changes
from alerts.transitions import alerts_for_changes
from maintenance.windows import monitors_in_maintenance
from monitors.models import StatusEvent

BATCH = 500
SETTLE = timedelta(minutes=10)


def process_backlog(budget: float) -> Iterator[list[int]]:
    """process_new_events again while it reads full batches, for up to
    ``budget`` seconds: an import's thousands of first checks must not hold
    a real outage's alert back for minutes. Yields each batch's deliveries,
    committed, so they can be sent before the next batch is read."""
    started = time.monotonic()
    while True:
        deliveries, full = _process_batch(timezone.now())
        yield deliveries
        if not full or time.monotonic() - started > budget:
            return


def process_new_events(now: datetime | None = None) -> list[int]:
    """Raise the alerts that new status changes call for; the ids of the
    deliveries to send (committed when this returns)."""
    return _process_batch(now or timezone.now())[0]


def _process_batch(now: datetime) -> tuple[list[int], bool]:
    """process_new_events' deliveries, and whether it read a full batch."""
    EventCursor.objects.get_or_create(pk=1)
    with transaction.atomic():
        cursor = EventCursor.objects.select_for_update(skip_locked=True).filter(pk=1).first()
        if cursor is None:
            return [], False  # another beat is reading
        low = cursor.last_event_id
        handled = HandledEvent.objects.filter(event_id__gt=low).values("event_id")
        events = list(
            StatusEvent.objects.filter(pk__gt=low)
            .exclude(pk__in=handled)
            .select_related("monitor")
            .order_by("pk")[:BATCH]
        )
        deliveries: list[int] = []
        if events:
            specs = alerts_for_changes(events, in_maintenance=monitors_in_maintenance(now))
            deliveries = raise_alerts(specs, now)
            component_changes(events)  # the subscribers' notices, once each as well
            HandledEvent.objects.bulk_create(
                [HandledEvent(event_id=e.pk, seen_at=now) for e in events], ignore_conflicts=True
            )
        if len(events) < BATCH:  # caught up: every committed event above low is handled
            _advance(cursor, now - SETTLE)
    return deliveries, len(events) == BATCH


def _advance(cursor: EventCursor, settled_before: datetime) -> None:
    settled = HandledEvent.objects.filter(
        event_id__gt=cursor.last_event_id, seen_at__lt=settled_before
    ).aggregate(last=Max("event_id"))["last"]
    if settled is None:
        return
    cursor.last_event_id = settled
    cursor.save(update_fields=["last_event_id"])
    HandledEvent.objects.filter(event_id__lte=settled).delete()
