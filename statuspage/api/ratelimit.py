"""Fixed-window request counters shared by every web process, counted
atomically (statuspage/api/ratecounters.py: Redis, else the database).

A limit is decided by the count its own increment returns, never by a read
before it: N concurrent requests that all read "one below the limit" would
all pass, while N increments return N different counts.
"""

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

from statuspage.api.clientaddr import client_address
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


def address_hit(request: HttpRequest, dialect_name: str) -> int | None:
    """Count ``request`` against RATE_LIMIT_PER_ADDRESS of its client address
    in one dialect's bucket: hit()'s answer. Counted once a request, by
    whichever middleware answers it: the body limit, before it reads an
    oversized body (statuspage/api/bodylimit.py), else the guard (guard.py)."""
    rate = Rate.parse(settings.RATE_LIMIT_PER_ADDRESS)
    return hit(f"{dialect_name}:addr", client_address(request), rate)
