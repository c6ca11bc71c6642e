"""What the front page shows, built in a fixed number of queries: ten, eleven
on the first render of a day in a language (see bars.py)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from core import pagecache
from incidents.models import Incident
from monitors import heartbeats
from monitors.models import Category
from pages.models import StatusPage
from pages.resolve import OnPage
from statuspage.page import history
from statuspage.page.bars import DAYS, Bars, build_bars
from statuspage.page.freshness import assess
from statuspage.page.rows import Row, group_bars_html, rows_html
from statuspage.public import cache
from statuspage.public.current import Current, load_current, recent_or_open
from statuspage.public.shown import PAGE_FIELDS
from statuspage.public.states import ComponentState

OTHER = "other"  # the address of the monitors without a category
COLLAPSED_ROWS = 10  # a collapsed category's monitors listed by name (those not operational)


@dataclass(frozen=True)
class Section:
    """A category's part of the Systems list. Collapsed (a page of more than
    PAGE_COLLAPSE_OVER monitors): one bar row for the whole category, only
    its monitors that are not operational, and a link to its own page with
    every row, so the page's size does not grow with the monitors."""

    category: Category | None
    state: ComponentState
    rows: list[Row]
    response_times: bool = False
    collapsed: bool = False
    count: int = 0  # the category's monitors on the page
    bars: Bars | None = None  # collapsed: the category's row

    @property
    def rows_html(self) -> SafeString:
        return rows_html(self.rows, self.response_times)

    @property
    def key(self) -> str:
        """The category's part of its page's address."""
        return str(self.category.pk) if self.category else OTHER

    @property
    def bars_html(self) -> SafeString:
        name = self.category.name if self.category else gettext("Other")
        return group_bars_html(self.bars, name) if self.bars else mark_safe("")  # noqa: S308


def sections_of(
    current: Current, page: StatusPage, today: date, now: datetime, collapse: bool | None = None
) -> list[Section]:
    """Every category's section, collapsed on a page of many monitors (or as
    ``collapse`` says): two queries."""
    groups = current.groups
    if collapse is None:
        collapse = len(current.monitors) > settings.PAGE_COLLAPSE_OVER
    ids = [m.pk for m in current.monitors]
    if not collapse:
        bars = build_bars(ids, today, now) if page.show_bars else {}
        return [
            Section(g.category, g.state, [Row(m, current.states[m.pk], bars.get(m.pk))
                                          for m in g.monitors], page.show_response_times)
            for g in groups
        ]  # fmt: skip
    members: dict[int, list[int]] = {}
    for g in groups:  # a category split by the page's order is still one row
        members.setdefault(g.category.pk if g.category else 0, []).extend(m.pk for m in g.monitors)
    bars = build_bars(ids, today, now, members) if page.show_bars else {}
    sections = []
    for g in groups:
        troubled = [m for m in g.monitors if current.states[m.pk] != ComponentState.OPERATIONAL]
        rows = [Row(m, current.states[m.pk], None) for m in troubled[:COLLAPSED_ROWS]]
        key = g.category.pk if g.category else 0
        sections.append(
            Section(g.category, g.state, rows, page.show_response_times,
                    collapsed=True, count=len(g.monitors), bars=bars.get(key))
        )  # fmt: skip
    return sections


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
    current = load_current(now, recent_or_open(since), PAGE_FIELDS, on.layout)  # seven queries
    page = on.page
    sections = sections_of(current, page, today, now)  # two
    resolved = [i for i in current.incidents if not i.is_active]
    dispatched = heartbeats.last_dispatch() if current.monitors else None  # one
    return {
        "freshness": assess(current.checked, dispatched, now),
        "now": now,
        "current": current,
        "overall": current.overall,
        "sections": sections,
        "past": past_html(resolved, today, on) if on.page.show_history else "",
        "bar_days": DAYS,
        "show_bars": page.show_bars,
    }


def group_context(on: OnPage, key: str, now: datetime | None = None) -> dict[str, Any] | None:
    """One category of the page with every row (what a collapsed category
    opens to); None when the page shows none of it. Ten queries."""
    if key != OTHER and not key.isdigit():
        return None
    now = now or timezone.now()
    within = Q(category__isnull=True) if key == OTHER else Q(category_id=int(key))
    current = load_current(now, None, PAGE_FIELDS, on.layout, within)  # seven
    if not current.monitors:
        return None
    sections = sections_of(current, on.page, timezone.localdate(now), now, collapse=False)
    dispatched = heartbeats.last_dispatch()
    return {
        "freshness": assess(current.checked, dispatched, now),
        "sections": sections,
        "bar_days": DAYS,
        "show_bars": on.page.show_bars,
        "name": sections[0].category.name if sections[0].category else gettext("Other"),
    }
