"""Claims one by one, each with a write to its monitor's row: new and
edited monitors (due at once) and catch-ups whose time has come
(monitors/scheduling.py has the rule). FOR UPDATE SKIP LOCKED on PostgreSQL;
elsewhere a conditional UPDATE that must still see the values it read."""

from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q, QuerySet

from core.locations import location_codes
from monitors import bulk
from monitors.claims import Claim, lookahead, step_of
from monitors.models import Monitor
from monitors.phase import grid_at_or_after

CLAIM_CHUNK = 1000

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
