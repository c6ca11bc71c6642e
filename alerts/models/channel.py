from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ChannelKind(models.TextChoices):
    EMAIL = "email", _("Email")
    WEBHOOK = "webhook", _("Webhook")
    APPRISE = "apprise", _("Apprise URL (Slack, Discord, Teams, Telegram, ntfy, ...)")


class NotificationChannel(models.Model):
    """Where alerts go: an email list, a webhook or any service Apprise speaks.

    With no monitors and no categories chosen, a channel hears about every monitor.
    """

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=ChannelKind.choices)
    target = models.CharField(
        _("target"), max_length=2000,
        help_text=_(
            "Email: addresses separated by commas. Webhook: the URL to POST to. "
            "Apprise: the service's Apprise URL, e.g. slack://T000/B000/XXXX or ntfy://topic."
        ),
    )  # fmt: skip
    secret = models.CharField(
        _("secret"), max_length=200, blank=True,
        help_text=_("Webhook only: signs the body (hex HMAC-SHA256 in X-Signature-SHA256)."),
    )  # fmt: skip
    monitors = models.ManyToManyField(
        "monitors.Monitor", verbose_name=_("monitors"), blank=True,
        related_name="notification_channels",
    )  # fmt: skip
    categories = models.ManyToManyField(
        "monitors.Category", verbose_name=_("categories"), blank=True,
        related_name="notification_channels",
        help_text=_("Leave monitors and categories empty to hear about every monitor."),
    )  # fmt: skip
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("notification channel")
        verbose_name_plural = _("notification channels")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # Imported here: the senders import this module.
        from alerts.senders import validate_target

        if self.kind and self.target:
            validate_target(self.kind, self.target)
