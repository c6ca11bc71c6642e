"""Claiming due monitors: each monitor's grid, claimed a window at a time.

A monitor's checks fall on its grid, ``EPOCH + phase + k × frequency``, the
phase a stable spread by its id (monitors/phase.py), so any number of
monitors of one interval fall due evenly across it, however and whenever
they were made, and a restart leaves that so.

Each dispatch tick claims, for each frequency, the window of time from where
its cursor (ScheduleCursor) stands to ``now + lookahead``, moving the cursor
by a conditional UPDATE that must touch its one row: two dispatchers at once
never claim one window twice. The window's monitors are a range of phase
keys (monitor_grid_idx, whose columns checking never changes), each claimed
at its slot in the window, from ``next_check_at`` on. So a claim on the grid
writes nothing per monitor: the schedule never drifts however late a tick
runs, and the monitor row is only written when it is checked (in place, HOT).

One by one, claimed with a write per row (FOR UPDATE SKIP LOCKED on
PostgreSQL, elsewhere a conditional UPDATE that must still see the values it
read): a new monitor (no ``next_check_at``) or one saved since it was last
claimed (``updated_at > claimed_at``) is due at once, then on its grid from
an interval on (``next_check_at``), so the first checks of thousands of
monitors made at once are over before their grids begin; and catch-ups.

A cursor behind by more than the lookahead (beat or the workers stopped,
say) is a stall: each monitor with slots in the missed time runs once, not
once per missed slot, and not all at once with every other, at a catch-up
time spread by its id over as long as the cursor was behind (an interval at
most), so the catch-up costs no more than the schedule itself. Those beyond
the lookahead wait in ``catch_up_at``, claimed one by one when their time
comes. Its grid holds from half an interval after the catch-up: a check is
never followed by the next within half an interval.

Claims look ahead by a little more than one tick, and the probe waits for its
slot, so checks start on time instead of up to a tick late.
"""

import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from core.locations import location_codes
from monitors import bulk
from monitors.models import Monitor, ScheduleCursor
from monitors.phase import grid_at_or_after, key_ranges, phase

logger = logging.getLogger(__name__)

CLAIM_CHUNK = 1000
# A dispatch claims for up to this many ticks when much is due at once (the
# ticks meanwhile expire unused): claiming, not probing, is what a burst waits on.
DISPATCH_TICKS = 5
# Frequencies are choices from 30 s up; a row edited by hand to 0 must not stop the engine.
MIN_FREQUENCY = 5


@dataclass(frozen=True, slots=True)
class Claim:
    monitor_id: int
    slot: datetime  # when this check is due
    frequency: int
    locations: tuple[str, ...]
    due_since: datetime  # when the monitor became due (its slot, unless slots were skipped)
    deferred: bool = False  # a catch-up beyond the lookahead: nothing to send yet
    skipped_slots: int = 0  # the slots passed while it was behind, beyond the one it runs


@dataclass(frozen=True, slots=True)
class Batch:
    """Checks for one location's queue, carried in one message."""

    location: str
    items: list[tuple[int, str]]  # (monitor id, slot in ISO 8601)
    expires: datetime  # dropped, not run late, when not started by then


def lookahead() -> timedelta:
    return timedelta(seconds=settings.PROBE_DISPATCH_INTERVAL + 1)


_MICROSECOND = timedelta(microseconds=1)


def step_of(frequency: int) -> timedelta:
    return timedelta(seconds=max(frequency, MIN_FREQUENCY))


def first_slot(monitor_id: int, step: timedelta, after: datetime, not_before: datetime) -> datetime:
    """The monitor's first slot after ``after`` and not before ``not_before``."""
    return grid_at_or_after(monitor_id, step, max(after + _MICROSECOND, not_before))


# --- one by one: new, edited, catching up -------------------------------------------

_ROW = ["pk", "next_check_at", "frequency", "locations", "updated_at", "claimed_at", "catch_up_at"]
_Row = tuple[int, datetime | None, int, str, datetime, datetime | None, datetime | None]


def _claim_one(row: _Row, now: datetime) -> tuple[Claim, tuple[Any, ...]]:
    """The claim of a row read as due one by one, and the row's new schedule
    (id, next_check_at, claimed_at, catch_up_at)."""
    pk, next_check_at, frequency, locations, updated_at, claimed_at, catch_up_at = row
    step, codes = step_of(frequency), tuple(location_codes(locations))
    seconds = int(step.total_seconds())
    edited = claimed_at is not None and updated_at > claimed_at
    if catch_up_at is None or next_check_at is None or edited:  # due at once
        following = grid_at_or_after(pk, step, now + step)
        return Claim(pk, now, seconds, codes, now), (pk, following, max(now, updated_at), None)
    # A catch-up (its skipped slots were reported when it was found late), at
    # once if a second stall left it behind.
    slot = catch_up_at if now - catch_up_at <= lookahead() else now
    following = max(next_check_at, grid_at_or_after(pk, step, slot + step / 2))
    return Claim(pk, slot, seconds, codes, catch_up_at), (pk, following, claimed_at, None)


_SCHEDULE = bulk.Columns(Monitor, ("id", "next_check_at", "claimed_at", "catch_up_at"))


def _due_one_by_one(horizon: datetime) -> QuerySet[Monitor]:
    due = (
        Q(next_check_at__isnull=True)
        | Q(updated_at__gt=F("claimed_at"))
        | Q(catch_up_at__lte=horizon)
    )
    return Monitor.objects.filter(due, is_active=True).order_by("pk")


def claim_one_by_one(now: datetime, limit: int = CLAIM_CHUNK) -> list[Claim]:
    """Claim up to ``limit`` new, edited and catching-up monitors due by ``now`` + lookahead."""
    due = _due_one_by_one(now + lookahead())
    if connection.vendor == "postgresql":
        with transaction.atomic():
            rows = due.select_for_update(skip_locked=True).values_list(*_ROW)[:limit]
            taken = [_claim_one(row, now) for row in rows]
            bulk.update(_SCHEDULE, [schedule for _, schedule in taken])
        return [claim for claim, _ in taken]
    claims = []
    with transaction.atomic():
        for row in due.values_list(*_ROW)[:limit]:
            claim, (_, following, claimed_at, catch_up_at) = _claim_one(row, now)
            # Taken only if nobody claimed it since we read it.
            seen = {"next_check_at": row[1], "claimed_at": row[5], "catch_up_at": row[6]}
            if Monitor.objects.filter(pk=row[0], **seen).update(
                next_check_at=following, claimed_at=claimed_at, catch_up_at=catch_up_at
            ):
                claims.append(claim)
    return claims


# --- a window at a time ------------------------------------------------------------


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


_WINDOW_ROW = ["pk", "next_check_at", "locations", "updated_at", "claimed_at", "catch_up_at"]


def _in_window(frequency: int, start: datetime, end: datetime) -> QuerySet[Monitor]:
    """The active monitors of ``frequency`` (and a few more: the caller checks
    each slot) with a slot in ``(start, end]``, by ranges of their phase keys."""
    ranges = Q()
    for low, high in key_ranges(step_of(frequency), start, end):
        ranges |= Q(phase_key__gte=low, phase_key__lt=high)
    return Monitor.objects.filter(ranges, is_active=True, frequency=frequency).order_by()


_WindowRow = tuple[int, datetime | None, str, datetime, datetime | None, datetime | None]


def _slots(
    frequency: int, start: datetime, end: datetime, rows: Iterable[_WindowRow]
) -> Iterator[tuple[_WindowRow, datetime]]:
    """(row, its first slot in the window) of the rows on their grid there:
    not new, edited, nor catching up (claimed one by one)."""
    step = step_of(frequency)
    for row in rows:
        pk, next_check_at, _, updated_at, claimed_at, catch_up_at = row
        if next_check_at is None or catch_up_at or (claimed_at and updated_at > claimed_at):
            continue
        slot = first_slot(pk, step, start, next_check_at)
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


def _claim_window(frequency: int, until: datetime, now: datetime) -> list[Claim]:
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
        for claim in _claim_window(frequency, until, now)
    ]


def claim_due(now: datetime | None = None, limit: int = CLAIM_CHUNK) -> list[Claim]:
    """Claim the monitors due before ``now`` + lookahead: every window, and up
    to ``limit`` monitors one by one."""
    now = now or timezone.now()
    return claim_windows(now) + claim_one_by_one(now, limit)


def claim_chunks(now: datetime | None = None, budget: float | None = None) -> Iterator[list[Claim]]:
    """Claim in chunks, each its own short transaction, until nothing is due
    or ``budget`` seconds have passed (the next tick carries on): the caller
    sends each chunk's checks before the next is claimed, so after a burst
    the first checks do not wait for the last claims, and the windows keep
    up meanwhile. ``now`` None: the clock's, read again for each chunk."""
    budget = settings.PROBE_DISPATCH_INTERVAL * DISPATCH_TICKS if budget is None else budget
    started = time.monotonic()
    while True:
        at = now or timezone.now()
        yield claim_windows(at)
        chunk = claim_one_by_one(at)
        yield chunk
        if len(chunk) < CLAIM_CHUNK or time.monotonic() - started > budget:
            return


def claim_all(now: datetime | None = None, budget: float | None = None) -> list[Claim]:
    """Every chunk claim_chunks claims, together."""
    return [claim for chunk in claim_chunks(now, budget) for claim in chunk]


def next_check(monitor: Monitor, now: datetime) -> datetime | None:
    """When the monitor is next checked, as far as its schedule says (None: at once)."""
    if monitor.catch_up_at or monitor.next_check_at is None:
        return monitor.catch_up_at
    step = step_of(monitor.frequency)
    return first_slot(monitor.pk, step, now - _MICROSECOND, monitor.next_check_at)


def batches(claims: list[Claim], now: datetime, size: int | None = None) -> list[Batch]:
    """One location's checks per message, grouped by frequency: a batch not
    started within one interval of its slots (or of now, for slots caught up
    on) is dropped, because the next slot is already on its way."""
    size = size or settings.PROBE_BATCH_SIZE
    per_location = sorted(
        ((code, claim) for claim in claims for code in claim.locations),
        key=lambda pair: (pair[0], pair[1].frequency, pair[1].slot),
    )
    result = []
    per_location = [(code, claim) for code, claim in per_location if not claim.deferred]
    for (location, frequency), group in groupby(
        per_location, key=lambda pair: (pair[0], pair[1].frequency)
    ):
        group_claims = [claim for _, claim in group]
        for start in range(0, len(group_claims), size):
            chunk = group_claims[start : start + size]
            items = [(c.monitor_id, c.slot.isoformat()) for c in chunk]
            expires = max(now, *(c.slot for c in chunk)) + timedelta(seconds=frequency)
            result.append(Batch(location, items, expires))
    return result


def report_skipped(claims: list[Claim], now: datetime) -> None:
    """Say so when monitors were found late enough to skip slots: beat or the
    dispatcher stalled, and those checks were not run."""
    late = [c for c in claims if c.skipped_slots]
    if late:
        worst = max((now - c.due_since).total_seconds() for c in late)
        last = max(c.slot for c in late)
        logger.warning(
            "dispatch: %d monitors were overdue by up to %.0f s and skipped %d checks "
            "(was beat or the dispatcher stopped?); they catch up, spread over the next %.0f s",
            len(late), worst, sum(c.skipped_slots for c in late),
            max((last - now).total_seconds(), 0),
        )  # fmt: skip
