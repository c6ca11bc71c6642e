"""The state machine: the one place where results become a monitor's status.

Each probe location keeps a vote (LocationResult.status):

- ``up`` after a success;
- ``down`` once more consecutive failures than the monitor's ``retries``
  (default 1: the second failure in a row);
- otherwise unchanged (``pending`` before the location's first verdict); a
  result that could not be taken at all (``ok`` None, e.g. ICMP not
  permitted) changes nothing.

The monitor's status is the majority of its locations' fresh votes: ``down``
when more than half of them say down (a tie is up: the service answers
somewhere), ``pending`` until a first verdict. Over everything,
``maintenance`` while a window covers the monitor; when it ends the status is
the votes' majority again. Paused monitors are not probed and keep the status
they had (the maintenance sync skips them too), so resuming one changes
nothing until its next result.

Every change is a StatusEvent written in the same transaction as the status.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core import pagecache
from core.enums import Status
from maintenance.windows import monitors_in_maintenance
from monitors.models import LocationResult, Monitor, StatusEvent
from monitors.probes.result import ProbeResult

MAINTENANCE_STARTED = "maintenance window started"
MAINTENANCE_ENDED = "maintenance window ended"
TARGET_CHANGED = "what is probed changed"


@dataclass(frozen=True, slots=True)
class Vote:
    """A location's standing after its latest result."""

    status: str
    consecutive_failures: int
    checked_at: datetime


@dataclass(frozen=True, slots=True)
class Change:
    to_status: str
    reason: str


class Moving(Protocol):
    """A monitor whose status moves: a Monitor, or recording's plain row."""

    pk: int
    status: str
    status_changed_at: datetime | None


def next_vote(previous: Vote | None, result: ProbeResult, retries: int, at: datetime) -> Vote:
    status = previous.status if previous else Status.PENDING
    failures = previous.consecutive_failures if previous else 0
    if result.ok is None:
        return Vote(status, failures, at)
    if result.ok:
        return Vote(Status.UP, 0, at)
    failures += 1
    return Vote(Status.DOWN if failures > retries else status, failures, at)


def stale_after(frequency: int) -> timedelta:
    """A vote older than this no longer counts (its location has gone quiet)."""
    return timedelta(seconds=3 * frequency + 60)


def majority(votes: Iterable[Vote], frequency: int, now: datetime) -> str | None:
    """up or down by the fresh votes, None when no location has a verdict."""
    since = now - stale_after(frequency)
    fresh = [
        v.status for v in votes if v.status in (Status.UP, Status.DOWN) and v.checked_at >= since
    ]
    if not fresh:
        return None
    downs = sum(status == Status.DOWN for status in fresh)
    return Status.DOWN if downs * 2 > len(fresh) else Status.UP


def decide(
    current: str, *, in_maintenance: bool, verdict: str | None, reason: str
) -> Change | None:
    """The change to make, if any. ``reason`` explains ``verdict`` (the
    result that led to it)."""
    if in_maintenance:
        return (
            None
            if current == Status.MAINTENANCE
            else Change(Status.MAINTENANCE, MAINTENANCE_STARTED)
        )
    if current == Status.MAINTENANCE:
        target = verdict or Status.PENDING
        return Change(target, reason if target == Status.DOWN else MAINTENANCE_ENDED)
    if verdict is None or verdict == current:
        return None
    return Change(verdict, reason)


def apply(monitor: Moving, change: Change, at: datetime) -> StatusEvent:
    """Move ``monitor`` (in memory) and return the event to save with it."""
    event = StatusEvent(
        monitor_id=monitor.pk, at=at, from_status=monitor.status, to_status=change.to_status,
        reason=change.reason[:500],
    )  # fmt: skip
    monitor.status, monitor.status_changed_at = change.to_status, at
    return event


def restart(monitor_id: int, at: datetime | None = None) -> StatusEvent | None:
    """Start a monitor's status over (pending) because what it probes changed:
    the old target's record says nothing about the new one. Votes cast before
    ``status_changed_at`` no longer count (monitors/recording.py)."""
    at = at or timezone.now()
    with transaction.atomic():
        monitor = Monitor.objects.select_for_update().only("status").get(pk=monitor_id)
        Monitor.objects.filter(pk=monitor_id).update(consecutive_failures=0)
        if monitor.status == Status.PENDING:
            return None
        event = apply(monitor, Change(Status.PENDING, TARGET_CHANGED), at)
        event.save()
        Monitor.objects.filter(pk=monitor_id).update(status=Status.PENDING, status_changed_at=at)
    pagecache.changed(monitors=[monitor_id])
    return event


def votes_of(results: Iterable[LocationResult]) -> dict[tuple[int, str], Vote]:
    return {
        (r.monitor_id, r.location): Vote(r.status, r.consecutive_failures, r.checked_at)
        for r in results
    }


def sync_maintenance(now: datetime | None = None) -> int:
    """Move active monitors into and out of maintenance as windows open and
    close, whether or not a probe result arrives; returns how many moved."""
    now = now or timezone.now()
    covered = monitors_in_maintenance(now)
    entering = Q(pk__in=covered) & ~Q(status=Status.MAINTENANCE)
    leaving = Q(status=Status.MAINTENANCE) & ~Q(pk__in=covered)
    with transaction.atomic():
        monitors = list(
            Monitor.objects.select_for_update()
            .filter(entering | leaving, is_active=True)
            .order_by("pk")
            .only("id", "status", "status_changed_at", "locations", "frequency")
        )
        if not monitors:
            return 0
        results = list(LocationResult.objects.filter(monitor__in=monitors))
        votes = votes_of(results)
        errors = {r.monitor_id: r.error for r in results if r.status == Status.DOWN}
        events = []
        for monitor in monitors:
            verdict = majority(
                [votes[monitor.pk, c] for c in monitor.location_codes if (monitor.pk, c) in votes],
                monitor.frequency,
                now,
            )
            change = decide(
                monitor.status, in_maintenance=monitor.pk in covered, verdict=verdict,
                reason=errors.get(monitor.pk) or MAINTENANCE_ENDED,
            )  # fmt: skip
            if change:
                events.append(apply(monitor, change, now))
        Monitor.objects.bulk_update(monitors, ["status", "status_changed_at"])
        StatusEvent.objects.bulk_create(events)
    pagecache.changed(monitors=[m.pk for m in monitors])
    return len(events)
