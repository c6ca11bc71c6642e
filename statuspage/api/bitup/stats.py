"""action=stats: counts of active monitors, overall and per category, and their
availability over the last uptime.UPTIME_DAYS days.

A monitor's availability is its successes over its checks in the window (from
the rollups, through monitors.uptime). A monitor with no checks in the window
counts as 100 when up and 0 when down, and not at all when pending or in
maintenance; so before there is any history the figure is the share of
monitors up. A group's figure is the mean over its monitors (each monitor
weighs the same, however often it is checked), rounded to one decimal and
written as an integer when whole (100, 80, 98.7 as in the contract); a group
with no figure at all (no monitors, or only pending ones) reads 100.
"""

from dataclasses import dataclass, field
from statistics import fmean
from typing import Any

from core.enums import Status
from monitors import uptime
from monitors.models import Category
from statuspage.api.bitup.counting import Tally, all_categories, monitor_states
from statuspage.api.bitup.params import Query

NOTHING_KNOWN = 100


def availability(status: str, counts: uptime.Counts | None) -> float | None:
    if counts is not None and counts.percent is not None:
        return counts.percent
    known: dict[str, float] = {Status.UP: 100.0, Status.DOWN: 0.0}
    return known.get(status)


def rounded_percent(value: float) -> int | float:
    value = round(value, 1)
    return int(value) if value.is_integer() else value


@dataclass
class Figures:
    tally: Tally = field(default_factory=Tally)
    figures: list[float] = field(default_factory=list)

    def add(self, status: str, figure: float | None) -> None:
        self.tally.add(status)
        if figure is not None:
            self.figures.append(figure)

    @property
    def uptime_percent(self) -> int | float:
        return rounded_percent(fmean(self.figures)) if self.figures else NOTHING_KNOWN


def stats(query: Query) -> dict[str, Any]:
    states = monitor_states()
    # Every monitor's rollups in one query, rather than an IN list of thousands of ids.
    history = uptime.last_days(None, uptime.UPTIME_DAYS)
    overall = Figures()
    by_category: dict[int | None, Figures] = {}
    for monitor_id, category_id, status in states:
        figure = availability(status, history.get(monitor_id))
        overall.add(status, figure)
        by_category.setdefault(category_id, Figures()).add(status, figure)
    return {
        "total": overall.tally.total,
        "online": overall.tally.up,
        "offline": overall.tally.down,
        "uptime_percent": overall.uptime_percent,
        "categories": [
            _category(category, by_category.get(category.pk, Figures()))
            for category in all_categories()
        ],
    }


def _category(category: Category, group: Figures) -> dict[str, Any]:
    return {
        "id": category.pk,
        "category_name": category.name,
        "total_in_category": group.tally.total,
        "up_in_category": group.tally.up,
        "down_in_category": group.tally.down,
        "uptime_percent_category": group.uptime_percent,
    }
