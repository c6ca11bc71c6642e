"""Failed checks, kept in runs (models.FailedCheck).

A failed check from a location whose previous check there failed with the
same error extends that run (its count, latest time and response time)
instead of adding a row, so a monitor that stays down for days keeps a few
rows, not one per check. Written with the batch, under its monitors' row
locks, so two batches never extend one run at once.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from django.db.models import Max

from monitors import bulk
from monitors.models import FailedCheck

_NEW = bulk.Columns(
    FailedCheck,
    ("monitor", "location", "checked_at", "last_checked_at", "checks", "response_ms", "error"),
)
_EXTENDED = bulk.Columns(FailedCheck, ("id", "last_checked_at", "checks", "response_ms"))


class Previous(Protocol):
    """A location's result before this check (a LocationResult's fields)."""

    ok: bool | None
    error: str


@dataclass(frozen=True, slots=True)
class Failure:
    monitor_id: int
    at: datetime
    response_ms: int | None
    error: str


@dataclass
class Runs:
    """One location's failed checks of one batch."""

    location: str
    new: list[Failure] = field(default_factory=list)
    continued: list[Failure] = field(default_factory=list)

    def add(self, failure: Failure, previous: Previous | None) -> None:
        """``previous``: the location's result before this check, if any."""
        same = previous is not None and previous.ok is False and previous.error == failure.error
        (self.continued if same else self.new).append(failure)

    def save(self) -> None:
        latest = self._latest_runs()
        extended = []
        for failure in self.continued:
            run = latest.get(failure.monitor_id)
            if run is None:  # pruned, or from before runs were kept
                self.new.append(failure)
            else:
                extended.append((run[0], failure.at, run[1] + 1, failure.response_ms))
        bulk.update(_EXTENDED, extended)
        bulk.insert(
            _NEW,
            [(f.monitor_id, self.location, f.at, f.at, 1, f.response_ms, f.error)
             for f in self.new],
        )  # fmt: skip

    def _latest_runs(self) -> dict[int, tuple[int, int]]:
        """(id, checks) of the latest run of each continued monitor here."""
        if not self.continued:
            return {}
        ids = (
            FailedCheck.objects.filter(
                bulk.among([f.monitor_id for f in self.continued], "monitor_id"),
                location=self.location,
            )
            .values("monitor_id")
            .annotate(last=Max("id"))
            .values_list("last", flat=True)
        )
        return {
            monitor_id: (pk, checks)
            for pk, monitor_id, checks in FailedCheck.objects.filter(pk__in=ids).values_list(
                "pk", "monitor_id", "checks"
            )
        }
