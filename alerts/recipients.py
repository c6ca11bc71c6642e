"""Who gets an alert: the one rule, loaded once for a whole batch of alerts."""

from collections import defaultdict

from alerts.models import NotificationChannel
from monitors.models import Monitor

_ChosenMonitor = NotificationChannel.monitors.through
_ChosenCategory = NotificationChannel.categories.through


class Audience:
    """The active channels and what each chose. A channel hears about the
    monitors it chose and those of the categories it chose; one that chose
    nothing hears about every monitor."""

    def __init__(self) -> None:
        active = set(
            NotificationChannel.objects.filter(is_active=True).values_list("pk", flat=True)
        )
        self._by_monitor: dict[int, set[int]] = defaultdict(set)
        # Looked up by a monitor's category_id: None, for one without, finds nothing.
        self._by_category: dict[int | None, set[int]] = defaultdict(set)
        chose = set()
        monitor_links = _ChosenMonitor.objects.filter(notificationchannel__in=active)
        for channel, monitor in monitor_links.values_list("notificationchannel", "monitor"):
            self._by_monitor[monitor].add(channel)
            chose.add(channel)
        category_links = _ChosenCategory.objects.filter(notificationchannel__in=active)
        for channel, category in category_links.values_list("notificationchannel", "category"):
            self._by_category[category].add(channel)
            chose.add(channel)
        self._everyone = active - chose

    def channel_ids(self, monitor: Monitor) -> set[int]:
        """The ids of the channels that hear about ``monitor``."""
        return (
            self._everyone
            | self._by_monitor.get(monitor.pk, set())
            | self._by_category.get(monitor.category_id, set())
        )
