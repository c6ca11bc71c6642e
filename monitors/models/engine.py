"""What the probe engine keeps between checks besides the monitor row."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core import enums


class LocationResult(models.Model):
    """The latest result of one monitor from one probe location.

    It is that location's vote when the monitor's status is decided by
    majority, and its ``slot`` (the schedule slot the result answers) makes
    recording idempotent: a result for a slot not newer than this one is a
    redelivered or overtaken batch and is ignored.
    """

    # Indexed by the unique (monitor, location) below.
    monitor = models.ForeignKey(
        "monitors.Monitor", on_delete=models.CASCADE, related_name="location_results",
        db_index=False,
    )  # fmt: skip
    location = models.CharField(max_length=8, choices=enums.Location.choices)
    slot = models.DateTimeField(help_text=_("The schedule slot this result answers."))
    checked_at = models.DateTimeField(help_text=_("When the probe started."))
    ok = models.BooleanField(null=True, help_text=_("Empty when the probe could not run here."))
    status = models.CharField(
        max_length=16, choices=enums.Status.choices, default=enums.Status.PENDING,
        help_text=_("This location's vote: up, down, or pending before its first verdict."),
    )  # fmt: skip
    consecutive_failures = models.PositiveIntegerField(default=0)
    response_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("result per location")
        constraints = [
            models.UniqueConstraint(fields=["monitor", "location"], name="location_result_unique")
        ]
        # No index on checked_at, which every check changes: without one,
        # PostgreSQL updates the row in place (HOT, migration 0008), and
        # engine_status reads these rows with their monitors anyway.

    def __str__(self) -> str:
        return f"{self.monitor_id} {self.location}: {self.status}"


class CheckTally(models.Model):
    """How many checks one location recorded in one UTC minute: the engine's
    throughput, counted once per batch (successful checks are not kept one
    by one, FailedCheck). Kept a day."""

    minute = models.DateTimeField()
    location = models.CharField(max_length=8, choices=enums.Location.choices)
    checks = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("checks per minute")
        constraints = [
            models.UniqueConstraint(fields=["minute", "location"], name="check_tally_unique")
        ]

    def __str__(self) -> str:
        return f"{self.minute:%H:%M} {self.location}: {self.checks}"


class Heartbeat(models.Model):
    """When a part of the engine last showed it was alive: beat (its last
    dispatch) and each Celery worker (every few seconds while it runs).

    The database holds them rather than the cache so that "the engine is
    silent" stays true through a cache outage, and every web process, the
    health check and the admin read the same answer.
    """

    class Kind(models.TextChoices):
        DISPATCH = "dispatch", _("beat's dispatch")
        WORKER = "worker", _("worker")

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # The probe locations a worker serves ("USE,UK"); empty for a worker that
    # serves no probe queue, and for the dispatch.
    locations = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("engine heartbeat")

    def __str__(self) -> str:
        return f"{self.name} at {self.seen_at:%H:%M:%S}"


class ScheduleCursor(models.Model):
    """How far the dispatcher has claimed the grid of one frequency: every
    slot up to ``claimed_until`` of that frequency's monitors is claimed
    (monitors/scheduling.py). Moved by a conditional UPDATE that must touch
    exactly this row, so two dispatchers never claim one window twice."""

    frequency = models.PositiveIntegerField(primary_key=True)
    claimed_until = models.DateTimeField()

    class Meta:
        verbose_name = _("schedule cursor")

    def __str__(self) -> str:
        return f"every {self.frequency} s: claimed until {self.claimed_until:%Y-%m-%d %H:%M:%S}"
