"""Customers who subscribed to a status page (Subscriber), what happened
that they may hear about (Notice) and each notice on its way to each of them
(NoticeDelivery). alerts/subscribers/ holds the behaviour."""

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alerts.models.alert import DeliveryState


def new_token() -> str:
    """The subscriber's key to its confirm, manage and unsubscribe links."""
    return secrets.token_urlsafe(24)


def new_secret() -> str:
    """A webhook subscription's signing secret (shown to the subscriber once)."""
    return secrets.token_hex(32)


class SubscriberKind(models.TextChoices):
    EMAIL = "email", _("Email")
    WEBHOOK = "webhook", _("Webhook")


class SubscriberQuerySet(models.QuerySet["Subscriber"]):
    def confirmed(self) -> "SubscriberQuerySet":
        """Those that may be sent notices: confirmed and not disabled."""
        return self.filter(confirmed_at__isnull=False, disabled_at__isnull=True)


class Subscriber(models.Model):
    """An email address (double opt-in) or a webhook URL (confirmed at once:
    whoever subscribes it is shown its secret), subscribed to one status
    page. With no monitors and no categories chosen, a subscriber hears about
    everything its page shows."""

    page = models.ForeignKey(
        "pages.StatusPage", verbose_name=_("status page"), on_delete=models.CASCADE,
        related_name="subscribers",
    )  # fmt: skip
    kind = models.CharField(_("kind"), max_length=8, choices=SubscriberKind.choices)
    address = models.CharField(
        _("address"), max_length=2000, help_text=_("The email address or the webhook URL.")
    )
    language = models.CharField(_("language"), max_length=8, default="en")
    monitors = models.ManyToManyField(
        "monitors.Monitor", verbose_name=_("monitors"), blank=True, related_name="subscribers"
    )
    categories = models.ManyToManyField(
        "monitors.Category", verbose_name=_("categories"), blank=True, related_name="subscribers",
        help_text=_("Leave monitors and categories empty to hear about everything."),
    )  # fmt: skip
    component_updates = models.BooleanField(
        _("component status changes"), default=False,
        help_text=_("Also when a chosen component goes down, comes back or enters maintenance."),
    )  # fmt: skip
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    secret = models.CharField(_("signing secret"), max_length=64, blank=True, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(_("confirmation sent"), null=True, blank=True)
    # Webhooks: failed attempts in a row; at WEBHOOK_MAX_FAILURES it is disabled.
    failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)
    disabled_reason = models.CharField(_("why disabled"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("subscribed"), default=timezone.now)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One subscription per email address and page (a person may
            # follow two pages); a webhook URL may be subscribed twice (each
            # with its own secret), which reveals nothing.
            models.UniqueConstraint(
                fields=["page", "address"], condition=models.Q(kind="email"),
                name="subscriber_email_once_per_page",
                violation_error_message=_("This address is subscribed to this page already."),
            )
        ]  # fmt: skip
        indexes = [models.Index(fields=["confirmed_at"], name="subscriber_confirmed_idx")]

    def __str__(self) -> str:
        return self.address


class NoticeKind(models.TextChoices):
    INCIDENT_CREATED = "incident.created", _("Incident created")
    INCIDENT_UPDATED = "incident.updated", _("Incident updated")
    INCIDENT_RESOLVED = "incident.resolved", _("Incident resolved")
    MAINTENANCE_SCHEDULED = "maintenance.scheduled", _("Maintenance scheduled")
    MAINTENANCE_STARTED = "maintenance.started", _("Maintenance started")
    MAINTENANCE_COMPLETED = "maintenance.completed", _("Maintenance completed")
    COMPONENT_UPDATED = "component.updated", _("Component status changed")


class NoticeState(models.TextChoices):
    NEW = "new", _("Waiting")
    QUEUED = "queued", _("Sent to subscribers")
    SILENT = "silent", _("Not sent (staff chose so)")


class Notice(models.Model):
    """One thing subscribers hear about. ``key`` names the occasion (an
    incident update, a maintenance window's start): whoever notices it twice
    collides on the key instead of announcing it twice."""

    kind = models.CharField(_("event"), max_length=24, choices=NoticeKind.choices)
    key = models.CharField(max_length=100, unique=True)
    incident = models.ForeignKey(
        "incidents.Incident", verbose_name=_("incident"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="+",
    )  # fmt: skip
    update = models.ForeignKey(
        "incidents.IncidentUpdate", null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )  # fmt: skip
    maintenance = models.ForeignKey(
        "maintenance.ScheduledMaintenance", verbose_name=_("maintenance"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="+",
    )  # fmt: skip
    # A component's status change (monitors.StatusEvent, copied: events are pruned).
    monitor = models.ForeignKey(
        "monitors.Monitor", verbose_name=_("monitor"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="+",
    )  # fmt: skip
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    window_start = models.DateTimeField(null=True, blank=True)
    window_end = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=8, choices=NoticeState.choices, default=NoticeState.NEW)
    at = models.DateTimeField(_("happened at"))
    # When it was noticed: a notice still new well after it is taken for lost.
    created_at = models.DateTimeField(_("noticed at"), default=timezone.now)

    class Meta:
        verbose_name = _("subscriber notice")
        verbose_name_plural = _("subscriber notices")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "created_at"], name="notice_state_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.at:%Y-%m-%d %H:%M})"


class NoticeDelivery(models.Model):
    """A notice on its way to one subscriber; sent at most once (the unique
    pair and the batch claim on ``state`` see to it)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(
        max_length=8, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # Which batch holds the claim, and until when (past it the worker is taken for lost).
    claim = models.CharField(max_length=32, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    # When to look at it again if it is still waiting: after the backoff of
    # a failed try, or after LOST_AFTER when its batch's message may be lost.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=1000, blank=True)

    class Meta:
        verbose_name = _("subscriber delivery")
        verbose_name_plural = _("subscriber deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "subscriber"], name="notice_delivery_once_per_subscriber"
            )
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="notice_delivery_due_idx"),
            models.Index(fields=["claim"], name="notice_delivery_claim_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.notice_id} → {self.subscriber_id}: {self.state}"


class NoticeChoice(models.Model):
    """Staff's choice for one incident or maintenance: tell subscribers or
    not. No row means yes (the default)."""

    incident = models.OneToOneField(
        "incidents.Incident", null=True, blank=True, on_delete=models.CASCADE,
        related_name="subscriber_choice",
    )  # fmt: skip
    maintenance = models.OneToOneField(
        "maintenance.ScheduledMaintenance", null=True, blank=True, on_delete=models.CASCADE,
        related_name="subscriber_choice",
    )  # fmt: skip
    notify = models.BooleanField(_("notify subscribers"), default=True)

    class Meta:
        verbose_name = _("subscribers")
        verbose_name_plural = _("subscribers")

    def __str__(self) -> str:
        return str(_("notify subscribers") if self.notify else _("do not notify subscribers"))
