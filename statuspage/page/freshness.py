"""How fresh what the page shows is: when the monitors shown were last
checked, and whether the engine has fallen behind, so that the page says
"checks are delayed" instead of a status it no longer knows.

The engine is behind when the newest check of the monitors shown is older
than two intervals of the most frequently checked of them (none of them got
a result since), or when beat's dispatch has been silent for a minute (no
check will start whatever the results say). A page that never had a check
counts from the monitors' creation, so an engine that never ran is caught too.

``stale_at`` is when a fresh answer turns delayed if nothing new arrives: the
page cache keeps a render no longer than that (see views.py), so a cached
page never goes on saying "all good" after the engine stopped."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from monitors import heartbeats
from statuspage.public.shown import Checked

INTERVALS = 2  # results missing for this many intervals: the checks are delayed


@dataclass(frozen=True)
class Freshness:
    checked_at: datetime | None  # the newest check of the monitors shown
    delayed: bool  # the engine has fallen behind: the statuses shown may be out of date
    stale_at: datetime | None  # when this turns delayed if no result comes; None: never


def assess(checked: Checked, last_dispatch: datetime | None, now: datetime) -> Freshness:
    """``checked``: of the monitors the page shows; ``last_dispatch``: beat's
    (None when it never ran or heartbeats are not recorded yet: then the
    results alone decide)."""
    if checked.first_created is None or checked.shortest_interval is None:
        return Freshness(None, False, None)  # nothing is claimed, nothing can be stale
    checked_at = checked.newest
    since = checked_at or checked.first_created
    deadlines = [since + timedelta(seconds=INTERVALS * checked.shortest_interval)]
    if last_dispatch is not None:
        deadlines.append(last_dispatch + heartbeats.DISPATCH_SILENT_AFTER)
    stale_at = min(deadlines)
    return Freshness(checked_at, now >= stale_at, stale_at)
