"""The engine's throughput: checks recorded per location and UTC minute
(models.CheckTally), added once per batch, read by the cockpit and /health."""

from datetime import datetime, timedelta

from django.db.models import Sum

from monitors import bulk
from monitors.models import CheckTally

KEPT = timedelta(days=1)
_TALLY = bulk.Columns(CheckTally, ("minute", "location", "checks"))
_ADD = "ON CONFLICT (minute, location) DO UPDATE SET checks = {table}.checks + excluded.checks"


def _minute(at: datetime) -> datetime:
    return at.replace(second=0, microsecond=0)


def count(location: str, checks: int, now: datetime) -> None:
    if checks:
        bulk.insert(_TALLY, [(_minute(now), location, checks)], _ADD.format(table=_TALLY.table))


def per_second(now: datetime) -> float:
    """Checks a second over the last whole minute and the current one so far."""
    since = _minute(now) - timedelta(minutes=1)
    checks = CheckTally.objects.filter(minute__gte=since).aggregate(n=Sum("checks"))["n"] or 0
    return checks / max((now - since).total_seconds(), 1.0)


def prune(now: datetime) -> int:
    return CheckTally.objects.filter(minute__lt=now - KEPT).delete()[0]
