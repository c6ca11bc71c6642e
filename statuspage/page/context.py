"""What the front page shows, built in a fixed number of queries (eight)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from monitors.models import Category, Monitor
from statuspage.page import history
from statuspage.page.bars import DAYS, Bars, build_bars
from statuspage.page.current import load_current, recent_or_open
from statuspage.page.states import ComponentState


@dataclass(frozen=True)
class Row:
    monitor: Monitor
    state: ComponentState
    bars: Bars

    @property
    def bars_label(self) -> str:
        return gettext("Daily uptime of %(name)s") % {"name": self.monitor.name}


@dataclass(frozen=True)
class Section:
    category: Category | None
    state: ComponentState
    rows: list[Row]


def index_context(now: datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    today = timezone.localdate(now)
    since = history.start_of(today - timedelta(days=history.FRONT_PAGE_DAYS - 1))
    current = load_current(now, recent_or_open(since))  # six queries
    bars = build_bars([m.pk for m in current.monitors], today, now)  # two
    sections = [
        Section(
            group.category,
            group.state,
            [Row(m, current.states[m.pk], bars[m.pk]) for m in group.monitors],
        )
        for group in current.groups
    ]
    resolved = [i for i in current.incidents if not i.is_active]
    return {
        "now": now,
        "current": current,
        "overall": current.overall,
        "sections": sections,
        "days": history.by_day(resolved, today),
        "bar_days": DAYS,
    }
