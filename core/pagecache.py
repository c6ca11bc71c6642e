"""Generations of what the public surfaces cache, and the one rule for
dropping them: ``changed()``.

Every cached render is keyed by two page generations, every page's and its
own; what only the calendar and incidents change (past days' incidents) by
the two incident generations. A status change bumps only the pages that
show the monitor; a change of layout (a category, a monitor's name) every
page's. The cache is shared by all processes (file cache on the embedded
default, Redis in production), so a worker's bump reaches the web server.

``changed()`` bumps once the surrounding transaction commits: a render
between a save and its commit must not cache what is about to change (it
would see the old rows under the new generation). Admin and API saves reach
it through the ORM's signals (statuspage/public/invalidation.py), the probe
engine's bulk updates call it themselves.
"""

from collections.abc import Callable, Collection, Iterable
from typing import cast

from django.core.cache import cache
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper


class Generation:
    """A counter in the shared cache that keys what it guards: bumping it
    drops every entry keyed by the old value, in every process."""

    def __init__(self, key: str) -> None:
        self.key = key

    def current(self) -> int:
        # With a default, get_or_set returns the stored or the new value, never None.
        return int(cast(int, cache.get_or_set(self.key, 1, timeout=None)))

    def bump(self) -> None:
        try:
            cache.incr(self.key)
        except ValueError:  # never set, or evicted
            cache.set(self.key, 2, timeout=None)


page_generation = Generation("statuspage:page-version")  # every page's
incident_generation = Generation("statuspage:incident-generation")  # every page's

PageResolver = Callable[[Collection[int]], Collection[int]]
_pages_showing: PageResolver | None = None


def resolve_pages_with(resolver: PageResolver) -> None:
    """Set how monitor ids map to the ids of the pages showing them (the
    pages app does, at start-up: this package imports no app)."""
    global _pages_showing
    _pages_showing = resolver


def of_page(page_id: int) -> Generation:
    return Generation(f"statuspage:page-version:{page_id}")


def incidents_of_page(page_id: int) -> Generation:
    return Generation(f"statuspage:incident-generation:{page_id}")


def version(page_id: int = 0) -> str:
    """What a page's cached renders are keyed by: every page's generation and its own."""
    return f"{page_generation.current()}.{of_page(page_id).current()}"


def incident_version(page_id: int = 0) -> str:
    return f"{incident_generation.current()}.{incidents_of_page(page_id).current()}"


def invalidate() -> None:
    """Drop every page's cached renders now (``changed()`` is what savers call)."""
    page_generation.bump()


def invalidate_past_days() -> None:
    """Drop what is cached of past days (their incidents) now, on every page."""
    incident_generation.bump()


def _once_on_commit(bump: Callable[[], None]) -> None:
    # One bump per transaction (savepoint) however many rows it saves: a bulk
    # admin action sends a signal per row. Django's own pending list is read,
    # so a rolled-back savepoint takes its callback with it.
    connection = transaction.get_connection()
    here = set(connection.savepoint_ids)
    if any(sids == here and func is bump for sids, func, *_ in connection.run_on_commit):
        return
    transaction.on_commit(bump)


class _Touched:
    """The monitors and pages one transaction changed, bumped once at commit."""

    def __init__(self) -> None:
        self.monitors: set[int] = set()
        self.pages: set[int] = set()
        self.past_days = False

    def __call__(self) -> None:
        # Page 0 is the default page when no page is stored (pages.resolve's
        # fallback): it shows everything, so every change touches it.
        pages = {0, *self.pages}
        if self.monitors and _pages_showing is not None:
            pages |= set(_pages_showing(self.monitors))
        elif self.monitors:  # no resolver (a process without the pages app): be safe
            invalidate()
            if self.past_days:
                invalidate_past_days()
            return
        for page_id in pages:
            of_page(page_id).bump()
            if self.past_days:
                incidents_of_page(page_id).bump()


def _pending(connection: BaseDatabaseWrapper) -> _Touched:
    here = set(connection.savepoint_ids)
    for sids, func, *_ in connection.run_on_commit:
        if sids == here and isinstance(func, _Touched):
            return func
    touched = _Touched()
    transaction.on_commit(touched)  # runs at commit, with what is added until then
    return touched


def changed(
    *,
    past_days: bool = False,
    monitors: Iterable[int] | None = None,
    pages: Iterable[int] | None = None,
) -> None:
    """What the public pages show changed: drop the cached renders once the
    change is committed. With ``monitors`` (whose status, incident or
    maintenance changed) or ``pages``, only the pages showing them or named;
    with neither (a category, a page's layout), every page. ``past_days``:
    an incident changed, which also shows on past days."""
    if monitors is None and pages is None:
        _once_on_commit(invalidate)
        if past_days:
            _once_on_commit(invalidate_past_days)
        return
    connection = transaction.get_connection()
    touched = _pending(connection) if connection.in_atomic_block else _Touched()
    touched.monitors.update(monitors or ())
    touched.pages.update(pages or ())
    touched.past_days |= past_days
    if not connection.in_atomic_block:
        touched()
