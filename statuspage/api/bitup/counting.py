"""The monitor rows api.php shows and counts, and the one rule that counts them.

status, category, categories and stats all read ``active_monitors()`` and all
count with ``Tally.add``, so a monitor listed by one action is counted by the
others: total is every active monitor, up and down count those statuses, and
pending or maintenance monitors are in the total only.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, QuerySet

from core.enums import Status
from monitors.models import Category, Monitor
from monitors.models.monitor import MonitorQuerySet


def active_monitors() -> MonitorQuerySet[Monitor]:
    return Monitor.objects.active()


def all_categories() -> QuerySet[Category]:
    return Category.objects.order_by("display_order", "name", "id").only("name", "display_order")


@dataclass(slots=True)
class Listed:
    """A monitor as api.php lists it, read as a plain row: building 10,000
    model instances cost more than the rest of action=status together."""

    pk: int
    name: str
    protocol: str
    target: str
    port: int | None
    status: str
    last_check: datetime | None
    is_active: bool
    category_id: int | None
    category: Category | None = None


LISTED_COLUMNS = (
    "id", "name", "protocol", "target", "port", "status", "last_check", "is_active", "category_id",
)  # fmt: skip


def listed_monitors(category: Category | None = None) -> list[Listed]:
    """Active monitors (of ``category``, if given) in the order api.php lists
    them: by category (by display_order, those without one last), then by name."""
    queryset = (
        active_monitors() if category is None else active_monitors().filter(category=category)
    )
    return [Listed(*row) for row in queryset.in_display_order().values_list(*LISTED_COLUMNS)]


def with_categories(monitors: list[Listed], categories: Iterable[Category]) -> list[Listed]:
    """``monitors`` with their categories set from ``categories`` (read once),
    rather than a copy of a category joined onto each of thousands of rows.
    A category created since ``categories`` was read is read too (one query)."""
    by_id = {category.pk: category for category in categories}
    missing = {m.category_id for m in monitors if m.category_id and m.category_id not in by_id}
    if missing:
        by_id |= {c.pk: c for c in Category.objects.filter(pk__in=missing)}
    for monitor in monitors:
        if monitor.category_id is not None:
            monitor.category = by_id.get(monitor.category_id)
    return monitors


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
