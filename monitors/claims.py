"""What the dispatcher claims: a check of a monitor at a slot, and the
clock rules both ways of claiming share (monitors/scheduling.py)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from monitors.phase import grid_at_or_after

# Frequencies are choices from 30 s up; a row edited by hand to 0 must not stop the engine.
MIN_FREQUENCY = 5


@dataclass(frozen=True, slots=True)
class Claim:
    monitor_id: int
    slot: datetime  # when this check is due
    frequency: int
    locations: tuple[str, ...]
    due_since: datetime  # when the monitor became due (its slot, unless slots were skipped)
    deferred: bool = False  # a catch-up beyond the lookahead: nothing to send yet
    skipped_slots: int = 0  # the slots passed while it was behind, beyond the one it runs
    at_once: bool = False  # new or edited, checked now (of the tick's AT_ONCE)


def lookahead() -> timedelta:
    return timedelta(seconds=settings.PROBE_DISPATCH_INTERVAL + 1)


_MICROSECOND = timedelta(microseconds=1)


def step_of(frequency: int) -> timedelta:
    return timedelta(seconds=max(frequency, MIN_FREQUENCY))


def first_slot(monitor_id: int, step: timedelta, after: datetime, not_before: datetime) -> datetime:
    """The monitor's first slot after ``after`` and not before ``not_before``."""
    return grid_at_or_after(monitor_id, step, max(after + _MICROSECOND, not_before))
