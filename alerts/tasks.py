"""Celery tasks: two short periodic ones on the default queue (read status
changes; scan monitors still down, certificates and lost deliveries) and the
send task on its own ``alerts`` queue, so a slow channel never holds up probes."""

from typing import Any

from celery import Task, shared_task
from django.utils import timezone

from alerts.certificates import warn_of_expiring_certificates
from alerts.delivery import SEND_TIME_LIMIT, attempt_delivery, lost_deliveries
from alerts.events import process_new_events
from alerts.resend import announce_still_down
from maintenance.windows import monitors_in_maintenance

QUEUE = "alerts"


@shared_task(time_limit=30, soft_time_limit=25)
def process_events() -> int:
    """Alerts for new status changes; how many deliveries were queued."""
    return _enqueue(process_new_events())


@shared_task(time_limit=60, soft_time_limit=50)
def scan() -> int:
    """Resends, announcements postponed by maintenance, certificate warnings,
    and deliveries whose message was lost."""
    now = timezone.now()
    in_maintenance = monitors_in_maintenance(now)
    ids = announce_still_down(now, in_maintenance=in_maintenance)
    ids += warn_of_expiring_certificates(now, in_maintenance=in_maintenance)
    ids += lost_deliveries(now)
    return _enqueue(ids)


@shared_task(
    bind=True, queue=QUEUE, max_retries=None, acks_late=True,
    time_limit=SEND_TIME_LIMIT, soft_time_limit=SEND_TIME_LIMIT - 10,
)  # fmt: skip
def send_delivery(self: Task[Any, Any], delivery_id: int) -> bool:
    """Send one delivery; retried with exponential backoff while it fails."""
    outcome = attempt_delivery(delivery_id)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.sent


def _enqueue(delivery_ids: list[int]) -> int:
    for delivery_id in delivery_ids:
        send_delivery.delay(delivery_id)
    return len(delivery_ids)
