"""The one question other apps ask maintenance: which monitors are in a window now?"""

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from maintenance.models import ScheduledMaintenance


def _open_or_upcoming(now: datetime) -> QuerySet[ScheduledMaintenance]:
    return ScheduledMaintenance.objects.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))


def active_windows(now: datetime | None = None) -> list[ScheduledMaintenance]:
    """The maintenance rows with a window open at ``now``, monitors prefetched."""
    now = now or timezone.now()
    rows = _open_or_upcoming(now).filter(starts_at__lte=now).prefetch_related("monitors")
    return [row for row in rows if row.window_at(now)]


def monitors_in_maintenance(now: datetime | None = None) -> set[int]:
    """Ids of the monitors that an open maintenance window covers at ``now``."""
    return {m.pk for row in active_windows(now) for m in row.monitors.all()}


def upcoming_windows(now: datetime | None = None) -> QuerySet[ScheduledMaintenance]:
    """Rows with a window open now or still to come (for the page)."""
    return _open_or_upcoming(now or timezone.now()).prefetch_related("monitors")
