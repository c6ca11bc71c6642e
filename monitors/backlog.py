"""How far behind the probe engine is, per location, from what it recorded:
a backlog must be visible, never silent (see ``manage.py engine_status``)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from core.locations import location_codes
from monitors.models import LocationResult, Monitor


def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


@dataclass
class LocationBacklog:
    location: str
    monitors: int = 0  # active monitors probed from here
    overdue: int = 0  # of them, not checked from here for two intervals
    lateness: list[float] = field(default_factory=list)  # seconds, recent checks

    def late(self, fraction: float) -> float | None:
        return percentile(self.lateness, fraction)


def by_location(now: datetime, minutes: int = 5) -> dict[str, LocationBacklog]:
    """Per location: its monitors, how late their recent checks started
    (start minus slot, checks of the last ``minutes``) and how many are
    overdue (last check older than two intervals and 30 s, or none yet)."""
    latest = {
        (pk, location): (slot, checked_at)
        for pk, location, slot, checked_at in LocationResult.objects.values_list(
            "monitor_id", "location", "slot", "checked_at"
        )
    }
    since = now - timedelta(minutes=minutes)
    rows: dict[str, LocationBacklog] = defaultdict(lambda: LocationBacklog(""))
    active = Monitor.objects.active().values_list("pk", "locations", "frequency")
    for pk, locations, frequency in active:
        for code in location_codes(locations):
            row = rows[code]
            row.location, row.monitors = code, row.monitors + 1
            slot, checked_at = latest.get((pk, code), (None, None))
            if (
                slot is None
                or checked_at is None
                or checked_at < now - timedelta(seconds=2 * frequency + 30)
            ):
                row.overdue += 1
            elif checked_at >= since:
                row.lateness.append((checked_at - slot).total_seconds())
    return dict(sorted(rows.items()))


def unclaimed(now: datetime) -> int:
    """Active monitors due over 10 s ago and not yet claimed: beat or the
    dispatch task is not running."""
    return Monitor.objects.active().filter(next_check_at__lt=now - timedelta(seconds=10)).count()
