"""Where the rate limits count: an increment that is atomic on every backend.

A lost increment is a request let through, so read-then-write is not enough
(the file cache's ``incr`` is one: 8 concurrent clients got 900 requests past
a limit of 600). Redis counts with ``INCR``; every other cache is replaced by
the database, which counts with one ``INSERT ... ON CONFLICT DO UPDATE ...
RETURNING`` (SQLite 3.35+ and PostgreSQL), a row per window.
"""

from typing import Protocol

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from statuspage.models import RateCounter


def _sql(template: str) -> str:
    """``template`` with the table and its columns quoted (``key`` is a keyword)."""
    q = connection.ops.quote_name
    return template.format(
        table=q(RateCounter._meta.db_table), key=q("key"), count=q("count"),
        expires_at=q("expires_at"),
    )  # fmt: skip


class CounterStore(Protocol):
    def incr(self, key: str, expires_at: float, now: float) -> int: ...


class CacheCounters:
    """Redis (or a per-process memory cache): its ``incr`` is atomic."""

    def incr(self, key: str, expires_at: float, now: float) -> int:
        timeout = max(1, int(expires_at - now) + 1)
        # add() only sets a missing key, so concurrent first hits do not reset it.
        cache.add(key, 0, timeout=timeout)
        try:
            return int(cache.incr(key))
        except ValueError:  # expired between add and incr, or Redis is away
            cache.set(key, 1, timeout=timeout)
            return 1


UPSERT = (
    "INSERT INTO {table} ({key}, {count}, {expires_at}) VALUES (%s, 1, %s) "
    "ON CONFLICT ({key}) DO UPDATE SET {count} = {table}.{count} + 1 RETURNING {count}"
)
PRUNE = "DELETE FROM {table} WHERE {expires_at} <= %s"


class DatabaseCounters:
    """A row per window, counted in one statement; a window's first hit
    prunes the windows that are over (one indexed delete)."""

    def incr(self, key: str, expires_at: float, now: float) -> int:
        with connection.cursor() as cursor:
            cursor.execute(_sql(UPSERT), [key, expires_at])
            count = int(cursor.fetchone()[0])
            if count == 1:
                cursor.execute(_sql(PRUNE), [now])
        return count


def store() -> CounterStore:
    """RATE_LIMIT_STORE: "cache" (Redis) or "database" (everything else)."""
    return CacheCounters() if settings.RATE_LIMIT_STORE == "cache" else DatabaseCounters()
