"""Fixed-window request counters shared by every web process, counted
atomically (statuspage/api/ratecounters.py: Redis, else the database)."""

import math
import time
from dataclasses import dataclass

from statuspage.api.ratecounters import store


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


def _key(scope: str, ident: str, start: int) -> str:
    return f"rl:{scope}:{start}:{ident}"[:200]


def hit(scope: str, ident: str, rate: Rate, now: float | None = None) -> int | None:
    """Count one request; None while under the limit, else the whole seconds
    until the window ends (for Retry-After)."""
    if rate.limit <= 0:
        return None
    now = time.time() if now is None else now
    start, end = _window(rate, now)
    count = store().incr(_key(scope, ident, start), expires_at=end, now=now)
    return None if count <= rate.limit else max(1, math.ceil(end - now))


def exceeded(scope: str, ident: str, rate: Rate, now: float | None = None) -> int | None:
    """Like hit() but without counting: seconds left when the limit is already spent."""
    if rate.limit <= 0:
        return None
    now = time.time() if now is None else now
    start, end = _window(rate, now)
    count = store().get(_key(scope, ident, start))
    return None if count < rate.limit else max(1, math.ceil(end - now))
