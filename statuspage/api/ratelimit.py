"""Fixed-window request counters kept in the cache, so every web process
shares them (Redis in production, the file cache on the embedded default)."""

import math
import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Rate:
    """``limit`` requests per ``period`` seconds; a limit of 0 disables it."""

    limit: int
    period: int = 60

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """``"600/60"`` or ``"600"`` (per minute)."""
        limit, _, period = text.partition("/")
        return cls(int(limit), int(period or 60))


def _window(rate: Rate, now: float) -> tuple[int, float]:
    start = math.floor(now / rate.period) * rate.period
    return start, start + rate.period


def hit(scope: str, ident: str, rate: Rate, now: float | None = None) -> int | None:
    """Count one request; None while under the limit, else the whole seconds
    until the window ends (for Retry-After)."""
    if rate.limit <= 0:
        return None
    now = time.time() if now is None else now
    start, end = _window(rate, now)
    key = f"rl:{scope}:{ident}:{start}"
    # add() only sets a missing key, so concurrent first hits do not reset it.
    cache.add(key, 0, timeout=rate.period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=rate.period + 1)
        count = 1
    return None if count <= rate.limit else max(1, math.ceil(end - now))


def exceeded(scope: str, ident: str, rate: Rate, now: float | None = None) -> int | None:
    """Like hit() but without counting: seconds left when the limit is already spent."""
    if rate.limit <= 0:
        return None
    now = time.time() if now is None else now
    start, end = _window(rate, now)
    count = cache.get(f"rl:{scope}:{ident}:{start}", 0)
    return None if count < rate.limit else max(1, math.ceil(end - now))
