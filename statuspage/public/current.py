"""The page's current state, loaded in a fixed number of queries whatever the
number of monitors, categories, incidents and maintenance windows: the active
monitors, the open incidents shown on the page, the maintenance windows open
now or still to come, each monitor's state and the banner."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from core.enums import IncidentStatus
from incidents.models import Incident
from maintenance.models import ScheduledMaintenance
from maintenance.windows import upcoming_windows
from monitors.models import Category, Monitor
from pages.scope import Layout
from statuspage.public.shown import (
    API_FIELDS,
    EVERYTHING,
    NOTHING_CHECKED,
    Checked,
    Shown,
    checked,
    shown_monitors,
    shown_queryset,
)  # fmt: skip
from statuspage.public.states import ComponentState, Overall, component_state, overall_state, worst


def incidents_with_timeline(queryset: QuerySet[Incident]) -> QuerySet[Incident]:
    """Incidents with their updates and affected monitors (two more queries)."""
    return queryset.prefetch_related(
        "updates", Prefetch("monitors", queryset=Monitor.objects.only(*API_FIELDS))
    )


@dataclass(frozen=True)
class Window:
    """A maintenance row's occurrence that is open now or comes next."""

    maintenance: ScheduledMaintenance
    starts_at: datetime
    ends_at: datetime
    in_progress: bool

    @property
    def monitors(self) -> list[Monitor]:
        return sorted(self.maintenance.monitors.all(), key=lambda m: (m.name, m.pk))


def maintenance_windows(now: datetime, layout: Layout = EVERYTHING) -> list[Window]:
    """A page's windows open now and the next occurrence of every row still
    to come (two queries)."""
    windows = []
    for row in upcoming_windows(now):
        window = row.next_window(now)
        if window and layout.shows_incident(row.monitors.all()):
            windows.append(Window(row, window[0], window[1], window[0] <= now < window[1]))
    return sorted(windows, key=lambda w: (w.starts_at, w.maintenance.pk))


@dataclass(frozen=True)
class Group:
    """A category (None for the monitors without one) and its monitors."""

    category: Category | None
    monitors: list[Shown]
    state: ComponentState


@dataclass
class Current:
    now: datetime
    monitors: list[Shown]
    incidents: list[Incident]  # the open ones, and any others the caller asked for
    windows: list[Window]
    checked: Checked = NOTHING_CHECKED  # when the monitors were last checked
    severities: dict[int, set[str]] = field(default_factory=dict)  # of open incidents, by monitor
    states: dict[int, ComponentState] = field(default_factory=dict)
    overall: Overall = Overall.OPERATIONAL

    @property
    def open_incidents(self) -> list[Incident]:
        return [i for i in self.incidents if i.is_active]

    def state_of(self, monitor: Shown | Monitor) -> ComponentState:
        """Also for monitors not on the page (an incident may name a paused one)."""
        if monitor.pk in self.states:
            return self.states[monitor.pk]
        return component_state(monitor.status, self.severities.get(monitor.pk, ()))

    @property
    def groups(self) -> list[Group]:
        groups: list[Group] = []
        for monitor in self.monitors:
            if not groups or groups[-1].category != monitor.category:
                groups.append(Group(monitor.category, [], ComponentState.PENDING))
            groups[-1].monitors.append(monitor)
        return [
            Group(g.category, g.monitors, worst(self.states[m.pk] for m in g.monitors))
            for g in groups
        ]

    @property
    def in_progress(self) -> list[Window]:
        return [w for w in self.windows if w.in_progress]

    @property
    def upcoming(self) -> list[Window]:
        return [w for w in self.windows if not w.in_progress]

    @property
    def checked_at(self) -> datetime | None:
        """The newest check of the monitors shown: how fresh their statuses are."""
        return self.checked.newest

    @property
    def updated_at(self) -> datetime:
        """How fresh the data is: the newest check (not the time of the render);
        before any check, when anything the page shows last changed."""
        if self.checked_at is not None:
            return self.checked_at
        moments = [m.status_changed_at or m.updated_at for m in self.monitors]
        moments += [i.updated_at for i in self.open_incidents]
        moments += [w.starts_at for w in self.in_progress]
        return max((m for m in moments if m), default=self.now)


def open_incidents_on_page() -> QuerySet[Incident]:
    return Incident.objects.on_status_page().active()


def on_the_page(incidents: Iterable[Incident], layout: Layout) -> list[Incident]:
    """The incidents (their monitors prefetched) that belong on the page."""
    return [i for i in incidents if layout.shows_incident(i.monitors.all())]


def load_current(
    now: datetime | None = None,
    incidents: QuerySet[Incident] | None = None,
    fields: tuple[str, ...] = API_FIELDS,
    layout: Layout = EVERYTHING,
    within: Q | None = None,
) -> Current:
    """Seven queries: monitors, their categories and their last check;
    incidents, their updates and monitors; maintenance rows and their monitors.
    ``incidents`` may widen the incident query (the page also wants the
    recently resolved ones); only the open ones count here.
    ``fields``: PAGE_FIELDS or API_FIELDS (the API v2's times).
    ``layout``: the page's monitors; its incidents and windows are theirs.
    ``within``: only these of its monitors (one category's page)."""
    now = now or timezone.now()
    queryset = shown_queryset(layout, within)
    monitors = shown_monitors(queryset, fields, layout)
    wanted = open_incidents_on_page() if incidents is None else incidents
    current = Current(
        now,
        monitors,
        on_the_page(incidents_with_timeline(wanted), layout),
        maintenance_windows(now, layout),
        checked(queryset) if monitors else NOTHING_CHECKED,
    )
    open_incidents = current.open_incidents
    severities: dict[int, set[str]] = defaultdict(set)
    for incident in open_incidents:
        for monitor in incident.monitors.all():
            severities[monitor.pk].add(incident.severity)
    current.severities = severities
    current.states = {m.pk: component_state(m.status, severities[m.pk]) for m in monitors}
    current.overall = overall_state(
        (m.status for m in monitors),
        (i.severity for i in open_incidents),
        maintenance_open=bool(current.in_progress),
    )
    return current


def recent_or_open(since: datetime) -> QuerySet[Incident]:
    """Incidents on the page that are open or began after ``since`` (one query)."""
    return Incident.objects.on_status_page().filter(
        ~Q(status=IncidentStatus.RESOLVED) | Q(created_at__gte=since)
    )
