"""The red banner on every admin page: its sentences are computed at most once
every CACHE_SECONDS, so a busy admin does not recount the engine's backlog on
every click (``engine_report.alarm``: three aggregate queries)."""

from django.core.cache import cache

from monitors import engine_report

CACHE_KEY = "cockpit:engine-alarm"
CACHE_SECONDS = 15


def sentences() -> list[str]:
    found: list[str] | None = cache.get(CACHE_KEY)
    if found is None:
        found = engine_report.alarm()
        cache.set(CACHE_KEY, found, CACHE_SECONDS)
    return found


def forget() -> None:
    """Drop the cached answer (the engine view computes a fresh one anyway)."""
    cache.delete(CACHE_KEY)
