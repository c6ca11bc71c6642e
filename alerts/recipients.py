"""Who gets an alert: the one rule."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from alerts.models import NotificationChannel
from monitors.models import Monitor

_ChosenMonitor = NotificationChannel.monitors.through
_ChosenCategory = NotificationChannel.categories.through


def channels_for(monitor: Monitor) -> QuerySet[NotificationChannel]:
    """The active channels that hear about ``monitor``: those that chose it, or
    its category, and those that chose nothing (they hear about every monitor)."""
    chosen = _ChosenMonitor.objects.filter(notificationchannel=OuterRef("pk"))
    categories = _ChosenCategory.objects.filter(notificationchannel=OuterRef("pk"))
    applies = (~Exists(chosen) & ~Exists(categories)) | Exists(chosen.filter(monitor=monitor.pk))
    if monitor.category_id is not None:
        applies |= Exists(categories.filter(category=monitor.category_id))
    return NotificationChannel.objects.filter(Q(is_active=True) & applies)
