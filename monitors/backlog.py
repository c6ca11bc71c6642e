"""How far behind the probe engine is, per location, from what it recorded:
a backlog must be visible, never silent (see ``manage.py engine_status``)."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, F, Q

from core.locations import location_codes
from monitors.models import LocationResult, Monitor, ScheduleCursor


def overdue_after(frequency: int) -> timedelta:
    """A monitor is overdue at a location when not checked from there for
    two intervals and 30 s (a late batch is not yet a missed one)."""
    return timedelta(seconds=2 * frequency + 30)


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
    overdue (``overdue_after``, or never checked)."""
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
            if slot is None or checked_at is None or checked_at < now - overdue_after(frequency):
                row.overdue += 1
            elif checked_at >= since:
                row.lateness.append((checked_at - slot).total_seconds())
    return dict(sorted(rows.items()))


def overdue_by_location(now: datetime) -> tuple[int, dict[str, LocationBacklog]]:
    """The active monitors, and per location its monitors and how many are
    overdue, as ``by_location`` counts them but without lateness, counted by
    the database: two aggregate queries of a few dozen rows, where
    ``by_location`` reads every monitor's latest result from every location
    (20,000 rows at 10,000 monitors). For the red banner on every admin page."""
    groups = (
        Monitor.objects.active()
        .values_list("locations", "frequency")
        .annotate(n=Count("id"))
        .order_by()
    )
    active, monitors, frequencies = 0, Counter[str](), set()
    for locations, frequency, n in groups:
        active += n
        frequencies.add(frequency)
        for code in location_codes(locations):
            monitors[code] += n
    fresh = Counter[str]()
    if frequencies:
        recent = Q()
        for frequency in sorted(frequencies):
            since = now - overdue_after(frequency)
            recent |= Q(monitor__frequency=frequency, checked_at__gte=since)
        rows = (
            LocationResult.objects.filter(recent, monitor__in=Monitor.objects.active())
            .values_list("location", "monitor__locations")
            .annotate(n=Count("id"))
            .order_by()
        )
        for code, locations, n in rows:
            if code in location_codes(locations):  # a location still probed from
                fresh[code] += n
    return active, {
        code: LocationBacklog(code, monitors=n, overdue=n - fresh[code])
        for code, n in sorted(monitors.items())
    }


def unclaimed(now: datetime) -> int:
    """Active monitors due over 10 s ago and not yet claimed: beat or the
    dispatch task is not running. Those of a frequency whose window was last
    claimed over 10 s ago, and those claimed one by one (new, edited or
    catching up) due as long."""
    ago = now - timedelta(seconds=10)
    stalled = ScheduleCursor.objects.filter(claimed_until__lt=ago).values("frequency")
    one_by_one = (
        Q(next_check_at__isnull=True, created_at__lt=ago)
        | Q(updated_at__gt=F("claimed_at"), updated_at__lt=ago)
        | Q(catch_up_at__lt=ago)
    )
    return Monitor.objects.active().filter(Q(frequency__in=stalled) | one_by_one).count()
