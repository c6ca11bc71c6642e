"""Raising an alert: the one place that writes an Alert and its deliveries."""

from datetime import datetime

from django.db import IntegrityError, transaction

from alerts import auto_incidents
from alerts.models import Alert, Delivery
from alerts.recipients import channels_for
from monitors.models import Monitor, StatusEvent


def raise_alert(
    monitor: Monitor,
    event: str,
    *,
    key: str,
    reason: str,
    at: datetime,
    now: datetime,
    down_for_seconds: int | None = None,
    status_event: StatusEvent | None = None,
    is_resend: bool = False,
) -> list[int]:
    """Record the alert named ``key`` with one delivery per channel that hears
    about ``monitor``; the ids of the new deliveries (none when ``key`` was
    already raised). Send them once the caller's transaction has committed."""
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                monitor=monitor, event=event, reason=reason[:500], at=at,
                down_for_seconds=down_for_seconds, status_event=status_event,
                is_resend=is_resend, key=key, created_at=now,
            )  # fmt: skip
    except IntegrityError:
        return []  # already raised (another beat, or this task run twice)
    channels = list(channels_for(monitor))
    deliveries = Delivery.objects.bulk_create(
        [Delivery(alert=alert, channel=channel, created_at=now) for channel in channels]
    )
    if not is_resend:
        auto_incidents.follow(alert)
    return [delivery.pk for delivery in deliveries]
