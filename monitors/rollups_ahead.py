"""Rollup rows made before their hour (and day) begins, in monitor id order.

Why: a probe batch's monitors are neighbours on the grid, checked together
every interval. Left to recording, the first batch of an hour inserts its
monitors' rows together, onto the same few pages, and every later batch of
the hour then updates all of a page's rows in one transaction: more new row
versions than a page has room for, so most go out of place (not HOT), ~50 B
a check of growth for each rollup table (bench/probes.py, monitors spread on
their grids). Made ahead in id order, a page holds monitors from all over the
interval (the phase is a spread of the id), each batch updates a few rows of
it, and the updates stay in place.

A row made ahead holds no checks until its monitor is checked; the readers
(monitors/uptime.py, monitors/performance.py) skip rows without checks, so an
hour a monitor was paused or in maintenance reads as before: nothing.
Recording still inserts the rows this missed (a monitor made since).
"""

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.locations import location_codes
from monitors import bulk
from monitors.models import DailyRollup, HourlyRollup, Monitor
from monitors.recording import SUMS, rollup_day, rollup_hour

CHUNK = 5000  # rows a statement, each its own transaction
_HOURLY = bulk.Columns(HourlyRollup, ("monitor", "hour", "location", *SUMS))
_DAILY = bulk.Columns(DailyRollup, ("monitor", "day", *SUMS))
_NONE = (0,) * len(SUMS)


def _insert(columns: bulk.Columns, rows: Sequence[Sequence[Any]]) -> int:
    """Insert ``rows`` (monitor id first) but those of monitors deleted since
    they were read; returns how many were inserted."""
    made = 0
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        try:
            with transaction.atomic():
                bulk.insert(columns, chunk, "ON CONFLICT DO NOTHING")
        except IntegrityError:  # a monitor deleted meanwhile: its rows are not needed
            ids = Monitor.objects.filter(pk__in={row[0] for row in chunk}).values_list("pk")
            alive = {pk for (pk,) in ids}
            chunk = [row for row in chunk if row[0] in alive]
            with transaction.atomic():
                bulk.insert(columns, chunk, "ON CONFLICT DO NOTHING")
        made += len(chunk)
    return made


def make(hour: datetime, day: date | None = None) -> dict[str, int]:
    """Make every active monitor's rows for ``hour`` (and ``day``), unless
    made already; returns how many were made."""
    monitors = list(Monitor.objects.active().order_by("pk").values_list("pk", "locations"))
    made = {"hourly": 0, "daily": 0}
    if not monitors:
        return made
    first = monitors[0][0]  # made already if its row is (the same order)
    if not HourlyRollup.objects.filter(monitor_id=first, hour=hour).exists():
        made["hourly"] = _insert(
            _HOURLY,
            [(pk, hour, code, *_NONE) for pk, locations in monitors
             for code in location_codes(locations)],
        )  # fmt: skip
    if day and not DailyRollup.objects.filter(monitor_id=first, day=day).exists():
        made["daily"] = _insert(_DAILY, [(pk, day, *_NONE) for pk, _ in monitors])
    return made


def make_ahead(now: datetime | None = None) -> dict[str, int]:
    """The rows of the next hour and, in the last hour of the day, of the next day."""
    now = now or timezone.now()
    hour = rollup_hour(now) + timedelta(hours=1)
    day = rollup_day(hour)
    return make(hour, day if day != rollup_day(now) else None)
