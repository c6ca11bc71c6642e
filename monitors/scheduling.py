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
an interval on (``next_check_at``); and catch-ups. At once, that is, for the
first ``AT_ONCE`` of a tick: beyond them (an import, a bulk edit, a script)
each is first checked at its grid's first slot (for intervals over
``SPREAD_AT_MOST``, at a time spread by its id over that), waiting there as a
catch-up does, so thousands made at once load the engine no more than their
schedule: what is due at once is what the engine checks in a tick.

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
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby

from django.conf import settings
from django.utils import timezone

from monitors.claims import Claim, step_of
from monitors.claims_by_window import claim_windows
from monitors.claims_one_by_one import AT_ONCE, CLAIM_CHUNK, claim_one_by_one
from monitors.models import Monitor
from monitors.phase import grid_at_or_after

logger = logging.getLogger(__name__)

# A dispatch claims for up to this many ticks when much is due at once (the
# ticks meanwhile expire unused): claiming, not probing, is what a burst waits on.
DISPATCH_TICKS = 5


@dataclass(frozen=True, slots=True)
class Batch:
    """Checks for one location's queue, carried in one message."""

    location: str
    items: list[tuple[int, str]]  # (monitor id, slot in ISO 8601)
    expires: datetime  # dropped, not run late, when not started by then


def claim_due(
    now: datetime | None = None, limit: int = CLAIM_CHUNK, at_once: int = AT_ONCE
) -> list[Claim]:
    """Claim the monitors due before ``now`` + lookahead: every window, and up
    to ``limit`` monitors one by one (``at_once`` of the new ones checked now)."""
    now = now or timezone.now()
    return claim_windows(now) + claim_one_by_one(now, limit, at_once)


def claim_chunks(now: datetime | None = None, budget: float | None = None) -> Iterator[list[Claim]]:
    """Claim in chunks, each its own short transaction, until nothing is due
    or ``budget`` seconds have passed (the next tick carries on): the caller
    sends each chunk's checks before the next is claimed, so after a burst
    the first checks do not wait for the last claims, and the windows keep
    up meanwhile. ``now`` None: the clock's, read again for each chunk."""
    budget = settings.PROBE_DISPATCH_INTERVAL * DISPATCH_TICKS if budget is None else budget
    started, at_once = time.monotonic(), AT_ONCE
    while True:
        at = now or timezone.now()
        yield claim_windows(at)
        chunk = claim_one_by_one(at, at_once=at_once)
        at_once -= sum(claim.at_once for claim in chunk)
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
    return grid_at_or_after(monitor.pk, step, max(now, monitor.next_check_at))


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
