from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import enums
from maintenance import recurrence


class ScheduledMaintenance(models.Model):
    """A window (one-off or recurring) during which its monitors show
    ``maintenance``, raise no alerts and collect no downtime."""

    name = models.CharField(_("name"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    duration_hours = models.PositiveIntegerField(_("hours"), default=1)
    duration_minutes = models.PositiveSmallIntegerField(_("minutes"), default=0)
    message = models.TextField(_("message"), max_length=4000, blank=True)
    recurring = models.BooleanField(_("recurring"), default=False)
    recur_unit = models.CharField(
        _("repeat unit"), max_length=8, choices=enums.RecurUnit.choices, blank=True
    )
    recur_every = models.PositiveIntegerField(_("repeat every"), null=True, blank=True)
    recur_until = models.DateTimeField(_("repeat until"), null=True, blank=True)
    monitors = models.ManyToManyField(
        "monitors.Monitor", verbose_name=_("monitors"), blank=True, related_name="maintenances"
    )
    ended_early_at = models.DateTimeField(
        _("ended early at"), null=True, blank=True, editable=False,
        help_text=_("Staff ended the window open at this time; later ones run as planned."),
    )  # fmt: skip
    # When the final occurrence ends (None: repeats forever); kept on save so
    # "which windows can be open now" is one indexed query.
    ends_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("scheduled maintenance")
        verbose_name_plural = _("scheduled maintenance")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["starts_at", "ends_at"], name="maintenance_span_idx")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.ends_at = recurrence.final_end(self.schedule)
        super().save(*args, **kwargs)

    @property
    def duration(self) -> timedelta:
        return timedelta(hours=self.duration_hours, minutes=self.duration_minutes)

    def clean(self) -> None:
        errors = {}
        if self.duration_minutes is not None and self.duration_minutes > 59:
            errors["duration_minutes"] = _("At most 59; put whole hours in hours.")
        if self.recurring:
            if not self.recur_unit:
                errors["recur_unit"] = _("Required for a recurring window.")
            if not self.recur_every or self.recur_every < 1:
                errors["recur_every"] = _("Required for a recurring window, at least 1.")
            if self.recur_until and self.starts_at and self.recur_until <= self.starts_at:
                errors["recur_until"] = _("Must be after the start.")
        if errors:
            raise ValidationError(errors)

    def end_now(self, now: datetime | None = None) -> bool:
        """End the window open now (the occurrence, for a recurring one); False if none is."""
        now = now or timezone.now()
        if self.window_at(now) is None:
            return False
        self.ended_early_at = now
        self.save()
        return True

    def extend(self, by: timedelta, now: datetime | None = None) -> None:
        """Make the window open now (or the next) longer by ``by``: every
        occurrence of a recurring one, and a window ended early opens again."""
        minutes = self.duration_hours * 60 + self.duration_minutes + int(by.total_seconds() // 60)
        self.duration_hours, self.duration_minutes = divmod(minutes, 60)
        now = now or timezone.now()
        if self.ended_early_at is not None and self.ended_early_at <= now:
            self.ended_early_at = None
        self.save()

    def window_at(self, when: datetime) -> tuple[datetime, datetime] | None:
        return recurrence.window_at(self.schedule, when)

    def next_window(self, after: datetime) -> tuple[datetime, datetime] | None:
        return recurrence.next_window(self.schedule, after)

    @property
    def schedule(self) -> recurrence.Schedule:
        return recurrence.Schedule(
            start=self.starts_at,
            duration=self.duration,
            unit=self.recur_unit if self.recurring else None,
            every=self.recur_every or 1,
            until=self.recur_until if self.recurring else None,
            cut=self.ended_early_at,
        )
