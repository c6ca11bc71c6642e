"""Past incidents grouped for reading: by day on the front page (quiet days
included, so a reader sees they were quiet) and by month on /history."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from incidents.models import Incident

FRONT_PAGE_DAYS = 14
MONTHS_PER_PAGE = 3


@dataclass(frozen=True)
class Day:
    day: date
    incidents: list[Incident]


@dataclass(frozen=True)
class Month:
    first_day: date
    incidents: list[Incident]


def _newest_first(incidents: list[Incident]) -> list[Incident]:
    return sorted(incidents, key=lambda i: (i.created_at, i.pk), reverse=True)


def start_of(day: date) -> datetime:
    """Midnight of a site-local day, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))


def by_day(incidents: list[Incident], today: date, days: int = FRONT_PAGE_DAYS) -> list[Day]:
    """Every day from today back ``days`` days, newest first, with the incidents
    that began on it (by the site's calendar); incidents outside are left out."""
    grouped: dict[date, list[Incident]] = {today - timedelta(days=n): [] for n in range(days)}
    for incident in incidents:
        day = timezone.localdate(incident.created_at)
        if day in grouped:
            grouped[day].append(incident)
    return [Day(day, _newest_first(found)) for day, found in grouped.items()]


def month_starts(today: date, page: int, per_page: int = MONTHS_PER_PAGE) -> list[date]:
    """The first days of the months on history page ``page`` (1 is the newest), newest first."""
    index = today.year * 12 + today.month - 1 - (page - 1) * per_page
    return [date((index - n) // 12, (index - n) % 12 + 1, 1) for n in range(per_page)]


def next_month(first_day: date) -> date:
    return (first_day + timedelta(days=32)).replace(day=1)


def by_month(incidents: list[Incident], months: list[date]) -> list[Month]:
    grouped: dict[date, list[Incident]] = {first: [] for first in months}
    for incident in incidents:
        first = timezone.localdate(incident.created_at).replace(day=1)
        if first in grouped:
            grouped[first].append(incident)
    return [Month(first, _newest_first(found)) for first, found in grouped.items()]
