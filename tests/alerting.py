"""The alert pipeline driven by hand in tests: status changes written as the
probe engine writes them (or by the engine itself, from a real probe), and one
run of the beat tasks at an explicit time with every delivery sent by the real
send task."""

import asyncio
from datetime import datetime

from alerts.certificates import warn_of_expiring_certificates
from alerts.events import process_new_events
from alerts.resend import announce_still_down
from alerts.tasks import send_delivery
from maintenance.windows import monitors_in_maintenance
from monitors import recording
from monitors.models import Monitor, StatusEvent
from monitors.probes import http
from monitors.probes.runner import Outcome


def change_status(monitor: Monitor, to: str, at: datetime, reason: str = "") -> StatusEvent:
    """What the engine does on a transition: the event and the monitor's new
    status, in one go."""
    event = StatusEvent.objects.create(
        monitor=monitor, at=at, from_status=monitor.status, to_status=to, reason=reason
    )
    monitor.status, monitor.status_changed_at = to, at
    monitor.save(update_fields=["status", "status_changed_at"])
    return event


def decide(now: datetime) -> list[int]:
    """One tick of both beat tasks at ``now``: the deliveries they queue."""
    ids = process_new_events(now)
    in_maintenance = monitors_in_maintenance(now)
    ids += announce_still_down(now, in_maintenance=in_maintenance)
    ids += warn_of_expiring_certificates(now, in_maintenance=in_maintenance)
    return ids


def send(delivery_ids: list[int]) -> None:
    for delivery_id in delivery_ids:
        send_delivery.apply(args=[delivery_id])


def tick(now: datetime) -> list[int]:
    ids = decide(now)
    send(ids)
    return ids


def probe_and_record(monitor: Monitor, at: datetime, *, ssl_context=None) -> Monitor:
    """One check of an HTTP(S) monitor by the probe engine's own probe,
    recorded by its own recorder as if taken at ``at``; the monitor reloaded."""

    async def check():
        return await http.check(monitor, http.new_session(), ssl_context=ssl_context)

    result = asyncio.run(check())
    recording.record(monitor.location_codes[0], [Outcome(monitor.pk, at, at, result)], now=at)
    monitor.refresh_from_db()
    return monitor
