"""The engine's health as staff read it in the admin (the cockpit): what ``engine_status``
prints, plus heartbeats, throughput and the alarm behind the red banner.
Queue lengths come from the broker and are read in the top layer."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from monitors import backlog, heartbeats, throughput
from monitors.models import Heartbeat, Monitor

# A location is behind when this share of its monitors has not been checked
# from there for over an interval (``backlog``'s "overdue": two intervals).
BEHIND_SHARE = 0.10


@dataclass
class Health:
    now: datetime
    last_dispatch: datetime | None
    workers: list[Heartbeat]
    locations: dict[str, backlog.LocationBacklog]
    unclaimed: int
    checks_per_second: float
    active_monitors: int
    problems: list[str] = field(default_factory=list)

    def worker_silent(self, worker: Heartbeat) -> bool:
        return self.now - worker.seen_at > heartbeats.WORKER_SILENT_AFTER


def dispatch_stopped(last: datetime | None, now: datetime, active_monitors: int) -> bool:
    """No dispatch for a minute while there is something to probe."""
    if active_monitors == 0:
        return False
    return last is None or now - last > heartbeats.DISPATCH_SILENT_AFTER


def location_behind(row: backlog.LocationBacklog) -> bool:
    return row.monitors > 0 and row.overdue >= max(1.0, BEHIND_SHARE * row.monitors)


def problems(
    last: datetime | None, now: datetime, active: int, rows: dict[str, backlog.LocationBacklog]
) -> list[str]:
    """Sentences for the red banner; empty when the engine keeps up."""
    found = []
    if dispatch_stopped(last, now, active):
        if last is None:
            found.append("The engine has never dispatched a check: is celery beat running?")
        else:
            found.append(
                f"The engine has not dispatched checks since {last:%Y-%m-%d %H:%M:%S} UTC: "
                "is celery beat running?"
            )
    for code, row in rows.items():
        if location_behind(row):
            found.append(
                f"Location {code} is over an interval behind: {row.overdue} of its "
                f"{row.monitors} monitors are overdue. Are its workers running?"
            )
    return found


def alarm(now: datetime | None = None) -> list[str]:
    """The banner's sentences (three queries; cache it per request burst)."""
    now = now or timezone.now()
    active, rows = backlog.overdue_by_location(now)
    return problems(heartbeats.last_dispatch(), now, active, rows)


def health(now: datetime | None = None, minutes: int = 5) -> Health:
    now = now or timezone.now()
    rows = backlog.by_location(now, minutes)
    active = Monitor.objects.active().count()
    last = heartbeats.last_dispatch()
    return Health(
        now=now,
        last_dispatch=last,
        workers=heartbeats.workers(now),
        locations=rows,
        unclaimed=backlog.unclaimed(now),
        checks_per_second=throughput.per_second(now),
        active_monitors=active,
        problems=problems(last, now, active, rows),
    )
