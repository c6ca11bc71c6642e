"""When a maintenance window is open: the one place for the recurrence rule.

Occurrences step from the start in the site's time zone, so a window every
day at 02:00 stays at 02:00 local across daylight-saving changes, and a
monthly window on the 31st falls on the last day of shorter months (the 31st
again when the month has one). An occurrence exists when its start is not
after ``until``.
"""

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from core.enums import RecurUnit


@dataclass(frozen=True)
class Schedule:
    start: datetime
    duration: timedelta
    unit: str | None = None  # a RecurUnit, or None for a one-off window
    every: int = 1
    until: datetime | None = None
    # Staff ended the occurrence open at this instant early ("end now"); the
    # occurrences after it run as scheduled.
    cut: datetime | None = None


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _add_months(local: datetime, months: int) -> datetime:
    index = local.month - 1 + months
    year, month = local.year + index // 12, index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day)


def nth_start(schedule: Schedule, n: int) -> datetime:
    """The start of occurrence ``n`` (0 is the first), in UTC."""
    zone = _zone()
    local = schedule.start.astimezone(zone).replace(tzinfo=None)
    steps = n * schedule.every
    if schedule.unit == RecurUnit.DAY:
        local += timedelta(days=steps)
    elif schedule.unit == RecurUnit.WEEK:
        local += timedelta(weeks=steps)
    elif schedule.unit == RecurUnit.MONTH:
        local = _add_months(local, steps)
    return local.replace(tzinfo=zone).astimezone(UTC)


def _last_index_before(schedule: Schedule, when: datetime) -> int | None:
    """The largest n whose occurrence starts at or before ``when``."""
    if when < schedule.start:
        return None
    if schedule.unit is None:
        return 0
    zone = _zone()
    start_local, when_local = schedule.start.astimezone(zone), when.astimezone(zone)
    if schedule.unit == RecurUnit.MONTH:
        months = (when_local.year - start_local.year) * 12 + when_local.month - start_local.month
        n = max(months // schedule.every, 0)
    else:
        days = 7 if schedule.unit == RecurUnit.WEEK else 1
        elapsed = when_local.replace(tzinfo=None) - start_local.replace(tzinfo=None)
        n = max(elapsed // timedelta(days=days * schedule.every), 0)
    # The estimate is off by at most one step (DST shifts, month lengths).
    while n > 0 and nth_start(schedule, n) > when:
        n -= 1
    while nth_start(schedule, n + 1) <= when:
        n += 1
    return n


def _last_index(schedule: Schedule) -> int | None:
    """The index of the final occurrence, or None when it repeats without end."""
    if schedule.unit is None:
        return 0
    if schedule.until is None:
        return None
    return _last_index_before(schedule, schedule.until) or 0


def _window(schedule: Schedule, n: int) -> tuple[datetime, datetime]:
    start = nth_start(schedule, n)
    end = start + schedule.duration
    if schedule.cut is not None and start <= schedule.cut < end:
        end = schedule.cut  # ended early; may leave it empty (start == end)
    return start, end


def final_end(schedule: Schedule) -> datetime | None:
    """When the last occurrence ends; None when it repeats without end."""
    last = _last_index(schedule)
    return None if last is None else _window(schedule, last)[1]


def window_at(schedule: Schedule, when: datetime) -> tuple[datetime, datetime] | None:
    """The window open at ``when``, or None."""
    n = _last_index_before(schedule, when)
    if n is None:
        return None
    last = _last_index(schedule)
    if last is not None:
        n = min(n, last)
    # Occurrences have equal lengths, so the latest to start is the latest to end.
    start, end = _window(schedule, n)
    return (start, end) if start <= when < end else None


def next_window(schedule: Schedule, after: datetime) -> tuple[datetime, datetime] | None:
    """The window open at ``after``, else the next one to open; None when none is left."""
    current = window_at(schedule, after)
    if current:
        return current
    n = _last_index_before(schedule, after)
    n = 0 if n is None else n + 1
    last = _last_index(schedule)
    if last is not None and n > last:
        return None
    window = _window(schedule, n)
    if window[0] == window[1]:  # ended the moment it began: the one after
        if last is not None and n + 1 > last:
            return None
        window = _window(schedule, n + 1)
    return window


def windows_between(
    schedule: Schedule, start: datetime, end: datetime
) -> Iterator[tuple[datetime, datetime]]:
    """Every window that overlaps [start, end), in order."""
    window = next_window(schedule, start)
    n = _last_index_before(schedule, window[0]) if window else None
    last = _last_index(schedule)
    while window and window[0] < end:
        if window[0] < window[1]:
            yield window
        if n is None or (last is not None and n >= last):
            return
        n += 1
        window = _window(schedule, n)
