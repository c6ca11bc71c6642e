"""action=categories (every category with its counts) and action=category
(one category with its monitors). A category object is built here only."""

from collections.abc import Sequence
from typing import Any

from monitors.models import Category
from statuspage.api.bitup import render
from statuspage.api.bitup.counting import (
    Listed,
    Tally,
    all_categories,
    listed_monitors,
    tally_by_category,
)
from statuspage.api.bitup.envelope import CATEGORY_NOT_FOUND, BitupError
from statuspage.api.bitup.params import Query, category_id


def category_order(category: Category) -> tuple[int, str, int]:
    return (category.display_order, category.name, category.pk)


def category_with_monitors(category: Category | None, monitors: Sequence[Listed]) -> dict[str, Any]:
    """The contract's action=category object (no down_count, as its sample);
    ``category`` None is the group of monitors without one (format=grouped)."""
    tally = Tally.of(monitor.status for monitor in monitors)
    return {
        "id": category.pk if category else None,
        "name": category.name if category else None,
        "display_order": category.display_order if category else None,
        "monitor_count": tally.total,
        "up_count": tally.up,
        "monitors": render.monitors(monitors, with_category=False),
    }


def categories(query: Query) -> list[dict[str, Any]]:
    tallies = tally_by_category()
    answer = []
    for category in all_categories():
        tally = tallies.get(category.pk, Tally())
        answer.append(
            {
                "id": category.pk,
                "name": category.name,
                "display_order": category.display_order,
                "monitor_count": tally.total,
                "up_count": tally.up,
                "down_count": tally.down,
            }
        )
    return answer


def category(query: Query) -> dict[str, Any]:
    found = all_categories().filter(pk=category_id(query.category_id)).first()
    if found is None:
        raise BitupError(404, CATEGORY_NOT_FOUND)
    # Counted from the very rows it lists, so the counts match the list.
    return category_with_monitors(found, listed_monitors(found))
