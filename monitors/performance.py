"""How a monitor has behaved: uptime and response time over the spans staff
look at (24 h, 7 d, 30 d, 90 d), read from the rollups, never from raw results,
so a 90-day view costs two small queries whatever the check frequency.

Rollups are kept per monitor (all locations together); the split per location
is read from raw results (kept RESULT_RETENTION_DAYS), for the last 24 hours.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Avg, Count, Max, Min, Q
from django.utils import timezone

from monitors.models import CheckResult, DailyRollup, HourlyRollup


@dataclass(frozen=True)
class Point:
    """One rollup: an hour or a day."""

    at: datetime | date
    checks: int
    successes: int
    avg_ms: float | None
    max_ms: int | None


@dataclass
class Span:
    """What one span (say the last 7 days) adds up to, and its points for a chart."""

    key: str
    label: str
    points: list[Point] = field(default_factory=list)

    @property
    def checks(self) -> int:
        return sum(p.checks for p in self.points)

    @property
    def uptime(self) -> float | None:
        checks = self.checks
        return 100.0 * sum(p.successes for p in self.points) / checks if checks else None

    @property
    def avg_ms(self) -> float | None:
        timed = [(p.avg_ms, p.checks) for p in self.points if p.avg_ms is not None]
        weight = sum(c for _, c in timed)
        return sum(a * c for a, c in timed) / weight if weight else None

    @property
    def min_ms(self) -> float | None:
        """The fastest hour (or day) on average: rollups keep no per-check minimum."""
        return min((p.avg_ms for p in self.points if p.avg_ms is not None), default=None)

    @property
    def max_ms(self) -> int | None:
        return max((p.max_ms for p in self.points if p.max_ms is not None), default=None)


def _point(at: datetime | date, checks: int, successes: int, total: int, peak: int) -> Point:
    timed = checks > 0 and total > 0
    return Point(at, checks, successes, total / checks if timed else None, peak if timed else None)


def spans(monitor_id: int, now: datetime | None = None) -> list[Span]:
    """The last 24 h and 7 d by hour, the last 30 d and 90 d by day (two queries)."""
    now = now or timezone.now()
    this_hour = now.replace(minute=0, second=0, microsecond=0)
    hours = HourlyRollup.objects.filter(
        monitor_id=monitor_id, hour__gt=this_hour - timedelta(days=7)
    ).order_by("hour")
    hourly = [
        _point(*row)
        for row in hours.values_list(
            "hour", "checks", "successes", "total_response_ms", "max_response_ms"
        )
    ]
    today = timezone.localdate(now)
    days = DailyRollup.objects.filter(
        monitor_id=monitor_id, day__gt=today - timedelta(days=90)
    ).order_by("day")
    daily = [
        _point(*row)
        for row in days.values_list(
            "day", "checks", "successes", "total_response_ms", "max_response_ms"
        )
    ]
    day_ago = this_hour - timedelta(hours=23)
    return [
        Span("24h", "24 hours", [p for p in hourly if p.at >= day_ago]),
        Span("7d", "7 days", hourly),
        Span("30d", "30 days", [p for p in daily if p.at > today - timedelta(days=30)]),
        Span("90d", "90 days", daily),
    ]


@dataclass(frozen=True)
class LocationFigures:
    location: str
    checks: int
    failures: int
    min_ms: int | None
    avg_ms: float | None
    max_ms: int | None

    @property
    def uptime(self) -> float | None:
        return 100.0 * (self.checks - self.failures) / self.checks if self.checks else None


def by_location(monitor_id: int, now: datetime | None = None) -> list[LocationFigures]:
    """Per location over the last 24 hours, from raw results (one query)."""
    since = (now or timezone.now()) - timedelta(hours=24)
    rows = (
        CheckResult.objects.filter(monitor_id=monitor_id, checked_at__gte=since)
        .values("location")
        .annotate(
            n=Count("id"),
            failed=Count("id", filter=Q(ok=False)),
            lo=Min("response_ms"),
            avg=Avg("response_ms"),
            hi=Max("response_ms"),
        )  # fmt: skip
        .order_by("location")
    )
    return [
        LocationFigures(r["location"], r["n"], r["failed"], r["lo"], r["avg"], r["hi"])
        for r in rows
    ]


def last_day_by_hour(
    monitor_ids: Iterable[int], now: datetime | None = None
) -> dict[int, list[Point]]:
    """Each monitor's last 24 hourly rollups, oldest first (one query), for sparklines."""
    now = now or timezone.now()
    since = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=23)
    rows = (
        HourlyRollup.objects.filter(monitor_id__in=list(monitor_ids), hour__gte=since)
        .order_by("monitor_id", "hour")
        .values_list(
            "monitor_id", "hour", "checks", "successes", "total_response_ms", "max_response_ms"
        )
    )
    result: dict[int, list[Point]] = defaultdict(list)
    for monitor_id, hour, checks, successes, total, peak in rows:
        result[monitor_id].append(_point(hour, checks, successes, total, peak))
    return result
