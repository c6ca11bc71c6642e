"""The 90-day uptime bars: one cell per site-local day, coloured by uptime,
with a tooltip (its accessible name) giving the date, the uptime and the
incidents of that day. A day without checks has no data: it is shown as such,
never as 100 %.

The cells are built here as one string per monitor rather than in a template
loop: 500 monitors make 45,000 cells, and the page must render in well under
150 ms. For the same reason the cells of settled days (before yesterday) are
kept in the cache for the day: a render reads two days of rollups, not 90,
except the first of a day in each language."""

import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format, get_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, pgettext

from incidents.models import Incident
from monitors import uptime
from statuspage.public import cache

DAYS = 90
# Results may still land on yesterday (just after midnight) and today: their
# cells are read on every render. The cells of older, settled days are cached
# for the day, without the incidents, which are laid over them on each render.
FRESH_DAYS = 2

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


END = "</i>"


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
        self.written: dict[tuple[int, int, int], str] = {}

    def cell(self, i: int, counts: uptime.Counts | None) -> str:
        key = (i, counts.successes, counts.checks) if counts else (i, 0, 0)
        found = self.written.get(key)
        if found is None:
            found = self.written[key] = self._write(i, counts.percent if counts else None)
        return found

    def _write(self, i: int, percent: float | None) -> str:
        label = self.labels[i] + "\n"
        if percent is None:
            label += self.no_data
        else:
            label += self.uptime_text % {"percent": format_percent(percent, self.separator)}
        # Only today's cell is in the tab order; the arrow keys move between days.
        tab = ' tabindex="0"' if i == self.today else ""
        return f'<i role="img" class="{level(percent)}"{tab} aria-label="{label}">{END}'

    def with_incidents(self, cell: str, names: list[str]) -> str:
        """The cell with the day's incidents added to its label."""
        line = "\n" + self.incident_text % {"names": escape(", ".join(names))}
        return cell[: -len(f'">{END}')] + line + f'">{END}'


@dataclass(frozen=True)
class _Settled:
    """The cells of a monitor's settled days (without incidents) and their counts."""

    cells: str
    checks: int = 0
    successes: int = 0


# A collapsed category's row: its id (0: no category) and the monitors of it
# the page shows, whose checks the row sums.
Groups = dict[int, list[int]]


ByDay = dict[int, dict[date, uptime.Counts]]


def _counts(monitor_ids: list[int], days: int, today: date, groups: Groups | None) -> ByDay:
    """Per row (a monitor, or a category's), its counts per day (one query)."""
    if groups is None:
        return uptime.daily(monitor_ids, days, today=today)
    return uptime.daily_by_category(monitor_ids, days, today=today)


def _settled_rows(
    writer: _Cells, days: list[date], today: date, monitor_ids: list[int], groups: Groups | None
) -> dict[int, _Settled]:
    """The rows of settled days (one query)."""
    rows = {}
    for key, by_day in _counts(monitor_ids, DAYS, today, groups).items():
        cells, shown = [], []
        for i, day in enumerate(days):
            counts = by_day.get(day)
            cells.append(writer.cell(i, counts))
            if counts:
                shown.append(counts)
        checks, successes = sum(c.checks for c in shown), sum(c.successes for c in shown)
        rows[key] = _Settled("".join(cells), checks, successes)
    return rows


def _incidents_of(
    incidents: dict[int, dict[date, list[str]]], groups: Groups | None
) -> dict[int, dict[date, list[str]]]:
    """Per row, the names of the incidents of its monitors on each day, each once."""
    if groups is None:
        return incidents
    found: dict[int, dict[date, list[str]]] = {}
    for key, members in groups.items():
        days: dict[date, list[str]] = defaultdict(list)
        for monitor_id in members:
            for day, names in incidents.get(monitor_id, {}).items():
                days[day] += [name for name in names if name not in days[day]]
        if days:
            found[key] = days
    return found


def build_bars(
    monitor_ids: list[int], today: date, now: datetime, groups: Groups | None = None
) -> dict[int, Bars]:
    """Each monitor's cells and its uptime over the days shown, or with
    ``groups`` each collapsed category's row (its monitors' checks summed
    in SQL): two queries, three on the first render of a day in a
    language (the settled days)."""
    days = last_days(today)
    index = {day: i for i, day in enumerate(days)}
    writer = _Cells(days)
    settled_days = len(days) - FRESH_DAYS
    # Keyed by the monitors shown (a page's, in its time zone's days): a
    # monitor added to the page brings its own history at once, and ten
    # pages of 500 cost what each costs alone.
    rows = (
        sorted((key, sorted(members)) for key, members in groups.items())
        if groups is not None
        else sorted(monitor_ids)
    )
    shown = hashlib.sha256(repr(rows).encode()).hexdigest()[:16]
    past = cache.settled(
        "bars" if groups is None else "group-bars",
        today,
        lambda: _settled_rows(writer, days[:settled_days], today, monitor_ids, groups),
        page=f"{timezone.get_current_timezone_name()}:{shown}",
    )
    fresh = _counts(monitor_ids, FRESH_DAYS, today, groups)
    incidents = _incidents_of(incidents_by_day(days[0], now), groups)
    nothing = _Settled("".join(writer.cell(i, None) for i in range(settled_days)))
    bars = {}
    for key in monitor_ids if groups is None else list(groups):
        row = past.get(key, nothing)
        by_day, on_day = fresh.get(key, {}), incidents.get(key, {})
        cells = [writer.cell(i, by_day.get(days[i])) for i in range(settled_days, len(days))]
        total = uptime.total([uptime.Counts(row.checks, row.successes), *by_day.values()])
        if on_day:
            # Incidents change more often than settled days: laid over the cached cells.
            cells = [cell + END for cell in row.cells.split(END)[:-1]] + cells
            for day, names in on_day.items():
                if day in index:
                    cells[index[day]] = writer.with_incidents(cells[index[day]], names)
        else:
            cells.insert(0, row.cells)
        bars[key] = Bars(mark_safe("".join(cells)), total.percent)  # noqa: S308 - escaped
    return bars
