"""What was decided (Alert), to whom it goes (Delivery) and every try (Attempt)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AlertEvent(models.TextChoices):
    DOWN = "down", _("Down")
    UP = "up", _("Up")
    CERTIFICATE = "certificate", _("Certificate expiring")
    TEST = "test", _("Test notification")


class Alert(models.Model):
    """One thing to tell staff about a monitor.

    ``key`` names the occasion (``down:<event id>``, a resend after a given
    alert, a certificate warning after a given one): two beats or a task run
    twice that reach the same decision collide on it instead of alerting twice.
    """

    monitor = models.ForeignKey(
        "monitors.Monitor", verbose_name=_("monitor"), on_delete=models.CASCADE,
        related_name="alerts",
    )  # fmt: skip
    event = models.CharField(_("event"), max_length=16, choices=AlertEvent.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    at = models.DateTimeField(_("happened at"))
    down_for_seconds = models.PositiveIntegerField(_("down for (s)"), null=True, blank=True)
    status_event = models.ForeignKey(
        "monitors.StatusEvent", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="alerts",
    )  # fmt: skip
    is_resend = models.BooleanField(_("repeated"), default=False)
    key = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(_("raised at"), default=timezone.now)

    class Meta:
        verbose_name = _("alert")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["monitor", "event", "created_at"], name="alert_monitor_event_idx")
        ]

    def __str__(self) -> str:
        return f"{self.monitor_id} {self.event} {self.created_at:%Y-%m-%d %H:%M:%S}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Gave up")


class Delivery(models.Model):
    """An alert on its way to one channel; sent at most once (the unique pair
    and the claim on ``state`` see to it)."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.ForeignKey(
        "alerts.NotificationChannel", on_delete=models.CASCADE, related_name="deliveries"
    )
    state = models.CharField(
        max_length=8, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # A sender holds its claim until then; past it the worker is taken for lost.
    claimed_until = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["alert", "channel"], name="delivery_once_per_channel")
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_due_idx")]

    def __str__(self) -> str:
        return f"{self.alert_id} → {self.channel_id}: {self.state}"


class Attempt(models.Model):
    """One try at sending, kept for the admin's log (test notifications too)."""

    channel = models.ForeignKey(
        "alerts.NotificationChannel", verbose_name=_("channel"), on_delete=models.CASCADE,
        related_name="attempts",
    )  # fmt: skip
    delivery = models.ForeignKey(
        Delivery, null=True, blank=True, on_delete=models.CASCADE, related_name="attempt_log"
    )
    monitor = models.ForeignKey(
        "monitors.Monitor", verbose_name=_("monitor"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="+",
    )  # fmt: skip
    event = models.CharField(_("event"), max_length=16, choices=AlertEvent.choices)
    ok = models.BooleanField(_("delivered"))
    error = models.CharField(_("error"), max_length=1000, blank=True)
    duration_ms = models.PositiveIntegerField(_("took (ms)"), default=0)
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["at"], name="attempt_time_idx")]

    def __str__(self) -> str:
        return f"{self.channel_id} {self.event}: {'ok' if self.ok else self.error[:60]}"
