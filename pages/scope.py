"""What a page shows: its layout (the categories and monitors chosen, in
order, or every monitor), which incidents and maintenance windows belong on
it, and which pages show a given monitor (what a status change drops).

An incident or maintenance window shows on every page that shows one of
its monitors, inactive ones included (an incident may name a paused
monitor); one that names no monitor shows on the default page only, since
nothing says which product or brand it is about."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from django.db.models import Q, QuerySet

from incidents.models import Incident
from maintenance.models import ScheduledMaintenance
from monitors.models import Monitor
from pages.models import PageCategory, PageMonitor, StatusPage

Affecting = TypeVar("Affecting", Incident, ScheduledMaintenance)


class Placed(Protocol):
    """A monitor as a layout places it: a Monitor or a plain row."""

    @property
    def pk(self) -> Any: ...
    @property
    def category_id(self) -> int | None: ...


P = TypeVar("P", bound=Placed)

LAST = 2**31  # after every chosen entry


@dataclass(frozen=True)
class Layout:
    """The page's choice of monitors: every one, or these categories (all
    their monitors) and these monitors, each with its position."""

    everything: bool
    is_default: bool
    categories: dict[int, int] = field(default_factory=dict)  # category id: position
    monitors: dict[int, int] = field(default_factory=dict)  # monitor id: position

    def shows(self, monitor: Placed) -> bool:
        return (
            self.everything
            or monitor.pk in self.monitors
            or (monitor.category_id is not None and monitor.category_id in self.categories)
        )

    def monitor_q(self) -> Q:
        """The page's monitors, as a filter on Monitor (everything: no filter)."""
        if self.everything:
            return Q()
        return Q(category_id__in=list(self.categories)) | Q(pk__in=list(self.monitors))

    def position(self, monitor: Placed) -> int:
        """Where the monitor's entry comes; monitors of one entry keep the display order."""
        if self.everything:
            return 0
        return min(
            self.monitors.get(monitor.pk, LAST),
            self.categories.get(monitor.category_id, LAST) if monitor.category_id else LAST,
        )

    def ordered(self, monitors: Iterable[P]) -> list[P]:
        """``monitors`` (in display order) in the page's order: a stable sort by entry."""
        return sorted((m for m in monitors if self.shows(m)), key=self.position)

    def shows_incident(self, monitors: Collection[Monitor]) -> bool:
        """Whether an incident or window affecting ``monitors`` belongs on the page."""
        if not monitors:
            return self.is_default or self.everything
        return any(self.shows(m) for m in monitors)

    def incident_q(self) -> Q:
        if self.everything:
            return Q()
        q = Q(monitors__category_id__in=list(self.categories)) | Q(monitors__in=list(self.monitors))
        return q | Q(monitors__isnull=True) if self.is_default else q

    def affecting(self, queryset: QuerySet[Affecting]) -> QuerySet[Affecting]:
        """The incidents or maintenance rows of ``queryset`` that belong on
        the page (a subquery, so slicing and ordering stay the caller's)."""
        if self.everything:
            return queryset
        return queryset.filter(pk__in=queryset.filter(self.incident_q()).values("pk"))


def layout_of(page: StatusPage) -> Layout:
    """Two queries (none for a page that shows everything)."""
    if page.shows_everything or page.pk is None:
        return Layout(everything=True, is_default=page.is_default)
    return Layout(
        everything=False,
        is_default=page.is_default,
        categories=dict(
            PageCategory.objects.filter(page=page).values_list("category_id", "position")
        ),
        monitors=dict(PageMonitor.objects.filter(page=page).values_list("monitor_id", "position")),
    )


def pages_showing(monitor_ids: Collection[int]) -> set[int]:
    """The ids of the pages that show any of these monitors (one query)."""
    categories = Monitor.objects.filter(pk__in=list(monitor_ids), category__isnull=False)
    found = StatusPage.objects.filter(
        Q(shows_everything=True)
        | Q(page_monitors__monitor_id__in=list(monitor_ids))
        | Q(page_categories__category_id__in=categories.values("category_id"))
    )
    return set(found.values_list("pk", flat=True).distinct())


def pages_showing_category(category_id: int) -> set[int]:
    """The pages whose headings or rows show the category (one query)."""
    found = StatusPage.objects.filter(
        Q(shows_everything=True)
        | Q(page_categories__category_id=category_id)
        | Q(page_monitors__monitor__category_id=category_id)
    )
    return set(found.values_list("pk", flat=True).distinct())


def pages_of_incident(monitor_ids: Collection[int]) -> set[int]:
    """The pages an incident or window on these monitors shows on (one query)."""
    if monitor_ids:
        return pages_showing(monitor_ids)
    found = StatusPage.objects.filter(Q(shows_everything=True) | Q(is_default=True))
    return set(found.values_list("pk", flat=True))
