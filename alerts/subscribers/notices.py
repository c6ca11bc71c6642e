"""Which notices there are: an incident's every timeline entry (the first
announces it, a resolved one closes it), a maintenance row when it is saved
new, each of its windows as it opens and closes, and (for those who ask) a
component's status changes.

Each notice has a key naming its occasion, so noticing it twice (a signal and
a scan, two beats) makes one row. A new notice is fanned out once its
transaction commits; the scan picks up any whose task was lost."""

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from alerts.models import Notice, NoticeKind, NoticeState, Subscriber
from core.enums import Status
from incidents.models import RESOLVED, Incident, IncidentUpdate
from maintenance.models import ScheduledMaintenance
from maintenance.recurrence import windows_between
from monitors.models import StatusEvent

# How far back the scan looks for windows that opened or closed: longer
# than any pause of beat we expect, short enough that a new row's past
# windows are not announced.
WINDOW_LOOKBACK = timedelta(minutes=10)


def _record(kind: str, key: str, **fields: object) -> Notice | None:
    """The new notice, or None when one with this key exists."""
    notice, created = Notice.objects.get_or_create(key=key, defaults={"kind": kind, **fields})
    if not created:
        return None
    from alerts.tasks import fan_out_notice  # the tasks module imports this one

    transaction.on_commit(lambda: fan_out_notice.delay(notice.pk))
    return notice


def incident_update_posted(update: IncidentUpdate) -> Notice | None:
    incident: Incident = update.incident
    if update.status == RESOLVED:
        kind = NoticeKind.INCIDENT_RESOLVED
    elif not IncidentUpdate.objects.filter(incident=incident, pk__lt=update.pk).exists():
        kind = NoticeKind.INCIDENT_CREATED
    else:
        kind = NoticeKind.INCIDENT_UPDATED
    return _record(
        kind, f"incident-update:{update.pk}", incident=incident, update=update,
        at=update.created_at,
    )  # fmt: skip


def maintenance_scheduled(row: ScheduledMaintenance) -> Notice | None:
    window = row.next_window(timezone.now())
    return _record(
        NoticeKind.MAINTENANCE_SCHEDULED, f"maintenance-scheduled:{row.pk}", maintenance=row,
        at=row.created_at,
        window_start=window[0] if window else row.starts_at,
        window_end=window[1] if window else row.starts_at + row.duration,
    )  # fmt: skip


def windows_opened_and_closed(now: datetime) -> list[Notice]:
    """Notices for the windows that opened or closed in the last WINDOW_LOOKBACK."""
    since = now - WINDOW_LOOKBACK
    notices = []
    rows = ScheduledMaintenance.objects.filter(starts_at__lte=now).exclude(ends_at__lte=since)
    for row in rows:
        for start, end in _windows(row, since, now):
            stamp = f"{row.pk}:{start.timestamp():.0f}"
            if since < start <= now:
                notices.append(
                    _record(
                        NoticeKind.MAINTENANCE_STARTED,
                        f"maintenance-started:{stamp}",
                        maintenance=row,
                        window_start=start,
                        window_end=end,
                        at=start,
                    )  # fmt: skip
                )
            if since < end <= now:
                notices.append(
                    _record(
                        NoticeKind.MAINTENANCE_COMPLETED,
                        f"maintenance-completed:{stamp}",
                        maintenance=row,
                        window_start=start,
                        window_end=end,
                        at=end,
                    )  # fmt: skip
                )
    return [n for n in notices if n is not None]


# Changes a subscriber hears of: pending -> up (a new monitor's first check)
# is not news, and nor is a paused monitor's.
_NEWS = {Status.UP, Status.DOWN, Status.MAINTENANCE}


def component_changes(events: Sequence[StatusEvent]) -> list[int]:
    """Notices for the status changes of components, for the subscribers
    who asked for them (nothing at all when nobody did): two queries for a
    whole batch of events. The ids of the new notices (fanned out on commit)."""
    changes = [
        e for e in events
        if e.monitor.is_active and e.to_status in _NEWS and e.from_status != Status.PENDING
        and e.from_status != e.to_status
    ]  # fmt: skip
    if not changes or not Subscriber.objects.confirmed().filter(component_updates=True).exists():
        return []
    Notice.objects.bulk_create(
        [
            Notice(
                kind=NoticeKind.COMPONENT_UPDATED,
                key=f"component:{e.pk}",
                monitor_id=e.monitor_id,
                from_status=e.from_status,
                to_status=e.to_status,
                at=e.at,
            )  # fmt: skip
            for e in changes
        ],
        ignore_conflicts=True,
    )
    keys = [f"component:{e.pk}" for e in changes]
    new = list(
        Notice.objects.filter(key__in=keys, state=NoticeState.NEW).values_list("pk", flat=True)
    )
    from alerts.tasks import fan_out_notice

    transaction.on_commit(lambda: [fan_out_notice.delay(pk) for pk in new])
    return new


def _windows(
    row: ScheduledMaintenance, since: datetime, now: datetime
) -> list[tuple[datetime, datetime]]:
    return list(windows_between(row.schedule, since, now + timedelta(microseconds=1)))
