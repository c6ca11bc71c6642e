"""Where in its interval a monitor's checks fall: a stable spread by its id.

A monitor of interval ``step`` is checked at ``EPOCH + phase + k × step``,
its ``phase`` the fractional part of ``id × 0.618034`` (the golden ratio's,
whose multiples spread most evenly) times the step. So the grid depends on
neither when the monitor was created nor when the engine started: any N
monitors of one interval fall due evenly across it, 10,000 made by one
import as well as 10,000 made over a year, and a restart keeps it so.

Integer microseconds throughout: the grid is exact, never a microsecond
off, however far from the epoch. The fraction is kept in the monitor's row
(``phase_key``, in millionths, computed by the database from the id), so the
monitors whose slots fall in a window of time are a range of keys
(``key_ranges``): the dispatcher finds them by an index that never changes.
"""

from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MULTIPLIER, SCALE = 618_034, 1_000_000
_MICROSECOND = timedelta(microseconds=1)


def phase_key(monitor_id: int) -> int:
    """The fraction of its interval the monitor's checks fall at, in millionths
    (the database's Monitor.phase_key)."""
    return monitor_id * MULTIPLIER % SCALE


def phase(monitor_id: int, step: timedelta) -> timedelta:
    """How far into each interval (from the epoch's grid) the monitor's checks fall."""
    return timedelta(microseconds=phase_key(monitor_id) * (step // _MICROSECOND) // SCALE)


def key_ranges(step: timedelta, start: datetime, end: datetime) -> list[tuple[int, int]]:
    """Ranges ``[low, high)`` of phase keys holding every monitor of interval
    ``step`` with a slot in ``(start, end]`` (and a few more at the edges:
    the caller checks each slot). All keys once the window spans an interval."""
    step_us = step // _MICROSECOND
    if (end - start) // _MICROSECOND >= step_us:
        return [(0, SCALE)]
    # A slot at offset o into the interval has key k with o = k × step // SCALE.
    first, last = ((at - EPOCH) // _MICROSECOND % step_us for at in (start, end))
    low, high = first * SCALE // step_us, last * SCALE // step_us + 2
    if first <= last:
        return [(low, min(high, SCALE))]
    return [(low, SCALE), (0, high)]  # the window wraps past the interval's end


def grid_at_or_after(monitor_id: int, step: timedelta, at: datetime) -> datetime:
    """The monitor's first slot not before ``at``."""
    step_us = step // _MICROSECOND
    offset = phase(monitor_id, step) // _MICROSECOND
    at_us = (at - EPOCH) // _MICROSECOND
    k = -((offset - at_us) // step_us)  # ceil((at - offset) / step)
    return EPOCH + timedelta(microseconds=k * step_us + offset)
