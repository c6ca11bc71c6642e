from collections.abc import Collection
from typing import Any, Self, TypeVar

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import enums

RESOLVED = enums.IncidentStatus.RESOLVED
_I = TypeVar("_I", bound="Incident")


class IncidentQuerySet(models.QuerySet[_I]):
    def active(self) -> Self:
        return self.exclude(status=RESOLVED)

    def inactive(self) -> Self:
        return self.filter(status=RESOLVED)

    def on_status_page(self) -> Self:
        return self.filter(show_on_status_page=True)


class Incident(models.Model):
    """An incident and its current state; its history is its updates.

    Saving an incident whose status or message changed (or a new one) appends
    an IncidentUpdate, so the admin and the v1 API write the same timeline.
    """

    name = models.CharField(_("title"), max_length=200)
    severity = models.CharField(_("severity"), max_length=16, choices=enums.Severity.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=enums.IncidentStatus.choices,
        default=enums.IncidentStatus.INVESTIGATING,
    )  # fmt: skip
    message = models.CharField(_("message"), max_length=400)
    monitors = models.ManyToManyField(
        "monitors.Monitor", verbose_name=_("affected monitors"), blank=True,
        related_name="incidents",
    )  # fmt: skip
    show_on_status_page = models.BooleanField(
        _("show on the status page"), default=True,
        help_text=_(
            "Show this incident on the public status page; untick it to keep it off the page."
        ),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="incident_status_time_idx")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        new_state = (self.status, self.message)
        creating = self._state.adding
        changed = getattr(self, "_saved_state", None) != new_state
        if self.status == RESOLVED and self.resolved_at is None:
            self.resolved_at = timezone.now()
        elif self.status != RESOLVED:
            self.resolved_at = None
        with transaction.atomic():
            super().save(*args, **kwargs)
            if changed:
                # The first entry opens the timeline when the incident began.
                at = self.created_at if creating else timezone.now()
                self.updates.create(status=self.status, message=self.message, created_at=at)
        self._saved_state = new_state

    @classmethod
    def from_db(
        cls, db: str | None, field_names: Collection[str], values: Collection[Any], **kwargs: Any
    ) -> "Incident":
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._saved_state = (instance.status, instance.message)
        return instance

    @property
    def is_active(self) -> bool:
        return self.status != RESOLVED

    def follow_latest_update(self) -> None:
        """Make the newest timeline entry the incident's status and message."""
        latest = self.updates.order_by("-created_at", "-id").first()
        if latest is None or (latest.status, latest.message[:400]) == (self.status, self.message):
            return
        self.status, self.message = latest.status, latest.message[:400]
        self._saved_state = (self.status, self.message)  # already on the timeline
        self.save()


class IncidentUpdate(models.Model):
    """One entry of an incident's timeline."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(_("status"), max_length=16, choices=enums.IncidentStatus.choices)
    message = models.TextField(_("message"), max_length=4000)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("update")
        verbose_name_plural = _("timeline")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["incident", "created_at"], name="update_incident_time_idx")]

    def __str__(self) -> str:
        return f"{self.get_status_display()}: {self.message[:60]}"
