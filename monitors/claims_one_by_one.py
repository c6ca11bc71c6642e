"""Claims one by one, each with a write to its monitor's row: new and
edited monitors (due at once, up to ``AT_ONCE`` a tick; beyond, spread) and
catch-ups whose time has come (monitors/scheduling.py has the rule). FOR
UPDATE SKIP LOCKED on PostgreSQL; elsewhere a conditional UPDATE that must
still see the values it read."""

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q, QuerySet

from core.locations import location_codes
from monitors import bulk
from monitors.claims import Claim, lookahead, step_of
from monitors.models import Monitor
from monitors.phase import grid_at_or_after, phase

CLAIM_CHUNK = 1000
# New and edited monitors checked at once in a tick (a batch's worth); the
# rest of an import or a bulk edit is spread, at most this far ahead.
AT_ONCE = 250
SPREAD_AT_MOST = timedelta(minutes=5)

_ROW = ["pk", "next_check_at", "frequency", "locations", "updated_at", "claimed_at", "catch_up_at"]
_Row = tuple[int, datetime | None, int, str, datetime, datetime | None, datetime | None]


def _new_or_edited(row: _Row) -> bool:
    """Due at once, rather than a catch-up whose time came."""
    _, next_check_at, _, _, updated_at, claimed_at, catch_up_at = row
    edited = claimed_at is not None and updated_at > claimed_at
    return catch_up_at is None or next_check_at is None or edited


def _first_check(pk: int, step: timedelta, now: datetime) -> datetime:
    """When a new or edited monitor beyond the tick's ``AT_ONCE`` is first
    checked: its grid's first slot, or, for intervals longer than
    ``SPREAD_AT_MOST``, a time spread by its id over that."""
    if step <= SPREAD_AT_MOST:
        return grid_at_or_after(pk, step, now)
    return now + phase(pk, SPREAD_AT_MOST)


def _claim_one(row: _Row, now: datetime, at_once: bool) -> tuple[Claim, tuple[Any, ...]]:
    """The claim of a row read as due one by one, and the row's new schedule
    (id, next_check_at, claimed_at, catch_up_at). ``at_once``: a new or edited
    monitor is checked now rather than spread."""
    pk, next_check_at, frequency, locations, updated_at, claimed_at, catch_up_at = row
    step, codes = step_of(frequency), tuple(location_codes(locations))
    seconds = int(step.total_seconds())
    if _new_or_edited(row):
        claimed_at = max(now, updated_at)
        if at_once:
            following = grid_at_or_after(pk, step, now + step)
            claim = Claim(pk, now, seconds, codes, now, at_once=True)
            return claim, (pk, following, claimed_at, None)
        # Spread as a catch-up is: claimed again when its time comes, unless now.
        at = _first_check(pk, step, now)
        following = grid_at_or_after(pk, step, at + step / 2)
        if at > now + lookahead():
            claim = Claim(pk, at, seconds, codes, at, deferred=True)
            return claim, (pk, following, claimed_at, at)
        return Claim(pk, at, seconds, codes, at), (pk, following, claimed_at, None)
    # A catch-up (its skipped slots were reported when it was found late), at
    # once if a second stall left it behind.
    assert catch_up_at is not None and next_check_at is not None  # as _new_or_edited tells
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


def _with_at_once(rows: Iterable[_Row], at_once: int) -> Iterator[tuple[_Row, bool]]:
    """Each row, and whether it is among the first ``at_once`` new or edited ones."""
    for row in rows:
        new = _new_or_edited(row)
        yield row, new and at_once > 0
        at_once -= new


def claim_one_by_one(
    now: datetime, limit: int = CLAIM_CHUNK, at_once: int = AT_ONCE
) -> list[Claim]:
    """Claim up to ``limit`` new, edited and catching-up monitors due by ``now``
    + lookahead, checking the first ``at_once`` new or edited ones now."""
    due = _due_one_by_one(now + lookahead())
    if connection.vendor == "postgresql":
        with transaction.atomic():
            rows = due.select_for_update(skip_locked=True).values_list(*_ROW)[:limit]
            taken = [
                _claim_one(row, now, check_now) for row, check_now in _with_at_once(rows, at_once)
            ]
            bulk.update(_SCHEDULE, [schedule for _, schedule in taken])
        return [claim for claim, _ in taken]
    claims = []
    with transaction.atomic():
        for row, check_now in _with_at_once(due.values_list(*_ROW)[:limit], at_once):
            claim, (_, following, claimed_at, catch_up_at) = _claim_one(row, now, check_now)
            # Taken only if nobody claimed it since we read it.
            seen = {"next_check_at": row[1], "claimed_at": row[5], "catch_up_at": row[6]}
            if Monitor.objects.filter(pk=row[0], **seen).update(
                next_check_at=following, claimed_at=claimed_at, catch_up_at=catch_up_at
            ):
                claims.append(claim)
    return claims
