"""Availability read from the rollups: the one place the page, api.php and the
badges get uptime from.

Rollups are written by the probe engine as results arrive. ``HourlyRollup.hour``
is the start of a UTC hour; ``DailyRollup.day`` is a date in the site's time
zone (settings.TIME_ZONE), so the page's day bars match the days it names.
Checks taken while a monitor was in maintenance are not counted at all.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import cache
from typing import NamedTuple

from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from monitors.models import DailyRollup, HourlyRollup


class Counts(NamedTuple):
    # A tuple, not a dataclass: the 90-day bars build ~45,000 of them per render.
    checks: int = 0
    successes: int = 0

    @property
    def percent(self) -> float | None:
        """Uptime in percent, or None when there were no checks."""
        return 100.0 * self.successes / self.checks if self.checks else None

    def __add__(self, other: "Counts") -> "Counts":  # type: ignore[override]
        return Counts(self.checks + other.checks, self.successes + other.successes)


def _sum_by_monitor(queryset) -> dict[int, Counts]:
    rows = queryset.values("monitor_id").annotate(c=Sum("checks"), s=Sum("successes"))
    return {row["monitor_id"]: Counts(row["c"] or 0, row["s"] or 0) for row in rows}


def last_hours(
    monitor_ids: Iterable[int] | None, hours: int, now: datetime | None = None
) -> dict[int, Counts]:
    """Counts per monitor over the last ``hours`` whole and current hours (one query).
    ``monitor_ids`` None means every monitor."""
    now = now or timezone.now()
    since = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=hours - 1)
    queryset = HourlyRollup.objects.filter(hour__gte=since)
    if monitor_ids is not None:
        queryset = queryset.filter(monitor_id__in=list(monitor_ids))
    return _sum_by_monitor(queryset)


def last_days(
    monitor_ids: Iterable[int] | None, days: int, today: date | None = None
) -> dict[int, Counts]:
    """Counts per monitor over the last ``days`` site-local days, today included (one query)."""
    today = today or timezone.localdate()
    queryset = DailyRollup.objects.filter(day__gt=today - timedelta(days=days))
    if monitor_ids is not None:
        queryset = queryset.filter(monitor_id__in=list(monitor_ids))
    return _sum_by_monitor(queryset)


def daily(
    monitor_ids: Iterable[int] | None, days: int, today: date | None = None
) -> dict[int, dict[date, Counts]]:
    """Counts per monitor per day for the last ``days`` days (one query), for the day bars."""
    today = today or timezone.localdate()
    queryset = DailyRollup.objects.filter(day__gt=today - timedelta(days=days))
    if monitor_ids is not None:
        monitor_ids = list(monitor_ids)
        if not monitor_ids:
            return {}
        queryset = queryset.filter(monitor_id__in=monitor_ids)
    rows = queryset.values_list("monitor_id", "day", "checks", "successes")
    # Straight from the cursor: Django's per-row date conversion was most of
    # the page's cold render; there are only ``days`` distinct days to parse.
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    as_date = cache(_as_date)
    result: dict[int, dict[date, Counts]] = {}
    for monitor_id, day, checks, successes in fetched:
        result.setdefault(monitor_id, {})[as_date(day)] = Counts(checks, successes)
    return result


def _as_date(value: date | str) -> date:
    # PostgreSQL answers dates, SQLite ISO strings.
    return value if isinstance(value, date) else date.fromisoformat(value)


def total(counts: Iterable[Counts]) -> Counts:
    return sum(counts, Counts())
