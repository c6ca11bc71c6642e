"""Messages waiting in each location's probe queue (monitors/queue_depth.py)."""

from core.locations import probe_queue
from monitors import queue_depth


def waiting(locations: list[str]) -> dict[str, int | None]:
    """Per location code, the messages waiting; None when the broker cannot say."""
    found = queue_depth.waiting(probe_queue(code) for code in locations)
    return {code: found[probe_queue(code)] for code in locations}
