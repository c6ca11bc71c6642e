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
from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from monitors.models import DailyRollup, HourlyRollup

# What "uptime" means where no span is named (api.php's stats, the badges).
UPTIME_DAYS = 30


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


def _sum_by_monitor(queryset: QuerySet[HourlyRollup] | QuerySet[DailyRollup]) -> dict[int, Counts]:
    rows = queryset.values("monitor_id").annotate(c=Sum("checks"), s=Sum("successes"))
    return {row["monitor_id"]: Counts(row["c"] or 0, row["s"] or 0) for row in rows}


def last_hours(
    monitor_ids: Iterable[int] | None, hours: int, now: datetime | None = None
) -> dict[int, Counts]:
    """Counts per monitor over the last ``hours`` whole and current hours (one query).
    ``monitor_ids`` None means every monitor."""
    now = now or timezone.now()
    since = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=hours - 1)
    queryset = HourlyRollup.objects.counted().filter(hour__gte=since)
    if monitor_ids is not None:
        queryset = queryset.filter(monitor_id__in=list(monitor_ids))
    return _sum_by_monitor(queryset)


def last_days(
    monitor_ids: Iterable[int] | None, days: int, today: date | None = None
) -> dict[int, Counts]:
    """Counts per monitor over the last ``days`` site-local days, today included (one query)."""
    today = today or timezone.localdate()
    queryset = DailyRollup.objects.counted().filter(day__gt=today - timedelta(days=days))
    if monitor_ids is not None:
        queryset = queryset.filter(monitor_id__in=list(monitor_ids))
    return _sum_by_monitor(queryset)


# One row per monitor with its days packed as "day:checks:successes,...":
# the page reads ~45,000 rollups, and unpacking 500 strings in Python is a
# third of the cost of fetching 45,000 rows through the driver.
_PACKED_DAYS = {
    "postgresql": "STRING_AGG(day::text || ':' || checks || ':' || successes, ',')",
    "sqlite": "GROUP_CONCAT(day || ':' || checks || ':' || successes, ',')",
}


def daily(
    monitor_ids: Iterable[int] | None, days: int, today: date | None = None
) -> dict[int, dict[date, Counts]]:
    """Counts per monitor per day for the last ``days`` days (one query), for the day bars."""
    today = today or timezone.localdate()
    since = today - timedelta(days=days)
    if monitor_ids is not None:
        monitor_ids = list(monitor_ids)
        if not monitor_ids:
            return {}
    packed = _PACKED_DAYS.get(connection.vendor)
    if packed is None:
        return _daily_rows(monitor_ids, since)
    # Only constants are formatted in; every value is a parameter.
    # checks > 0: DailyRollup.objects.counted()'s rule.
    table = DailyRollup._meta.db_table
    sql = f"SELECT monitor_id, {packed} FROM {table} WHERE checks > 0 AND day > %s"  # noqa: S608
    params: list[date | int] = [since]
    if monitor_ids is not None:
        sql += f" AND monitor_id IN ({', '.join(['%s'] * len(monitor_ids))})"
        params += monitor_ids
    with connection.cursor() as cursor:
        cursor.execute(sql + " GROUP BY monitor_id", params)
        fetched = cursor.fetchall()
    as_date = cache(date.fromisoformat)  # only ``days`` distinct days to parse
    result: dict[int, dict[date, Counts]] = {}
    for monitor_id, cells in fetched:
        by_day = result[monitor_id] = {}
        for cell in cells.split(","):
            day, checks, successes = cell.split(":")
            by_day[as_date(day)] = Counts(int(checks), int(successes))
    return result


def daily_by_category(
    monitor_ids: Iterable[int], days: int, today: date | None = None
) -> dict[int, dict[date, Counts]]:
    """Counts of ``monitor_ids`` per category (0: none) per day for the last
    ``days`` days, summed in SQL (one query): a collapsed category's bars read
    a row a day, not one per monitor and day."""
    today = today or timezone.localdate()
    monitor_ids = list(monitor_ids)
    if not monitor_ids:
        return {}
    rows = (
        DailyRollup.objects.counted()
        .filter(day__gt=today - timedelta(days=days), monitor_id__in=monitor_ids)
        .annotate(key=Coalesce("monitor__category_id", 0))
        .order_by()
        .values("key", "day")
        .annotate(checks_=Sum("checks"), successes_=Sum("successes"))
        .values_list("key", "day", "checks_", "successes_")
    )
    result: dict[int, dict[date, Counts]] = {}
    for key, day, checks, successes in rows:
        result.setdefault(key, {})[day] = Counts(checks, successes)
    return result


def _daily_rows(monitor_ids: list[int] | None, since: date) -> dict[int, dict[date, Counts]]:
    """The same through the ORM, for databases without a packing aggregate."""
    queryset = DailyRollup.objects.counted().filter(day__gt=since)
    if monitor_ids is not None:
        queryset = queryset.filter(monitor_id__in=monitor_ids)
    result: dict[int, dict[date, Counts]] = {}
    for monitor_id, day, checks, successes in queryset.values_list(
        "monitor_id", "day", "checks", "successes"
    ):
        result.setdefault(monitor_id, {})[day] = Counts(checks, successes)
    return result


def total(counts: Iterable[Counts]) -> Counts:
    return sum(counts, Counts())
