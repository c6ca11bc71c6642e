"""How a monitor has behaved: uptime and response time over the spans staff
look at (24 h, 7 d, 30 d, 90 d), overall and per location, read from the
rollups, never from raw results, so a 90-day view costs two small queries
whatever the check frequency and the number of locations.

- Response time per location: hourly rollups (one row per monitor, location
  and hour; older than the hourly retention, one row per location a day), by
  hour for 24 h and 7 d, by site-local day for 30 d and 90 d.
- Uptime and the overall figures: the hourly rollups summed over locations
  (24 h, 7 d) and the daily rollups (30 d, 90 d), the figures the page and the
  APIs show.

Rollups keep no per-check minimum: a period's ``min_ms`` is its fastest
hour's average (for an hour, its average).
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone

from monitors.models import DailyRollup, HourlyRollup
from monitors.models.history import ALL_LOCATIONS

_T = TypeVar("_T", datetime, date)


@dataclass(frozen=True)
class Point:
    """One period (an hour or a day) of one location, or of all of them."""

    at: datetime | date
    checks: int
    successes: int
    avg_ms: float | None  # of the successful checks
    max_ms: int | None
    min_ms: float | None = None  # the fastest hour's average; None: as avg_ms

    @property
    def fastest_ms(self) -> float | None:
        return self.avg_ms if self.min_ms is None else self.min_ms


class _Figures:
    """What a list of points adds up to."""

    points: list[Point]

    @property
    def checks(self) -> int:
        return sum(p.checks for p in self.points)

    @property
    def uptime(self) -> float | None:
        checks = self.checks
        return 100.0 * sum(p.successes for p in self.points) / checks if checks else None

    @property
    def avg_ms(self) -> float | None:
        """Over the successful checks (each period weighted by its successes)."""
        timed = [(p.avg_ms, p.successes) for p in self.points if p.avg_ms is not None]
        weight = sum(n for _, n in timed)
        return sum(a * n for a, n in timed) / weight if weight else None

    @property
    def min_ms(self) -> float | None:
        """The fastest hour on average: rollups keep no per-check minimum."""
        return min((f for p in self.points if (f := p.fastest_ms) is not None), default=None)

    @property
    def max_ms(self) -> int | None:
        return max((p.max_ms for p in self.points if p.max_ms is not None), default=None)


@dataclass
class Series(_Figures):
    """One location's points in a span; ``index`` keeps its colour across spans."""

    location: str
    index: int
    points: list[Point] = field(default_factory=list)

    @property
    def label(self) -> str:
        return "all locations" if self.location == ALL_LOCATIONS else self.location


@dataclass
class Span(_Figures):
    """One span (say the last 7 days): its periods, the points of all locations
    together (uptime, the overall figures) and a series per location."""

    key: str
    label: str
    slots: Sequence[datetime | date]
    points: list[Point] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)


class _Sums:
    """Rollups added up into one point."""

    __slots__ = ("checks", "successes", "total", "peak", "fastest")

    def __init__(self) -> None:
        self.checks = self.successes = self.total = self.peak = 0
        self.fastest: float | None = None

    def add(self, checks: int, successes: int, total: int, peak: int) -> None:
        self.checks += checks
        self.successes += successes
        self.total += total
        self.peak = max(self.peak, peak)
        if successes:
            average = total / successes
            self.fastest = average if self.fastest is None else min(self.fastest, average)

    def point(self, at: datetime | date) -> Point:
        return _point(at, self.checks, self.successes, self.total, self.peak, self.fastest)


def _point(
    at: datetime | date, checks: int, successes: int, total: int, peak: int,
    fastest: float | None = None,
) -> Point:  # fmt: skip
    if not successes:
        return Point(at, checks, successes, None, None)
    return Point(at, checks, successes, total / successes, peak, fastest)


def _ordered(found: Iterable[str], codes: Sequence[str]) -> list[str]:
    """The monitor's locations in its order, then others it had, then "all"."""
    rest = sorted(set(found) - set(codes) - {ALL_LOCATIONS})
    return [*codes, *rest, *([ALL_LOCATIONS] if ALL_LOCATIONS in found else [])]


def spans(monitor_id: int, now: datetime | None = None, codes: Sequence[str] = ()) -> list[Span]:
    """The last 24 h and 7 d by hour, the last 30 d and 90 d by day, each with
    a series per location (two queries). ``codes``: the monitor's locations,
    in the order their series are listed (and coloured)."""
    now = now or timezone.now()
    zone = ZoneInfo(settings.TIME_ZONE)
    this_hour = now.replace(minute=0, second=0, microsecond=0)
    today = timezone.localdate(now, zone)
    hours = [this_hour - timedelta(hours=h) for h in range(24 * 7 - 1, -1, -1)]
    days = [today - timedelta(days=d) for d in range(89, -1, -1)]
    first_day = timezone.make_aware(datetime.combine(days[0], datetime.min.time()), zone)

    by_hour: dict[str, dict[datetime, _Sums]] = defaultdict(lambda: defaultdict(_Sums))
    by_day: dict[str, dict[date, _Sums]] = defaultdict(lambda: defaultdict(_Sums))
    all_hours: dict[datetime, _Sums] = defaultdict(_Sums)
    local_day: dict[datetime, date] = {}  # each hour's day, worked out once
    rows = (
        HourlyRollup.objects.counted()
        .filter(monitor_id=monitor_id, hour__gte=first_day)
        .values_list(
            "location", "hour", "checks", "successes", "total_response_ms", "max_response_ms"
        )
    )
    for location, hour, *counts in rows:
        if hour > this_hour - timedelta(days=7):
            by_hour[location][hour].add(*counts)
            all_hours[hour].add(*counts)
        if (day := local_day.get(hour)) is None:
            day = local_day[hour] = hour.astimezone(zone).date()
        by_day[location][day].add(*counts)
    daily = {
        day: _point(day, *counts)
        for day, *counts in DailyRollup.objects.counted()
        .filter(monitor_id=monitor_id, day__gt=today - timedelta(days=90))
        .values_list("day", "checks", "successes", "total_response_ms", "max_response_ms")
    }
    hourly = {hour: sums.point(hour) for hour, sums in all_hours.items()}
    order = _ordered(by_day, codes)
    return [
        _span("24h", "24 hours", hours[-24:], hourly, by_hour, order),
        _span("7d", "7 days", hours, hourly, by_hour, order),
        _span("30d", "30 days", days[-30:], daily, by_day, order),
        _span("90d", "90 days", days, daily, by_day, order),
    ]


def _span(
    key: str, label: str, slots: list[_T], overall: Mapping[_T, Point],
    by_location: Mapping[str, Mapping[_T, _Sums]], order: list[str],
) -> Span:  # fmt: skip
    """A span's overall points and, in ``order``, each location's that has any."""
    result = Span(key, label, slots, [overall[s] for s in slots if s in overall])
    for n, location in enumerate(order):
        found = by_location.get(location, {})
        points = [found[s].point(s) for s in slots if s in found]
        if points:
            result.series.append(Series(location, n, points))
    return result


def last_day_by_hour(
    monitor_ids: Iterable[int], now: datetime | None = None
) -> dict[int, list[Point]]:
    """Each monitor's last 24 hours, every location together, oldest first
    (one query), for sparklines."""
    now = now or timezone.now()
    since = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=23)
    rows = (
        HourlyRollup.objects.counted()
        .filter(monitor_id__in=list(monitor_ids), hour__gte=since)
        .values_list("monitor_id", "hour")
        .annotate(Sum("checks"), Sum("successes"), Sum("total_response_ms"), Max("max_response_ms"))
        .order_by("monitor_id", "hour")
    )
    result: dict[int, list[Point]] = defaultdict(list)
    for monitor_id, hour, checks, successes, total, peak in rows:
        result[monitor_id].append(_point(hour, checks, successes, total, peak))
    return result
