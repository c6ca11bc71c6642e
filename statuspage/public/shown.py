"""The monitors a page shows, read as plain rows, and when they were last
checked, summed up in SQL: on a page of 10,000 monitors, building model
instances and converting two timestamps a monitor was most of its time."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Max, Min, Q, QuerySet

from monitors.models import Category, Monitor
from pages.scope import Layout

# What the page shows of a monitor; the API v2 also gives its times.
PAGE_FIELDS = (
    "id", "name", "status", "category_id", "frequency",
    "last_response_ms",  # shown by pages with show_response_times
)  # fmt: skip
API_FIELDS = (*PAGE_FIELDS, "created_at", "status_changed_at", "updated_at")
CATEGORY_FIELDS = ("id", "name", "display_order")
EVERYTHING = Layout(everything=True, is_default=True)


@dataclass(frozen=True, slots=True)
class Shown:
    """A monitor as a page or the API v2 shows it. Its fields are API_FIELDS
    in order; those not loaded (PAGE_FIELDS only) are None."""

    pk: int
    name: str
    status: str
    category_id: int | None
    frequency: int
    last_response_ms: int | None
    created_at: datetime | None = None
    status_changed_at: datetime | None = None
    updated_at: datetime | None = None
    category: Category | None = None


@dataclass(frozen=True, slots=True)
class Checked:
    """What the freshness of the monitors shown rests on (statuspage/page/freshness.py)."""

    newest: datetime | None  # their newest check; None: none checked yet
    first_created: datetime | None  # None: no monitor shown
    shortest_interval: int | None


NOTHING_CHECKED = Checked(None, None, None)  # no monitor shown


def shown_queryset(layout: Layout = EVERYTHING, within: Q | None = None) -> QuerySet[Monitor]:
    """A page's active monitors (``within``: only these) in display order:
    categories by display order, then no category (``layout.ordered`` puts
    them in the page's)."""
    shown = Monitor.objects.active().filter(layout.monitor_q()).in_display_order()
    return shown.filter(within) if within is not None else shown


def shown_monitors(
    monitors: QuerySet[Monitor], fields: tuple[str, ...], layout: Layout
) -> list[Shown]:
    """``monitors`` in the page's order, with their categories (two queries)."""
    if fields not in (PAGE_FIELDS, API_FIELDS):
        raise ValueError("fields: PAGE_FIELDS or API_FIELDS")
    rows = list(monitors.values_list(*fields))
    wanted = {row[3] for row in rows if row[3] is not None}
    categories = Category.objects.only(*CATEGORY_FIELDS).in_bulk(wanted) if wanted else {}
    missing = (None,) * (len(API_FIELDS) - len(fields))  # then the category
    values: list[list[Any]] = [[*row, *missing, categories.get(row[3])] for row in rows]
    return layout.ordered([Shown(*row) for row in values])


def checked(monitors: QuerySet[Monitor]) -> Checked:
    """When ``monitors`` were last checked (one query)."""
    sums = monitors.order_by().aggregate(
        newest=Max("last_check"), first=Min("created_at"), shortest=Min("frequency")
    )
    return Checked(sums["newest"], sums["first"], sums["shortest"])
