"""Generations of what the public page caches. Every cached render is keyed by
the page generation, and anything that changes what the page shows (a
status, an incident, a maintenance window) calls ``invalidate()``. The cache
is shared by all processes (file cache on the embedded default, Redis in
production), so a worker's invalidation reaches the web server."""

from django.core.cache import cache


class Generation:
    """A counter in the shared cache that keys what it guards: bumping it
    drops every entry keyed by the old value, in every process."""

    def __init__(self, key: str) -> None:
        self.key = key

    def current(self) -> int:
        return cache.get_or_set(self.key, 1, timeout=None)

    def bump(self) -> None:
        try:
            cache.incr(self.key)
        except ValueError:  # never set, or evicted
            cache.set(self.key, 2, timeout=None)


page_generation = Generation("statuspage:page-version")


def version() -> int:
    return page_generation.current()


def invalidate() -> None:
    page_generation.bump()
