"""Claims a window of time at a time: each frequency's cursor row moved by a
conditional UPDATE that must touch that row, the window's monitors found by
their phase keys and claimed at their slots without a write; and, after a
stall, the catch-up (monitors/scheduling.py has the rule)."""

from collections.abc import Iterable, Iterator
from datetime import datetime

from django.db import connection, transaction
from django.db.models import F, Q, QuerySet

from core.locations import location_codes
from monitors import bulk
from monitors.claims import Claim, first_slot, lookahead, step_of
from monitors.models import Monitor, ScheduleCursor
from monitors.phase import grid_at_or_after, key_ranges, phase


def _frequencies() -> list[int]:
    """The frequencies of active monitors, a few index probes however many monitors."""
    table = Monitor._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""WITH RECURSIVE f(v) AS (
                SELECT MIN(frequency) FROM {table} WHERE is_active
                UNION ALL
                SELECT (SELECT MIN(frequency) FROM {table} WHERE is_active AND frequency > f.v)
                FROM f WHERE f.v IS NOT NULL
            ) SELECT v FROM f WHERE v IS NOT NULL"""  # noqa: S608 (the table's name)
        )
        return [row[0] for row in cursor.fetchall()]


def cursors(now: datetime) -> dict[int, datetime]:
    """Each active frequency's cursor; a frequency new to the engine starts at
    ``now`` (its monitors were new, and are claimed one by one first)."""
    found = dict(ScheduleCursor.objects.values_list("frequency", "claimed_until"))
    new = [ScheduleCursor(f, now) for f in _frequencies() if f not in found]
    ScheduleCursor.objects.bulk_create(new, ignore_conflicts=True)
    return found | {cursor.frequency: now for cursor in new}


_WINDOW_ROW = ["pk", "next_check_at", "locations"]
# Not new, edited, nor catching up: those are claimed one by one.
_ON_GRID = Q(next_check_at__isnull=False, catch_up_at__isnull=True) & (
    Q(claimed_at__isnull=True) | Q(updated_at__lte=F("claimed_at"))
)


def _in_window(frequency: int, start: datetime, end: datetime) -> QuerySet[Monitor]:
    """The active monitors of ``frequency`` on their grids (and a few more:
    the caller checks each slot) with a slot in ``(start, end]``, by ranges of
    their phase keys."""
    ranges = Q()
    for low, high in key_ranges(step_of(frequency), start, end):
        ranges |= Q(phase_key__gte=low, phase_key__lt=high)
    return Monitor.objects.filter(ranges, _ON_GRID, is_active=True, frequency=frequency).order_by()


_WindowRow = tuple[int, datetime, str]


def _slots(
    frequency: int, start: datetime, end: datetime, rows: Iterable[_WindowRow]
) -> Iterator[tuple[_WindowRow, datetime]]:
    """(row, its first slot in the window) of the rows with one there."""
    step = step_of(frequency)
    for row in rows:
        slot = first_slot(row[0], step, start, row[1])
        if slot <= end:
            yield row, slot


def _catch_up(frequency: int, since: datetime, now: datetime) -> list[Claim]:
    """The monitors of ``frequency`` whose slots fell in ``(since, now]``, found
    late: each runs once, at a catch-up time spread over as long as it was
    behind (the module's rule), its grid from half an interval after it."""
    step, seconds = step_of(frequency), int(step_of(frequency).total_seconds())
    span = min(now - since, step)
    # Locked in id order, as recording locks them: neither waits for the other in a cycle.
    rows = _in_window(frequency, since, now).select_for_update().order_by("pk")
    claims, schedules = [], []
    for row, due_since in _slots(frequency, since, now, rows.values_list(*_WINDOW_ROW)):
        pk, locations = row[0], row[2]
        at = now + phase(pk, span)
        deferred = at > now + lookahead()
        skipped = int((now - due_since) / step)
        claims.append(
            Claim(pk, at, seconds, tuple(location_codes(locations)), due_since, deferred, skipped)
        )
        following = grid_at_or_after(pk, step, at + step / 2)
        schedules.append((pk, following, at if deferred else None))
    bulk.update(_CATCH_UP, schedules)
    return claims


_CATCH_UP = bulk.Columns(Monitor, ("id", "next_check_at", "catch_up_at"))


def claim_window(frequency: int, until: datetime, now: datetime) -> list[Claim]:
    end = now + lookahead()
    if end <= until:
        return []
    claims: list[Claim] = []
    with transaction.atomic():
        moved = ScheduleCursor.objects.filter(frequency=frequency, claimed_until=until)
        if moved.update(claimed_until=end) != 1:
            return []  # another dispatcher claimed it first
        start = until
        if now - until > lookahead():  # a stall: what it missed catches up, spread
            claims, start = _catch_up(frequency, until, now), now
        seconds = int(step_of(frequency).total_seconds())
        rows = _in_window(frequency, start, end).values_list(*_WINDOW_ROW)
        claims += [
            Claim(row[0], slot, seconds, tuple(location_codes(row[2])), slot)
            for row, slot in _slots(frequency, start, end, rows)
        ]
    return claims


def claim_windows(now: datetime) -> list[Claim]:
    """Claim every frequency's window up to ``now`` + lookahead."""
    return [
        claim
        for frequency, until in cursors(now).items()
        for claim in claim_window(frequency, until, now)
    ]
