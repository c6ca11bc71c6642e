"""The monitor rows api.php shows and counts, and the one rule that counts them.

status, category, categories and stats all read ``active_monitors()`` and all
count with ``Tally.add``, so a monitor listed by one action is counted by the
others: total is every active monitor, up and down count those statuses, and
pending or maintenance monitors are in the total only.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from core.enums import Status
from monitors.models import Category, Monitor
from monitors.models.monitor import MonitorQuerySet
from statuspage.api.bitup import render


def active_monitors() -> MonitorQuerySet[Monitor]:
    return Monitor.objects.active()


def all_categories() -> QuerySet[Category]:
    return Category.objects.order_by("display_order", "name", "id").only("name", "display_order")


def listed_monitors() -> MonitorQuerySet[Monitor]:
    """Active monitors in the order api.php lists them: by category (by
    display_order, those without one last), then by name."""
    return active_monitors().only(*render.MONITOR_COLUMNS).in_display_order()


def with_categories(monitors: Iterable[Monitor], categories: Iterable[Category]) -> list[Monitor]:
    """``monitors`` with their categories set from ``categories`` (read once),
    rather than a copy of a category joined onto each of thousands of rows."""
    by_id = {category.pk: category for category in categories}
    listed = list(monitors)
    for monitor in listed:
        # A category created since ``categories`` was read is loaded on access.
        if monitor.category_id in by_id:
            monitor.category = by_id[monitor.category_id]
    return listed


@dataclass
class Tally:
    total: int = 0
    up: int = 0
    down: int = 0

    def add(self, status: str, count: int = 1) -> None:
        self.total += count
        if status == Status.UP:
            self.up += count
        elif status == Status.DOWN:
            self.down += count

    @classmethod
    def of(cls, statuses: Iterable[str]) -> "Tally":
        tally = cls()
        for status in statuses:
            tally.add(status)
        return tally


def tally_by_category() -> dict[int | None, Tally]:
    """Counts of active monitors per category id (None: no category), one query."""
    tallies: dict[int | None, Tally] = defaultdict(Tally)
    rows = (
        active_monitors()
        .order_by()
        .values_list("category_id", "status")
        .annotate(count=Count("id"))
    )
    for category_id, status, count in rows:
        tallies[category_id].add(status, count)
    return tallies


def monitor_states() -> list[tuple[int, int | None, str]]:
    """(id, category id, status) of every active monitor, one query."""
    return list(active_monitors().order_by().values_list("id", "category_id", "status"))
