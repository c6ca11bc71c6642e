from typing import Self, TypeVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import enums
from core.locations import location_codes
from monitors import phase
from monitors.probes import spec

# What the probe engine writes. Staff and API saves leave these alone, so an
# edit never overwrites a status recorded while the form was open.
STATE_FIELDS = frozenset(
    {
        "status", "status_changed_at", "last_check", "next_check_at", "claimed_at", "catch_up_at",
        "consecutive_failures", "last_response_ms", "last_error", "cert_expires_at",
    }
)  # fmt: skip
# Change one of these and a different thing is probed: its status starts over.
TARGET_FIELDS = ("protocol", "target", "port")
_M = TypeVar("_M", bound="Monitor")


class MonitorQuerySet(models.QuerySet[_M]):
    def active(self) -> Self:
        return self.filter(is_active=True)

    def in_display_order(self) -> Self:
        """Categories by display order (monitors without one last), then by name:
        the order of the page and of api.php."""
        return self.order_by(
            models.F("category__display_order").asc(nulls_last=True),
            "category__name",
            "category_id",
            "name",
            "id",
        )


class Monitor(models.Model):
    """What to probe and how; its current status and the schedule of its next check."""

    # What to probe (the v1 contract's fields).
    name = models.CharField(_("name"), max_length=200)
    protocol = models.CharField(_("protocol"), max_length=8, choices=enums.Protocol.choices)
    target = models.CharField(
        _("target"), max_length=2000, help_text=_("A URL for HTTP(S), a host name or IP otherwise.")
    )
    port = models.PositiveIntegerField(_("port"), null=True, blank=True)
    locations = models.CharField(
        _("locations"), max_length=100, default=enums.Location.USE,
        help_text=_("Where the checks are made from, comma-separated location codes: ")
        + ", ".join(enums.Location.values),
    )  # fmt: skip
    frequency = models.PositiveIntegerField(
        _("check every"), choices=enums.CHECK_FREQUENCY_CHOICES, default=60
    )
    # No index of its own: monitor_grid_idx starts with it.
    is_active = models.BooleanField(_("active"), default=True)
    resend_every = models.PositiveIntegerField(
        _("resend alerts every"), choices=enums.RESEND_FREQUENCY_CHOICES, default=0
    )
    ssl_alert_days = models.PositiveIntegerField(
        _("warn of certificate expiry"), choices=enums.SSL_ALERT_CHOICES, default=0
    )
    allow_redirects = models.BooleanField(_("follow redirects"), default=True)
    expected_status_codes = models.CharField(
        _("expected status codes"), max_length=1000, blank=True,
        help_text=_("Comma-separated; blank means 200-299."),
    )  # fmt: skip
    http_body = models.TextField(_("request body"), blank=True)
    http_headers = models.TextField(_("request headers"), blank=True)
    expected_body = models.TextField(_("response must contain"), blank=True)
    retries = models.PositiveSmallIntegerField(
        _("retries"), default=1, help_text=_("Failed checks tolerated before the monitor is down.")
    )
    timeout = models.PositiveSmallIntegerField(_("timeout (seconds)"), default=10)
    category = models.ForeignKey(
        "monitors.Category", verbose_name=_("category"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="monitors",
        db_index=False,  # monitor_category_idx starts with it
    )  # fmt: skip

    # What the probes found.
    status = models.CharField(
        _("status"), max_length=16, choices=enums.Status.choices, default=enums.Status.PENDING
    )
    status_changed_at = models.DateTimeField(_("status since"), null=True, blank=True)
    last_check = models.DateTimeField(_("last check"), null=True, blank=True)
    # The schedule (monitors/scheduling.py): checks fall on the grid of the
    # phase, from next_check_at on; None, a new monitor, due at once.
    next_check_at = models.DateTimeField(_("checks on its grid from"), null=True, blank=True)
    # When the dispatcher last claimed it one by one: a save after this
    # (updated_at is newer) makes the monitor due at once, so edits apply on
    # the next tick.
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A check off its grid, after a stall: when it is due.
    catch_up_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Its phase (monitors/phase.py), kept by the database, never changes.
    phase_key = models.GeneratedField(
        expression=models.F("id") * phase.MULTIPLIER % phase.SCALE,
        output_field=models.IntegerField(), db_persist=True,
    )  # fmt: skip
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_response_ms = models.PositiveIntegerField(_("response time (ms)"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    cert_expires_at = models.DateTimeField(_("certificate expires"), null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MonitorQuerySet.as_manager()

    class Meta:
        verbose_name = _("monitor")
        verbose_name_plural = _("monitors")
        ordering = ["name", "id"]
        indexes = [
            # The dispatcher's "whose slot falls in this window": its columns never
            # change as the monitor is checked, so the engine's updates are HOT.
            models.Index(fields=["is_active", "frequency", "phase_key"], name="monitor_grid_idx"),
            # ... and its "new, edited since claimed, or catching up" query (a
            # small partial index).
            models.Index(
                fields=["id"],
                condition=models.Q(next_check_at__isnull=True)
                | models.Q(updated_at__gt=models.F("claimed_at"))
                | models.Q(catch_up_at__isnull=False),
                name="monitor_unscheduled_idx",
            ),
            # The page and api.php list monitors by category.
            models.Index(fields=["category", "name"], name="monitor_category_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save_settings(self) -> None:
        """Save what staff and the v1 API edit (never the engine's fields);
        when the target changed, the status starts over as pending."""
        if self._state.adding:
            self.save()
            return
        before = Monitor.objects.filter(pk=self.pk).values_list(*TARGET_FIELDS).first()
        settings_fields = [
            f.name for f in self._meta.concrete_fields
            if not f.primary_key and f.name not in STATE_FIELDS
        ]  # fmt: skip
        self.save(update_fields=settings_fields)
        if before is not None and before != tuple(getattr(self, f) for f in TARGET_FIELDS):
            from monitors import state  # state imports the models

            state.restart(self.pk)

    @property
    def location_codes(self) -> list[str]:
        return location_codes(self.locations)

    @property
    def expected_codes(self) -> frozenset[int]:
        """The status codes that count as up (blank: 200-299)."""
        return spec.expected_codes(self.expected_status_codes)
