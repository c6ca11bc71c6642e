"""Claiming due monitors: the schedule lives in the monitor rows.

A monitor's checks fall on its grid, ``EPOCH + phase + k × frequency``, the
phase a stable spread by its id (monitors/phase.py), so any number of
monitors of one interval fall due evenly across it, however and whenever
they were made, and a restart leaves that so. Each dispatch tick claims the
monitors whose slot comes before ``now + lookahead`` and moves
``next_check_at`` to the grid's following slot, so the schedule never drifts
however late a tick runs. A monitor that fell behind by more than the
lookahead (beat or the workers stopped, say) runs once, not once per missed
slot, and not all at once with every other: at a catch-up time spread by its
id over as long as it was behind (an interval at most), so the catch-up
costs no more than the schedule itself; claims whose catch-up time is
beyond the lookahead only move ``next_check_at`` there (``deferred``). Its
next check is back on its grid. A new monitor (no ``next_check_at``) or one saved since it was last
claimed (``updated_at > claimed_at``) is due at once, then on its grid from
an interval on. A check is never followed by the next within half an interval.

The claim is atomic: on PostgreSQL the rows are locked with ``FOR UPDATE
SKIP LOCKED`` and updated in the same transaction; elsewhere a conditional
UPDATE per row that must still see the values it read. Two dispatchers at
once never claim the same slot. Both compute the slots with ``slots()``.

Claims look ahead by a little more than one tick, and the probe waits for its
slot, so checks start on time instead of up to a tick late.
"""

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.locations import location_codes
from monitors import bulk
from monitors.models import Monitor
from monitors.phase import grid_at_or_after, phase

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


def slots(
    monitor_id: int,
    next_check_at: datetime | None,
    frequency: int,
    now: datetime,
    *,
    rescheduled: bool = False,
) -> tuple[datetime, datetime]:
    """The slot a claim at ``now`` runs, and the next one: the first slot of
    the monitor's grid at least half an interval after both (so a late check
    is not followed by the next within seconds), a whole interval after a
    first check (so the first checks of thousands of monitors made at once,
    run together, are over before their grids begin). A monitor behind by
    more than the lookahead runs at its catch-up time (the module's rule)."""
    step = timedelta(seconds=max(frequency, MIN_FREQUENCY))
    if next_check_at is None or rescheduled:
        return now, grid_at_or_after(monitor_id, step, now + step)
    behind = now - next_check_at
    # Due now (on its grid or a little late), or at its catch-up time.
    slot = next_check_at if behind <= lookahead() else now + phase(monitor_id, min(behind, step))
    return slot, grid_at_or_after(monitor_id, step, max(slot, now) + step / 2)


_ROW = ["pk", "next_check_at", "frequency", "locations", "updated_at", "claimed_at"]
_Row = tuple[int, datetime | None, int, str, datetime, datetime | None]


def _claim(row: _Row, now: datetime) -> tuple[Claim, datetime, datetime]:
    """The claim of a row read as due, with its new next_check_at and claimed_at."""
    pk, next_check_at, frequency, locations, updated_at, claimed_at = row
    rescheduled = claimed_at is not None and updated_at > claimed_at
    slot, following = slots(pk, next_check_at, frequency, now, rescheduled=rescheduled)
    due_since = now if next_check_at is None or rescheduled else next_check_at
    step = max(frequency, MIN_FREQUENCY)
    claim = Claim(
        pk, slot, step, tuple(location_codes(locations)), due_since,
        deferred=slot > now + lookahead(),
        skipped_slots=int((now - due_since).total_seconds() // step) if slot > due_since else 0,
    )  # fmt: skip
    deferred = claim.deferred
    return claim, slot if deferred else following, max(now, updated_at)


_MOVES = bulk.Columns(Monitor, ("id", "next_check_at", "claimed_at"))


def _claim_postgresql(now: datetime, horizon: datetime, limit: int) -> list[Claim]:
    claims: list[Claim] = []
    # New and edited monitors first: one also due by its old grid is re-anchored.
    for due in (
        Q(next_check_at__isnull=True) | Q(updated_at__gt=F("claimed_at")),
        Q(next_check_at__lte=horizon),
    ):
        with transaction.atomic():
            rows = (
                Monitor.objects.filter(due, is_active=True)
                .select_for_update(skip_locked=True)
                .order_by(F("next_check_at").asc(nulls_first=True), "pk")
                .values_list(*_ROW)[: limit - len(claims)]
            )
            taken = [_claim(row, now) for row in rows]
            bulk.update(_MOVES, [(c.monitor_id, following, at) for c, following, at in taken])
            claims += [claim for claim, _, _ in taken]
        if len(claims) >= limit:
            break
    return claims


def _claim_conditional(now: datetime, horizon: datetime, limit: int) -> list[Claim]:
    due = (
        Q(next_check_at__lte=horizon)
        | Q(next_check_at__isnull=True)
        | Q(updated_at__gt=F("claimed_at"))
    )
    claims = []
    with transaction.atomic():
        rows = (
            Monitor.objects.filter(due, is_active=True)
            .order_by(F("next_check_at").asc(nulls_first=True), "pk")
            .values_list(*_ROW)
        )
        for row in rows[:limit]:
            claim, following, claimed_at = _claim(row, now)
            # Taken only if nobody claimed it since we read it.
            if Monitor.objects.filter(pk=row[0], next_check_at=row[1], claimed_at=row[5]).update(
                next_check_at=following, claimed_at=claimed_at
            ):
                claims.append(claim)
    return claims


def claim_due(now: datetime | None = None, limit: int = CLAIM_CHUNK) -> list[Claim]:
    """Claim up to ``limit`` monitors due before ``now`` + lookahead."""
    now = now or timezone.now()
    horizon = now + lookahead()
    if connection.vendor == "postgresql":
        return _claim_postgresql(now, horizon, limit)
    return _claim_conditional(now, horizon, limit)


def claim_chunks(now: datetime | None = None, budget: float | None = None) -> Iterator[list[Claim]]:
    """Claim in chunks, each its own short transaction, until nothing is due
    or ``budget`` seconds have passed (the next tick carries on): the caller
    sends each chunk's checks before the next is claimed, so after a burst
    the first checks do not wait for the last claims. ``now`` None: the
    clock's, read again for each chunk."""
    budget = settings.PROBE_DISPATCH_INTERVAL * DISPATCH_TICKS if budget is None else budget
    started = time.monotonic()
    while True:
        chunk = claim_due(now)
        yield chunk
        if len(chunk) < CLAIM_CHUNK or time.monotonic() - started > budget:
            return


def claim_all(now: datetime | None = None, budget: float | None = None) -> list[Claim]:
    """Every chunk claim_chunks claims, together."""
    return [claim for chunk in claim_chunks(now, budget) for claim in chunk]


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
