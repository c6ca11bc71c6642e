"""Generations of what the public surfaces cache, and the one rule for
dropping them: ``changed()``.

Every cached render is keyed by the page generation; what only the calendar
and incidents change (past days' incidents) is also keyed by the incident
generation. The cache is shared by all processes (file cache on the embedded
default, Redis in production), so a worker's bump reaches the web server.

``changed()`` bumps once the surrounding transaction commits: a render
between a save and its commit must not cache what is about to change (it
would see the old rows under the new generation). Admin and API saves reach
it through the ORM's signals (statuspage/public/invalidation.py), the probe
engine's bulk updates call it themselves.
"""

from collections.abc import Callable
from typing import cast

from django.core.cache import cache
from django.db import transaction


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


page_generation = Generation("statuspage:page-version")
incident_generation = Generation("statuspage:incident-generation")


def version() -> int:
    return page_generation.current()


def invalidate() -> None:
    """Drop the page's cached renders now (``changed()`` is what savers call)."""
    page_generation.bump()


def invalidate_past_days() -> None:
    """Drop what is cached of past days (their incidents) now."""
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


def changed(*, past_days: bool = False) -> None:
    """What the public page shows changed (a status, a monitor, a category,
    a maintenance window; with ``past_days``, an incident, which also shows
    on past days): drop the cached renders once the change is committed."""
    _once_on_commit(invalidate)
    if past_days:
        _once_on_commit(invalidate_past_days)
