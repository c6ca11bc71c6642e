"""Incidents opened by alerts: which monitors get one, and which are open."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import enums


class AutoIncidentRule(models.Model):
    """Open an incident when a monitor (or any monitor of a category) goes
    down, and resolve it when the monitor is back up."""

    monitor = models.OneToOneField(
        "monitors.Monitor", verbose_name=_("monitor"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="auto_incident_rule",
    )  # fmt: skip
    category = models.OneToOneField(
        "monitors.Category", verbose_name=_("category"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="auto_incident_rule",
    )  # fmt: skip
    severity = models.CharField(
        _("severity"), max_length=16, choices=enums.Severity.choices,
        default=enums.Severity.OUTAGE,
    )  # fmt: skip
    show_on_status_page = models.BooleanField(_("show on the status page"), default=True)

    class Meta:
        verbose_name = _("automatic incident")
        verbose_name_plural = _("automatic incidents")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(monitor__isnull=False, category__isnull=True)
                | models.Q(monitor__isnull=True, category__isnull=False),
                name="auto_incident_monitor_xor_category",
            )
        ]

    def __str__(self) -> str:
        return str(self.monitor or self.category)

    def clean(self) -> None:
        if (self.monitor_id is None) == (self.category_id is None):
            raise ValidationError(_("Choose a monitor or a category, not both."))


class OpenedIncident(models.Model):
    """An incident this app opened for a monitor and has not resolved yet."""

    monitor = models.OneToOneField(
        "monitors.Monitor", on_delete=models.CASCADE, related_name="opened_incident"
    )
    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("incident opened by an alert")

    def __str__(self) -> str:
        return f"{self.monitor_id}: {self.incident_id}"
