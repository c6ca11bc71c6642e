"""Where in its interval a monitor's checks fall: a stable spread by its id.

A monitor of interval ``step`` is checked at ``EPOCH + phase + k × step``,
its ``phase`` the fractional part of ``id × 0.618034`` (the golden ratio's,
whose multiples spread most evenly) times the step. So the grid depends on
neither when the monitor was created nor when the engine started: any N
monitors of one interval fall due evenly across it, 10,000 made by one
import as well as 10,000 made over a year, and a restart keeps it so.

Integer microseconds throughout: the grid is exact, never a microsecond
off, however far from the epoch.
"""

from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MULTIPLIER, _SCALE = 618_034, 1_000_000
_MICROSECOND = timedelta(microseconds=1)


def phase(monitor_id: int, step: timedelta) -> timedelta:
    """How far into each interval (from the epoch's grid) the monitor's checks fall."""
    step_us = step // _MICROSECOND
    return timedelta(microseconds=(monitor_id * _MULTIPLIER % _SCALE) * step_us // _SCALE)


def grid_at_or_after(monitor_id: int, step: timedelta, at: datetime) -> datetime:
    """The monitor's first slot not before ``at``."""
    step_us = step // _MICROSECOND
    offset = phase(monitor_id, step) // _MICROSECOND
    at_us = (at - EPOCH) // _MICROSECOND
    k = -((offset - at_us) // step_us)  # ceil((at - offset) / step)
    return EPOCH + timedelta(microseconds=k * step_us + offset)
