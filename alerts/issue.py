"""Raising alerts: the one place that writes Alert rows and their deliveries."""

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction

from alerts import auto_incidents
from alerts.models import Alert, Delivery
from alerts.recipients import Audience
from monitors.models import Monitor


@dataclass(frozen=True)
class AlertSpec:
    """An alert decided on, not yet written. ``key`` names its occasion
    (see Alert): deciding the same alert twice yields the same key."""

    monitor: Monitor
    event: str
    key: str
    reason: str
    at: datetime
    down_for_seconds: int | None = None
    status_event_id: int | None = None
    is_resend: bool = False

    def row(self, now: datetime) -> Alert:
        return Alert(
            monitor=self.monitor, event=self.event, key=self.key, reason=self.reason[:500],
            at=self.at, down_for_seconds=self.down_for_seconds,
            status_event_id=self.status_event_id, is_resend=self.is_resend, created_at=now,
        )  # fmt: skip


def raise_alerts(specs: list[AlertSpec], now: datetime) -> list[int]:
    """Write the alerts not raised before, with one delivery per channel that
    hears about each; the ids of the new deliveries, to send once the caller's
    transaction has committed."""
    if not specs:
        return []
    unique = {spec.key: spec for spec in specs}
    raised = set(Alert.objects.filter(key__in=unique).order_by().values_list("key", flat=True))
    fresh = [spec for key, spec in unique.items() if key not in raised]
    if not fresh:
        return []
    try:
        with transaction.atomic():
            alerts = Alert.objects.bulk_create([spec.row(now) for spec in fresh])
    except IntegrityError:  # another process raised one of them meanwhile
        alerts = [alert for spec in fresh if (alert := _raise_one(spec, now))]
    audience = Audience()
    deliveries = Delivery.objects.bulk_create(
        Delivery(alert=alert, channel_id=channel, created_at=now)
        for alert in alerts
        for channel in sorted(audience.channel_ids(alert.monitor))
    )
    auto_incidents.follow([alert for alert in alerts if not alert.is_resend])
    return [delivery.pk for delivery in deliveries]


def _raise_one(spec: AlertSpec, now: datetime) -> Alert | None:
    alert = spec.row(now)
    try:
        with transaction.atomic():
            alert.save(force_insert=True)
    except IntegrityError:
        return None
    return alert
