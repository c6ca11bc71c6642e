"""Celery tasks: two short periodic ones on the default queue (read status
changes; scan monitors still down, certificates and lost deliveries) and the
send task on its own ``alerts`` queue, so a slow channel never holds up probes."""

import smtplib
from typing import Any

from celery import Task, shared_task
from django.utils import timezone

from alerts.certificates import warn_of_expiring_certificates
from alerts.delivery import SEND_TIME_LIMIT, attempt_delivery, backoff, lost_deliveries
from alerts.events import process_backlog
from alerts.resend import announce_still_down
from alerts.subscribers.batch import SEND_TIME_LIMIT as SUBSCRIBER_SEND_TIME_LIMIT
from alerts.subscribers.batch import send_batch
from maintenance.windows import monitors_in_maintenance

QUEUE = "alerts"


@shared_task(time_limit=30, soft_time_limit=25)
def process_events() -> int:
    """Alerts for new status changes; how many deliveries were queued."""
    return sum(_enqueue(ids) for ids in process_backlog(budget=15))


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


# Subscribers (alerts/subscribers/): fan-out and sends on their own queue, so
# 10,000 emails about an incident never hold up the staff's alerts.
SUBSCRIBERS_QUEUE = "subscribers"


@shared_task(queue=SUBSCRIBERS_QUEUE, acks_late=True, time_limit=120, soft_time_limit=100)
def fan_out_notice(notice_id: int) -> int:
    """Make a notice's deliveries and queue them in batches; how many batches."""
    from alerts.subscribers.fanout import fan_out

    return _enqueue_batches(fan_out(notice_id))


@shared_task(
    queue=SUBSCRIBERS_QUEUE, acks_late=True, time_limit=SUBSCRIBER_SEND_TIME_LIMIT,
    soft_time_limit=SUBSCRIBER_SEND_TIME_LIMIT - 20,
)  # fmt: skip
def send_notice_batch(delivery_ids: list[int]) -> int:
    """Send one batch of deliveries (whatever another run already took is skipped)."""
    return send_batch(delivery_ids).sent


@shared_task(
    bind=True, queue=SUBSCRIBERS_QUEUE, acks_late=True, time_limit=60, soft_time_limit=50,
    max_retries=5,
)  # fmt: skip
def send_subscriber_mail(self: Task[Any, Any], subscriber_id: int, what: str) -> bool:
    """The confirmation link (``confirm``) or the "already subscribed" mail."""
    from alerts.models import Subscriber
    from alerts.subscribers.mail import send_account_mail

    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return False
    try:
        send_account_mail(subscriber, what)
    except (smtplib.SMTPException, OSError) as exc:
        raise self.retry(exc=exc, countdown=backoff(self.request.retries + 1)) from exc
    return True


@shared_task(time_limit=60, soft_time_limit=50)
def scan_subscribers() -> int:
    """Maintenance windows that opened or closed, notices whose fan-out was
    lost, deliveries due again, and expired unconfirmed addresses; how many
    batches were queued."""
    from alerts.subscribers.notices import windows_opened_and_closed
    from alerts.subscribers.retry import due_batches, lost_notices
    from alerts.subscribers.subscribing import forget_unconfirmed

    now = timezone.now()
    forget_unconfirmed(now)
    windows_opened_and_closed(now)  # each new notice fans out on commit
    for notice_id in lost_notices(now):
        fan_out_notice.delay(notice_id)
    return _enqueue_batches(due_batches(now))


def _enqueue_batches(batches: list[list[int]]) -> int:
    for batch in batches:
        send_notice_batch.delay(batch)
    return len(batches)
