"""The probe engine's Celery tasks.

beat → ``dispatch`` (every PROBE_DISPATCH_INTERVAL s, on the ``celery``
queue) claims due monitors and sends ``probe_batch`` messages to each
location's queue (``probes.USE``, ...); a worker consuming that queue probes
the batch on its process's event loop and records the results in one
transaction. Run probe workers with ``--pool threads`` so one process keeps
several batches (and hundreds of probes) in flight; the probes enforce their
own timeouts, which that pool's lack of time limits makes necessary.
"""

import logging
import statistics
import time
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from celery import shared_task
from celery.app.task import Context
from celery.signals import task_revoked
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from core.locations import probe_queue
from monitors import bulk, heartbeats, recording, rollups_ahead, scheduling, state, telemetry
from monitors.claims import MIN_FREQUENCY, Claim, step_of
from monitors.models import LocationResult, Monitor
from monitors.probes import spacing, spec
from monitors.probes.runner import Job, Outcome, shared_loop
from monitors.probes.spec import ProbeSpec

logger = logging.getLogger(__name__)

# A check starting later than this after its slot is worth a warning.
LATE_WARNING_SECONDS = 2.0
_last_late_warning: dict[str, float] = {}


@shared_task(name="monitors.tasks.dispatch", ignore_result=True, time_limit=60, soft_time_limit=50)
def dispatch() -> int:
    """Claim the due monitors and queue their checks."""
    now = timezone.now()
    heartbeats.dispatched(now)
    claims: list[Claim] = []
    for chunk in scheduling.claim_chunks():
        claims += chunk
        for batch in scheduling.batches(chunk, timezone.now()):
            probe_batch.apply_async(
                (batch.location, batch.items), queue=probe_queue(batch.location),
                expires=batch.expires,
            )  # fmt: skip
    scheduling.report_skipped(claims, now)
    return len(claims)


def _report_lateness(location: str, outcomes: list[Outcome]) -> None:
    """A warning (at most one a minute per location and process) when checks
    start late: the location's workers are not keeping up."""
    late = sorted(o.lateness for o in outcomes)
    if not late or late[-1] < LATE_WARNING_SECONDS:
        return
    if time.monotonic() - _last_late_warning.get(location, -1e9) < 60:
        return
    _last_late_warning[location] = time.monotonic()
    logger.warning(
        "%s is behind: %d of %d checks started over %.0f s late (median %.1f s, worst %.1f s); "
        "add workers for this location (see `manage.py engine_status`)",
        probe_queue(location), sum(s >= LATE_WARNING_SECONDS for s in late), len(late),
        LATE_WARNING_SECONDS, statistics.median(late), late[-1],
    )  # fmt: skip


@shared_task(
    name="monitors.tasks.probe_batch", ignore_result=True, acks_late=True,
    time_limit=300, soft_time_limit=280,
)  # fmt: skip
def probe_batch(location: str, items: list[tuple[int, str]]) -> int:
    """Probe one location's batch at its slots and record the results.
    ``items`` are scheduling.Batch.items: (monitor id, slot), lists once through JSON."""
    slots = {int(pk): datetime.fromisoformat(slot) for pk, slot in items}
    monitors = _not_checked_lately(location, _active_specs(slots), slots)
    jobs = []
    for monitor in monitors:
        monitor.timeout = min(max(monitor.timeout, 1), 60)
        jobs.append(Job(monitor, slots[monitor.pk], location, step_of(monitor.frequency)))
    outcomes = shared_loop(settings.PROBES_IN_FLIGHT).run(jobs)
    _report_lateness(location, outcomes)
    telemetry.count_batch(location, monitors, outcomes)  # done, whether recorded or not
    return recording.record(location, outcomes)


def _active_specs(ids: Iterable[int]) -> list[ProbeSpec]:
    # is_active is tested here, not in SQL: with it, PostgreSQL may read the
    # whole active half of monitor_grid_idx for a batch of 250 ids.
    rows = Monitor.objects.filter(bulk.among(ids)).order_by()
    return [
        ProbeSpec(*row) for active, *row in rows.values_list("is_active", *spec.COLUMNS) if active
    ]


def _not_checked_lately(
    location: str, monitors: list[ProbeSpec], slots: dict[int, datetime]
) -> list[ProbeSpec]:
    """``spacing``'s rule against the results recorded here, by any process:
    leave out a slot that follows a late check on the same grid. (The event
    loop applies it again at start time, for a late batch still running in
    this process.) A monitor edited since starts a new grid, so its first
    check is never left out."""
    # Only checks late enough to leave a slot out (over half the shortest
    # interval, give or take a grid's tolerance): none while the engine keeps up.
    late = F("slot") + (step_of(MIN_FREQUENCY) / 2 - spacing.SAME_GRID)
    last = {
        pk: (slot, checked_at)
        for pk, slot, checked_at in LocationResult.objects.filter(
            bulk.among(slots, "monitor_id"), location=location, checked_at__gt=late
        ).values_list("monitor_id", "slot", "checked_at")
    }
    kept = []
    for monitor in monitors:
        slot, previous = slots[monitor.pk], last.get(monitor.pk)
        if previous is not None and spacing.follows_late_check(
            slot, step_of(monitor.frequency), *previous
        ):
            logger.info(
                "monitor %s: the %s check ran late; the next slot is left out", monitor.pk, location
            )
            continue
        kept.append(monitor)
    return kept


@task_revoked.connect
def _report_dropped(
    sender: object = None, request: Context | None = None, expired: bool = False, **kwargs: Any
) -> None:
    # Context's fields are the message's headers; the stubs leave out ``task`` (its name).
    if expired and request is not None and request.task == probe_batch.name:  # type: ignore[attr-defined]
        # dispatch always sends probe_batch its two arguments.
        location, items = cast("Sequence[Any]", request.args)
        logger.warning(
            "%s: a batch of %d checks expired in the queue and was dropped; "
            "the workers for %s are not keeping up",
            probe_queue(location), len(items), location,
        )  # fmt: skip


@shared_task(
    name="monitors.tasks.apply_maintenance", ignore_result=True, time_limit=60, soft_time_limit=50
)
def apply_maintenance() -> int:
    """Move monitors into and out of maintenance as windows open and close."""
    return state.sync_maintenance()


@shared_task(
    name="monitors.tasks.make_rollups_ahead", ignore_result=True, time_limit=300,
    soft_time_limit=280,
)  # fmt: skip
def make_rollups_ahead() -> dict[str, int]:
    """The next hour's (and day's) rollup rows, before it begins (monitors/rollups_ahead.py)."""
    return rollups_ahead.make_ahead()


@shared_task(name="monitors.tasks.prune", ignore_result=True, time_limit=1800, soft_time_limit=1700)
def prune() -> dict[str, int]:
    return recording.prune()
