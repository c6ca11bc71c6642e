"""What the health endpoint (statuspage/health/) needs to know about the
engine, each in one bounded query: how long since beat's last dispatch, which
probe locations are in use and which have a live worker, and how late the
recent checks of each location started. Kept here, beside the heartbeats and
the backlog, so the top layer reads facts and only judges them."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.locations import location_codes
from monitors import heartbeats
from monitors.backlog import percentile
from monitors.models import LocationResult, Monitor

LATENESS_WINDOW = timedelta(minutes=5)  # the checks whose lateness counts


def dispatch_age(now: datetime) -> float | None:
    """Seconds since beat's dispatch last ran, None if it never did."""
    last = heartbeats.last_dispatch()
    return None if last is None else max(0.0, (now - last).total_seconds())


def locations_in_use() -> set[str]:
    """Locations that at least one active monitor is probed from."""
    spellings = Monitor.objects.active().values_list("locations", flat=True).distinct()
    return {code for spelling in spellings for code in location_codes(spelling)}


@dataclass
class WorkerSeen:
    name: str
    locations: list[str]
    seen_at: datetime
    age: float  # seconds since its last heartbeat
    live: bool  # heard from within heartbeats.WORKER_SILENT_AFTER


def workers(now: datetime) -> list[WorkerSeen]:
    """Every worker heard from in the last day, live or not, by name."""
    silent = heartbeats.WORKER_SILENT_AFTER.total_seconds()
    seen = []
    for beat in heartbeats.workers(now):
        age = max(0.0, (now - beat.seen_at).total_seconds())
        seen.append(WorkerSeen(beat.name, location_codes(beat.locations), beat.seen_at, age,
                               age <= silent))  # fmt: skip
    return seen


def lateness_p99(now: datetime) -> dict[str, float]:
    """Per location, the 99th percentile of how late (seconds after their
    slot) the checks of the last LATENESS_WINDOW started."""
    recent = LocationResult.objects.filter(checked_at__gte=now - LATENESS_WINDOW)
    late: dict[str, list[float]] = defaultdict(list)
    for location, slot, checked_at in recent.values_list("location", "slot", "checked_at"):
        late[location].append((checked_at - slot).total_seconds())
    return {location: percentile(values, 0.99) or 0.0 for location, values in late.items()}
