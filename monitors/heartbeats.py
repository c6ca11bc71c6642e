"""Heartbeats of the engine's processes: the dispatch records each run, each
Celery worker records itself every WORKER_EVERY seconds (a worker bootstep in
statuspage/worker.py). Health checks, the admin and the page's freshness read
them to say when the engine has gone quiet instead of showing a stale status.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from monitors.models import Heartbeat

DISPATCH = "dispatch"
WORKER_EVERY = 10.0  # seconds between a worker's heartbeats
# Beat dispatches every few seconds: a minute without a dispatch means it has
# stopped (the page's delay notice and the admin's banner both read this).
DISPATCH_SILENT_AFTER = timedelta(minutes=1)
# A worker not heard from for this long is gone (three missed beats).
WORKER_SILENT_AFTER = timedelta(seconds=3 * WORKER_EVERY)
# Rows of workers not heard from for this long are forgotten: a worker renamed
# or moved to another machine must not be reported missing for ever.
FORGET_AFTER = timedelta(days=1)


def _record(name: str, kind: str, locations: str, now: datetime) -> None:
    if Heartbeat.objects.filter(name=name).update(seen_at=now, locations=locations):
        return
    try:
        with transaction.atomic():
            Heartbeat.objects.create(
                name=name, kind=kind, locations=locations, started_at=now, seen_at=now
            )
    except IntegrityError:  # another process created it first
        Heartbeat.objects.filter(name=name).update(seen_at=now, locations=locations)


def dispatched(now: datetime | None = None) -> None:
    """Beat's dispatch ran (once per PROBE_DISPATCH_INTERVAL)."""
    _record(DISPATCH, Heartbeat.Kind.DISPATCH, "", now or timezone.now())


def worker_alive(name: str, locations: list[str], now: datetime | None = None) -> None:
    """Worker ``name`` is running and consuming the probe queues of ``locations``."""
    _record(name, Heartbeat.Kind.WORKER, ",".join(sorted(locations)), now or timezone.now())


def worker_started(name: str, locations: list[str], now: datetime | None = None) -> None:
    """A (re)started worker: its uptime counts from now."""
    now = now or timezone.now()
    worker_alive(name, locations, now)
    Heartbeat.objects.filter(name=name).update(started_at=now)


def last_dispatch() -> datetime | None:
    return Heartbeat.objects.filter(name=DISPATCH).values_list("seen_at", flat=True).first()


def workers(now: datetime | None = None) -> list[Heartbeat]:
    """Workers heard from within FORGET_AFTER, by name."""
    since = (now or timezone.now()) - FORGET_AFTER
    return list(
        Heartbeat.objects.filter(kind=Heartbeat.Kind.WORKER, seen_at__gte=since).order_by("name")
    )


def live_locations(now: datetime | None = None) -> set[str]:
    """Locations served by at least one worker heard from recently."""
    now = now or timezone.now()
    served: set[str] = set()
    for worker in workers(now):
        if now - worker.seen_at <= WORKER_SILENT_AFTER and worker.locations:
            served.update(worker.locations.split(","))
    return served
