"""Sending one delivery: claim it, send it, log the attempt, decide what next.

The claim is a conditional UPDATE that must touch exactly one row, so a task
that is redelivered (or sent twice) finds the delivery taken or done and does
nothing. A claim lasts longer than the send task's hard time limit: once it
has passed, the worker that held it is gone and another may take over.
"""

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F, Q
from django.utils import timezone

from alerts import senders
from alerts.messages import Message
from alerts.models import Attempt, Delivery, DeliveryState, NotificationChannel
from core import metrics

log = logging.getLogger(__name__)

SEND_TIME_LIMIT = 60  # seconds; the send task's hard limit
CLAIM = timedelta(seconds=SEND_TIME_LIMIT + 30)
MAX_ATTEMPTS = 6
# A waiting delivery whose message seems lost is sent again after this long.
LOST_AFTER = timedelta(minutes=5)


def backoff(attempts: int) -> int:
    """Seconds before the next try after ``attempts`` failed ones: 10, 20, 40, 80, 160."""
    seconds: int = 10 * 2 ** (attempts - 1)  # int ** int is typed Any (negative powers)
    return min(seconds, 240)


@dataclass(frozen=True)
class Outcome:
    sent: bool = False
    retry_in: int | None = None  # seconds; None: nothing more to do now


def claim(delivery_id: int, now: datetime) -> Delivery | None:
    taken = (
        Delivery.objects.filter(pk=delivery_id)
        .filter(
            Q(state=DeliveryState.PENDING) | Q(state=DeliveryState.SENDING, claimed_until__lt=now)
        )
        .update(state=DeliveryState.SENDING, claimed_until=now + CLAIM, attempts=F("attempts") + 1)
    )
    if taken != 1:
        return None
    return Delivery.objects.select_related("alert__monitor", "channel").get(pk=delivery_id)


def attempt_delivery(delivery_id: int, now: datetime | None = None) -> Outcome:
    """Send delivery ``delivery_id`` unless it is done or another worker has it."""
    now = now or timezone.now()
    delivery = claim(delivery_id, now)
    if delivery is None:
        return Outcome()
    if not delivery.channel.is_active:
        _finish(delivery, DeliveryState.FAILED, error="The channel was switched off.")
        return Outcome()
    alert = delivery.alert
    error = send_and_log(
        delivery.channel, Message.of(alert), delivery=delivery, monitor_id=alert.monitor_id
    )
    if error is None:
        _finish(delivery, DeliveryState.SENT, sent_at=timezone.now())
        return Outcome(sent=True)
    if delivery.attempts >= MAX_ATTEMPTS:
        _finish(delivery, DeliveryState.FAILED, error=error)
        return Outcome()
    wait = backoff(delivery.attempts)
    _finish(
        delivery, DeliveryState.PENDING, error=error,
        next_attempt_at=now + timedelta(seconds=wait),
    )  # fmt: skip
    return Outcome(retry_in=wait)


def send_and_log(
    channel: NotificationChannel,
    message: Message,
    *,
    delivery: Delivery | None = None,
    monitor_id: int | None = None,
) -> str | None:
    """Send ``message`` and log the attempt; the error, or None when it got through."""
    started = time.monotonic()
    try:
        senders.send(channel, message)
        error = None
    except senders.SendError as exc:
        error = str(exc)
    except Exception as exc:  # a bug in a sender must not lose the log entry
        log.exception("sending to channel %s failed", channel.pk)
        error = f"{type(exc).__name__}: {exc}"
    Attempt.objects.create(
        channel=channel, delivery=delivery, monitor_id=monitor_id, event=message.event,
        ok=error is None, error=(error or "")[:1000],
        duration_ms=round((time.monotonic() - started) * 1000),
    )  # fmt: skip
    result = "sent" if error is None else "failed"
    metrics.alert_deliveries.labels(channel=channel.kind, result=result).inc()
    return error


def _finish(delivery: Delivery, state: str, *, error: str = "", **fields: object) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(
        state=state, claimed_until=None, last_error=error[:1000], **fields
    )


def lost_deliveries(now: datetime, limit: int = 200) -> list[int]:
    """Deliveries whose task seems lost (a broker restart, a worker killed
    mid-send): sent again by the scan. Each is pushed back LOST_AFTER so a
    long queue is not flooded with copies; the claim stops double sends."""
    stale = now - LOST_AFTER
    ids = list(
        Delivery.objects.filter(
            Q(state=DeliveryState.PENDING, next_attempt_at__isnull=True, created_at__lt=stale)
            | Q(state=DeliveryState.PENDING, next_attempt_at__lt=stale)
            | Q(state=DeliveryState.SENDING, claimed_until__lt=now)
        ).values_list("pk", flat=True)[:limit]
    )
    Delivery.objects.filter(pk__in=ids).filter(
        Q(state=DeliveryState.PENDING) | Q(state=DeliveryState.SENDING, claimed_until__lt=now)
    ).update(state=DeliveryState.PENDING, claimed_until=None, next_attempt_at=now)
    return ids
