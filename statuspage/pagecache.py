"""The public page's cache generation: every cached render is keyed by it, and
anything that changes what the page shows (a status, an incident, a
maintenance window) calls ``invalidate()``. The cache is shared by all
processes (file cache on the embedded default, Redis in production), so a
worker's invalidation reaches the web server."""

from django.core.cache import cache

VERSION_KEY = "statuspage:page-version"


def version() -> int:
    return cache.get_or_set(VERSION_KEY, 1, timeout=None)


def invalidate() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # never set, or evicted
        cache.set(VERSION_KEY, 2, timeout=None)
