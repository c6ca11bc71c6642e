"""The 90-day uptime bars: one cell per site-local day, coloured by uptime,
with a tooltip (its accessible name) giving the date, the uptime and the
incidents of that day. A day without checks has no data: it is shown as such,
never as 100 %.

The cells are built here as one string per monitor rather than in a template
loop: 500 monitors make 45,000 cells, and the page must render in well under
150 ms."""

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format, get_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from incidents.models import Incident
from monitors import uptime

DAYS = 90

# (lowest uptime, css class); below the last is a bad day.
LEVELS = [(99.9, "b1"), (99.0, "b2"), (95.0, "b3"), (0.0, "b4")]
NO_DATA = "b0"


def level(percent: float | None) -> str:
    if percent is None:
        return NO_DATA
    return next(css for floor, css in LEVELS if percent >= floor)


def format_percent(percent: float | None) -> str:
    """Two decimals, rounded down so that a day with any failure never reads 100 %."""
    if percent is None:
        return gettext("No data")
    if percent >= 100:
        return "100%"
    text = f"{math.floor(percent * 100) / 100:.2f}"
    return text.replace(".", get_format("DECIMAL_SEPARATOR")) + "%"


def last_days(today: date, days: int = DAYS) -> list[date]:
    """Oldest first."""
    return [today - timedelta(days=days - 1 - i) for i in range(days)]


def incidents_by_day(first_day: date, now: datetime) -> dict[int, dict[date, list[str]]]:
    """Names of the page's incidents open on each day, per affected monitor (one query)."""
    start = timezone.make_aware(datetime.combine(first_day, time.min))
    links = (
        Incident.monitors.through.objects.filter(
            incident__show_on_status_page=True, incident__created_at__lte=now
        )
        .filter(Q(incident__resolved_at__isnull=True) | Q(incident__resolved_at__gte=start))
        .order_by("incident__created_at", "incident_id")
        .values_list(
            "monitor_id", "incident__name", "incident__created_at", "incident__resolved_at"
        )
    )
    found: dict[int, dict[date, list[str]]] = defaultdict(lambda: defaultdict(list))
    for monitor_id, name, created_at, resolved_at in links:
        day = max(timezone.localdate(created_at), first_day)
        last = timezone.localdate(min(resolved_at or now, now))
        while day <= last:
            found[monitor_id][day].append(name)
            day += timedelta(days=1)
    return found


@dataclass(frozen=True)
class Bars:
    cells: SafeString
    percent: float | None  # over all the days shown

    @property
    def percent_text(self) -> str:
        return format_percent(self.percent)


def build_bars(monitor_ids: list[int], today: date, now: datetime) -> dict[int, Bars]:
    """Each monitor's cells and its uptime over the days shown (two queries)."""
    days = last_days(today)
    counts = uptime.daily(monitor_ids, DAYS, today=today)
    incidents = incidents_by_day(days[0], now)
    labels = [escape(date_format(day, "j M Y")) for day in days]
    uptime_text = gettext("%(percent)s uptime")
    incident_text = gettext("Incidents: %(names)s")
    last = len(days) - 1
    # tabindex: one cell per row is in the tab order; the arrow keys move between them.
    empty = [
        f'<i role="img" class="{NO_DATA}" tabindex="{0 if i == last else -1}"'
        f' aria-label="{labels[i]}&#10;{escape(format_percent(None))}"></i>'
        for i in range(len(days))
    ]
    all_empty = mark_safe("".join(empty))  # noqa: S308 - escaped above
    bars = {}
    for monitor_id in monitor_ids:
        by_day, on_day = counts.get(monitor_id, {}), incidents.get(monitor_id, {})
        if not by_day and not on_day:
            bars[monitor_id] = Bars(all_empty, None)
            continue
        cells = []
        for i, day in enumerate(days):
            day_counts, names = by_day.get(day), on_day.get(day)
            if day_counts is None and not names:
                cells.append(empty[i])
                continue
            percent = day_counts.percent if day_counts else None
            figure = format_percent(percent)
            label = (
                labels[i]
                + "&#10;"
                + escape(figure if percent is None else uptime_text % {"percent": figure})
            )
            if names:
                label += "&#10;" + escape(incident_text % {"names": ", ".join(names)})
            cells.append(
                f'<i role="img" class="{level(percent)}" tabindex="{0 if i == last else -1}"'
                f' aria-label="{label}"></i>'
            )
        total = uptime.total(by_day.values())
        bars[monitor_id] = Bars(mark_safe("".join(cells)), total.percent)  # noqa: S308
    return bars
