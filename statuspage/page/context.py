"""What the front page shows, built in a fixed number of queries: nine, ten
on the first render of a day in a language (see bars.py)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from core import pagecache
from incidents.models import Incident
from monitors import heartbeats
from monitors.models import Category
from pages.resolve import OnPage
from statuspage.page import history
from statuspage.page.bars import DAYS, build_bars
from statuspage.page.freshness import assess
from statuspage.page.rows import Row, rows_html
from statuspage.public import cache
from statuspage.public.current import PAGE_FIELDS, load_current, recent_or_open
from statuspage.public.states import ComponentState


@dataclass(frozen=True)
class Section:
    category: Category | None
    state: ComponentState
    rows: list[Row]
    response_times: bool = False

    @property
    def rows_html(self) -> SafeString:
        return rows_html(self.rows, self.response_times)


def past_html(resolved: list[Incident], today: date, on: OnPage) -> SafeString:
    """The past incidents section: only incidents and the date change it."""
    days = history.by_day(resolved, today)
    return cache.settled(
        "past",
        today,
        lambda: render_to_string("statuspage/_past.html", {"days": days}),
        pagecache.incident_version(on.id),
        on.cache_id,
    )


def index_context(on: OnPage, now: datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    today = timezone.localdate(now)
    since = history.start_of(today - timedelta(days=history.FRONT_PAGE_DAYS - 1))
    current = load_current(now, recent_or_open(since), PAGE_FIELDS, on.layout)  # six queries
    page = on.page
    bars = build_bars([m.pk for m in current.monitors], today, now) if page.show_bars else {}  # two
    sections = [
        Section(
            group.category,
            group.state,
            [Row(m, current.states[m.pk], bars.get(m.pk)) for m in group.monitors],
            page.show_response_times,
        )
        for group in current.groups
    ]
    resolved = [i for i in current.incidents if not i.is_active]
    dispatched = heartbeats.last_dispatch() if current.monitors else None  # one
    return {
        "freshness": assess(current.monitors, dispatched, now),
        "now": now,
        "current": current,
        "overall": current.overall,
        "sections": sections,
        "past": past_html(resolved, today, on) if on.page.show_history else "",
        "bar_days": DAYS,
        "show_bars": page.show_bars,
    }
