"""What happened to a monitor over time: failed checks (kept for a retention),
hourly rollups per location (the cockpit's response-time charts, the 24-hour
uptime), daily rollups per monitor (the 90-day bars and uptime figures) and
status changes (for incidents, alerts and the page)."""

from typing import Any, Self

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import enums


class FailedCheck(models.Model):
    """A failed check, or a run of failed checks in a row from one location
    with the same error: ``checks`` of them, the first at ``checked_at``, the
    latest at ``last_checked_at`` (with its response time). Successful checks
    are only counted, in the rollups: nothing reads them one by one, and a
    row per check was most of what the database wrote and kept. A run keeps
    a monitor that is down for days to a few rows."""

    # No index of its own: (monitor, checked_at) below serves every lookup by
    # monitor, and each index is one more write on every new run.
    monitor = models.ForeignKey(
        "monitors.Monitor", on_delete=models.CASCADE, related_name="failures", db_index=False
    )
    location = models.CharField(max_length=8, choices=enums.Location.choices)
    checked_at = models.DateTimeField(help_text=_("When the first check of the run started."))
    last_checked_at = models.DateTimeField(help_text=_("When its latest check started."))
    checks = models.PositiveIntegerField(default=1)
    response_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("failed check")
        indexes = [
            models.Index(fields=["monitor", "checked_at"], name="result_monitor_time_idx"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.monitor_id} {self.location} {self.checked_at:%Y-%m-%d %H:%M:%S}: {self.error}"
        )


class RollupQuerySet(models.QuerySet[Any]):
    def counted(self) -> Self:
        """Rows with checks: the readers' rows (rows made ahead of their hour
        or day, monitors/rollups_ahead.py, have none until checked)."""
        return self.filter(checks__gt=0)


class Rollup(models.Model):
    """Counts over one period; uptime = successes / checks."""

    # Indexed by the unique key that starts with it (each model's Meta).
    monitor = models.ForeignKey(
        "monitors.Monitor", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    checks = models.PositiveIntegerField(default=0)
    successes = models.PositiveIntegerField(default=0)
    total_response_ms = models.BigIntegerField(default=0)
    max_response_ms = models.PositiveIntegerField(default=0)

    objects = RollupQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.monitor_id}: {self.successes}/{self.checks}"

    @property
    def uptime(self) -> float | None:
        return 100.0 * self.successes / self.checks if self.checks else None


# The location of hourly rollups written before they were kept per location:
# all of the monitor's locations together (they age out with the retention).
ALL_LOCATIONS = ""


class HourlyRollup(Rollup):
    """One monitor's checks from one location in one UTC hour: the cockpit
    charts each location, the uptime readers sum the locations. Hours older
    than the hourly retention are merged into one row a day
    (``monitors.recording.prune``), kept at the day's first whole UTC hour."""

    hour = models.DateTimeField(help_text="Start of the UTC hour.")
    # No choices: ALL_LOCATIONS is not a location, and the code is only read back.
    location = models.CharField(max_length=8, blank=True, default=ALL_LOCATIONS)

    class Meta:
        # The only index: (monitor, hour) first serves every reader's range
        # scan; the location makes it one row per monitor, hour and location.
        constraints = [
            models.UniqueConstraint(
                fields=["monitor", "hour", "location"], name="hourly_rollup_unique"
            )
        ]


class DailyRollup(Rollup):
    day = models.DateField(help_text="A date in the site's time zone.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["monitor", "day"], name="daily_rollup_unique")
        ]


class StatusEvent(models.Model):
    # Indexed by (monitor, at) below.
    monitor = models.ForeignKey(
        "monitors.Monitor", on_delete=models.CASCADE, related_name="events", db_index=False
    )
    at = models.DateTimeField(default=timezone.now)
    from_status = models.CharField(max_length=16, choices=enums.Status.choices)
    to_status = models.CharField(max_length=16, choices=enums.Status.choices)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("status change")
        ordering = ["-at"]
        indexes = [models.Index(fields=["monitor", "at"], name="event_monitor_time_idx")]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"
