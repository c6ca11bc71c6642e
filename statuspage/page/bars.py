"""The 90-day uptime bars: one cell per site-local day, coloured by uptime,
with a tooltip (its accessible name) giving the date, the uptime and the
incidents of that day. A day without checks has no data: it is shown as such,
never as 100 %.

The cells are built here as one string per monitor rather than in a template
loop: 500 monitors make 45,000 cells, and the page must render in well under
150 ms. For the same reason the cells of finished days are kept in the cache
(keyed by the date, the language and a generation bumped when an incident
changes) for a while: a status change then costs reading today's rollups, not
90 days of them. Either way a render reads the rollups once and the incidents
once."""

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format, get_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, pgettext

from incidents.models import Incident
from monitors import uptime
from statuspage.page.cache import Generation

DAYS = 90
# Finished days change only when an incident does (see signals.py) or when
# late results land just after midnight; this bounds the latter.
FINISHED_DAYS_SECONDS = 15 * 60
incidents_generation = Generation("statuspage:bars-incidents")

# (lowest uptime, css class); below the last is a bad day.
LEVELS = [(99.9, "b1"), (99.0, "b2"), (95.0, "b3"), (0.0, "b4")]
NO_DATA = "b0"


def level(percent: float | None) -> str:
    if percent is None:
        return NO_DATA
    return next(css for floor, css in LEVELS if percent >= floor)


def format_percent(percent: float | None, separator: str | None = None) -> str:
    """Two decimals, rounded down so that a day with any failure never reads 100 %."""
    if percent is None:
        return gettext("No data")
    if percent >= 100:
        return "100%"
    text = f"{math.floor(percent * 100) / 100:.2f}"
    return text.replace(".", separator or get_format("DECIMAL_SEPARATOR")) + "%"


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
        if self.percent is None:
            return format_percent(None)
        return gettext("%(percent)s uptime") % {"percent": format_percent(self.percent)}


class _Cells:
    """Writes the cells of one render. Most cells repeat (a day at 100 %, a day
    without data), so each distinct cell is written once and reused."""

    def __init__(self, days: list[date]) -> None:
        # A format per language: Django's "M" is "Nov" in every language.
        shape = pgettext("short date", "j M Y")
        self.labels = [escape(date_format(day, shape)) for day in days]
        self.today = len(days) - 1
        self.separator = get_format("DECIMAL_SEPARATOR")
        self.no_data = escape(gettext("No data"))
        self.uptime_text = escape(gettext("%(percent)s uptime"))
        self.incident_text = escape(gettext("Incidents: %(names)s"))
        self.written: dict[tuple, str] = {}

    def cell(self, i: int, counts: uptime.Counts | None, names: tuple[str, ...] = ()) -> str:
        key = (i, counts.successes, counts.checks, names) if counts else (i, 0, 0, names)
        found = self.written.get(key)
        if found is None:
            found = self.written[key] = self._write(i, counts.percent if counts else None, names)
        return found

    def _write(self, i: int, percent: float | None, names: tuple[str, ...]) -> str:
        label = self.labels[i] + "&#10;"
        if percent is None:
            label += self.no_data
        else:
            label += self.uptime_text % {"percent": format_percent(percent, self.separator)}
        if names:
            label += "&#10;" + self.incident_text % {"names": escape(", ".join(names))}
        # Only today's cell is in the tab order; the arrow keys move between days.
        tab = ' tabindex="0"' if i == self.today else ""
        return f'<i role="img" class="{level(percent)}"{tab} aria-label="{label}"></i>'


@dataclass(frozen=True)
class _Finished:
    """The cells of a monitor's finished days and their counts."""

    cells: str
    checks: int = 0
    successes: int = 0


def _finished_row(
    writer: _Cells, days: list[date], by_day: dict[date, uptime.Counts], on_day: dict
) -> _Finished:
    cells, checks, successes = [], 0, 0
    for i, day in enumerate(days):
        counts = by_day.get(day)
        if counts:
            checks, successes = checks + counts.checks, successes + counts.successes
        cells.append(writer.cell(i, counts, tuple(on_day.get(day, ()))))
    return _Finished("".join(cells), checks, successes)


def build_bars(monitor_ids: list[int], today: date, now: datetime) -> dict[int, Bars]:
    """Each monitor's cells and its uptime over the days shown (two queries)."""
    days = last_days(today)
    writer = _Cells(days)
    key = f"statuspage:bars:{today}:{get_language()}:{incidents_generation.current()}"
    finished: dict[int, _Finished] | None = cache.get(key)
    if finished is None:
        # Every monitor, so that the entry also serves monitors shown later.
        counts, incidents = uptime.daily(None, DAYS, today=today), incidents_by_day(days[0], now)
        finished = {
            monitor_id: _finished_row(
                writer, days[:-1], counts.get(monitor_id, {}), incidents.get(monitor_id, {})
            )
            for monitor_id in counts.keys() | incidents.keys()
        }
        cache.set(key, finished, FINISHED_DAYS_SECONDS)
    else:
        counts = uptime.daily(monitor_ids, 1, today=today)
        incidents = incidents_by_day(today, now)
    nothing = _Finished("".join(writer.cell(i, None) for i in range(len(days) - 1)))
    bars = {}
    for monitor_id in monitor_ids:
        past = finished.get(monitor_id, nothing)
        counts_today = counts.get(monitor_id, {}).get(today)
        names = tuple(incidents.get(monitor_id, {}).get(today, ()))
        cells = past.cells + writer.cell(len(days) - 1, counts_today, names)
        total = uptime.Counts(past.checks, past.successes)
        if counts_today:
            total += counts_today
        bars[monitor_id] = Bars(mark_safe(cells), total.percent)  # noqa: S308 - escaped pieces
    return bars
