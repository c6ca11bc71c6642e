"""Two checks of one target never come within half an interval.

A monitor's checks fall on its grid (``monitors/scheduling.py``). A batch
that waited in a busy queue starts its checks late; the next slot's batch,
on time, would then check the same target again within seconds. So:

    A check that started more than half an interval after its slot makes
    the next slot of the same grid redundant at that location: that slot
    is left out, and the grid goes on from the one after.

The rule is applied when a probe is about to start, on the process's event
loop (one thread), so a late batch still running cannot race the next one:
only late starts are remembered, which keeps the memory small while the
engine keeps up. Across processes, ``monitors.tasks`` applies the same rule
to the results already recorded.
"""

from datetime import datetime, timedelta

# Slots one interval apart, give or take this much, lie on the same grid.
SAME_GRID = timedelta(seconds=1)
# Past this many remembered late starts, the stale ones are dropped.
PRUNE_ABOVE = 10_000


def follows_late_check(
    slot: datetime, step: timedelta, previous_slot: datetime, previous_start: datetime
) -> bool:
    """Whether ``slot`` is the grid's next after a check that started late
    enough (over half ``step``) to leave it out."""
    return abs(slot - previous_slot - step) < SAME_GRID and previous_start > slot - step / 2


class LateStarts:
    """The checks that started more than half an interval late, per
    (location, monitor): their slot and start."""

    def __init__(self) -> None:
        self._late: dict[tuple[str, int], tuple[datetime, datetime, timedelta]] = {}

    def redundant(self, location: str, monitor_id: int, slot: datetime, step: timedelta) -> bool:
        previous = self._late.get((location, monitor_id))
        return previous is not None and follows_late_check(slot, step, *previous[:2])

    def started(
        self, location: str, monitor_id: int, slot: datetime, step: timedelta, at: datetime
    ) -> None:
        key = (location, monitor_id)
        if at - slot > step / 2:
            self._late[key] = (slot, at, step)
            if len(self._late) > PRUNE_ABOVE:
                self._prune(at)
        else:
            self._late.pop(key, None)

    def _prune(self, now: datetime) -> None:
        # An entry matters only until its grid's next slot has passed.
        self._late = {
            key: (slot, at, step)
            for key, (slot, at, step) in self._late.items()
            if slot + step + SAME_GRID > now
        }
