"""Claiming due monitors: the schedule lives in the monitor rows.

A monitor's checks fall on a grid, ``next_check_at + k × frequency``. Each
dispatch tick claims the monitors whose slot comes before ``now + lookahead``
and moves ``next_check_at`` to the following slot of the same grid, so the
schedule never drifts however late a tick runs. A monitor that fell far behind
(beat stopped, say) runs once for its latest slot, not once per missed slot.
A new monitor (no ``next_check_at``) or one saved since it was last claimed
(``updated_at > claimed_at``) is due at once and gets a new grid from now.

The claim is atomic: on PostgreSQL one ``UPDATE ... RETURNING`` over rows
locked with ``FOR UPDATE SKIP LOCKED``; elsewhere a conditional UPDATE per row
that must still see the values it read. Two dispatchers at once never claim
the same slot.

Claims look ahead by a little more than one tick, and the probe waits for its
slot, so checks start on time instead of up to a tick late.
"""

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.locations import location_codes
from monitors.models import Monitor

logger = logging.getLogger(__name__)

CLAIM_CHUNK = 1000
# Frequencies are choices from 30 s up; a row edited by hand to 0 must not stop the engine.
MIN_FREQUENCY = 5


@dataclass(frozen=True, slots=True)
class Claim:
    monitor_id: int
    slot: datetime  # when this check is due
    frequency: int
    locations: tuple[str, ...]
    due_since: datetime  # when the monitor became due (its slot, unless slots were skipped)

    @property
    def skipped_slots(self) -> int:
        return round((self.slot - self.due_since).total_seconds() / self.frequency)


@dataclass(frozen=True, slots=True)
class Batch:
    """Checks for one location's queue, carried in one message."""

    location: str
    items: list[tuple[int, str]]  # (monitor id, slot in ISO 8601)
    expires: datetime  # dropped, not run late, when not started by then


def lookahead() -> timedelta:
    return timedelta(seconds=settings.PROBE_DISPATCH_INTERVAL + 1)


def slots(
    next_check_at: datetime | None, frequency: int, now: datetime, *, rescheduled: bool = False
) -> tuple[datetime, datetime]:
    """The slot a claim at ``now`` runs, and the one after it, on the grid."""
    step = timedelta(seconds=max(frequency, MIN_FREQUENCY))
    if next_check_at is None or rescheduled:
        slot = now
    elif next_check_at > now:
        slot = next_check_at
    else:  # late: the latest slot not after now, the missed ones are skipped
        slot = next_check_at + ((now - next_check_at) // step) * step
    following = slot + step
    if following - now < step / 2:
        # A late check runs now; the grid's next slot would follow it within
        # half an interval (after a stall), so that one is skipped too.
        following += step
    return slot, following


_CLAIM_RESCHEDULED_PG = """
WITH picked AS (
    SELECT id FROM monitors_monitor
    WHERE is_active AND (next_check_at IS NULL OR updated_at > claimed_at)
    ORDER BY id LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
)
UPDATE monitors_monitor m
SET next_check_at = %(now)s + make_interval(secs => GREATEST(m.frequency, %(min_frequency)s)),
    claimed_at = GREATEST(%(now)s, m.updated_at)
FROM picked WHERE m.id = picked.id
RETURNING m.id, %(now)s, m.frequency, m.locations, %(now)s
"""

_CLAIM_DUE_PG = """
WITH due AS (
    SELECT id, next_check_at AS due_since FROM monitors_monitor
    WHERE is_active AND next_check_at <= %(horizon)s
    ORDER BY next_check_at LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
), stepped AS (
    SELECT due.*, GREATEST(m.frequency, %(min_frequency)s) AS step
    FROM due JOIN monitors_monitor m ON m.id = due.id
), slotted AS (
    SELECT id, due_since, step, CASE
        WHEN due_since > %(now)s THEN due_since
        ELSE due_since + make_interval(
            secs => floor(extract(epoch FROM %(now)s - due_since) / step) * step
        )
    END AS slot
    FROM stepped
)
UPDATE monitors_monitor m
SET next_check_at = s.slot + make_interval(secs => s.step * CASE
        -- as slots() does: skip a next slot within half an interval of now
        WHEN s.slot + make_interval(secs => s.step) - %(now)s < make_interval(secs => s.step / 2.0)
        THEN 2 ELSE 1 END),
    claimed_at = GREATEST(%(now)s, m.updated_at)
FROM slotted s WHERE m.id = s.id
RETURNING m.id, s.slot, m.frequency, m.locations, s.due_since
"""


def _claims(rows: Iterable[tuple[int, datetime, int, str, datetime]]) -> list[Claim]:
    return [
        Claim(pk, slot, max(frequency, MIN_FREQUENCY), tuple(location_codes(locations)), due_since)
        for pk, slot, frequency, locations, due_since in rows
    ]


def _claim_postgresql(now: datetime, horizon: datetime, limit: int) -> list[Claim]:
    params: dict[str, datetime | int] = {
        "now": now,
        "horizon": horizon,
        "min_frequency": MIN_FREQUENCY,
    }
    claims: list[Claim] = []
    # New and edited monitors first: one also due by its old grid is re-anchored.
    for sql in (_CLAIM_RESCHEDULED_PG, _CLAIM_DUE_PG):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, {**params, "limit": limit - len(claims)})
            claims += _claims(cursor.fetchall())
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
            .values_list(
                "pk", "next_check_at", "frequency", "locations", "updated_at", "claimed_at"
            )
        )
        for pk, next_check_at, frequency, locations, updated_at, claimed_at in rows[:limit]:
            rescheduled = claimed_at is not None and updated_at > claimed_at
            slot, following = slots(next_check_at, frequency, now, rescheduled=rescheduled)
            # Taken only if nobody claimed it since we read it.
            taken = Monitor.objects.filter(
                pk=pk, next_check_at=next_check_at, claimed_at=claimed_at
            ).update(next_check_at=following, claimed_at=max(now, updated_at))
            if taken:
                due_since = now if next_check_at is None or rescheduled else next_check_at
                claims.append((pk, slot, frequency, locations, due_since))
    return _claims(claims)


def claim_due(now: datetime | None = None, limit: int = CLAIM_CHUNK) -> list[Claim]:
    """Claim up to ``limit`` monitors due before ``now`` + lookahead."""
    now = now or timezone.now()
    horizon = now + lookahead()
    if connection.vendor == "postgresql":
        return _claim_postgresql(now, horizon, limit)
    return _claim_conditional(now, horizon, limit)


def claim_all(now: datetime | None = None, budget: float | None = None) -> list[Claim]:
    """Claim in chunks until nothing is due or ``budget`` seconds have passed
    (the next tick carries on), keeping each transaction short."""
    budget = settings.PROBE_DISPATCH_INTERVAL if budget is None else budget
    started = time.monotonic()
    claims: list[Claim] = []
    while True:
        chunk = claim_due(now)
        claims += chunk
        if len(chunk) < CLAIM_CHUNK or time.monotonic() - started > budget:
            return claims


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
        logger.warning(
            "dispatch: %d monitors were overdue by up to %.0f s and skipped %d checks "
            "(was beat or the dispatcher stopped?)",
            len(late), worst, sum(c.skipped_slots for c in late),
        )  # fmt: skip
