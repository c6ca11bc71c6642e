"""action=status in its three formats: full (the contract's sample), simple
(id, name, status) and grouped (the action=category object for every category,
then one with id, name and display_order null for monitors without one)."""

from collections import defaultdict
from typing import Any

from statuspage.api.bitup import render
from statuspage.api.bitup.categories import category_order, category_with_monitors
from statuspage.api.bitup.counting import Listed, all_categories, listed_monitors, with_categories
from statuspage.api.bitup.envelope import BitupError
from statuspage.api.bitup.params import Query

SIMPLE_FIELDS = ("id", "name", "status")


def full() -> list[dict[str, Any]]:
    monitors = with_categories(listed_monitors(), all_categories())
    return render.monitors(monitors)


def simple() -> list[dict[str, Any]]:
    shown = render.monitors(listed_monitors(), with_category=False)
    return [{field: item[field] for field in SIMPLE_FIELDS} for item in shown]


def grouped() -> list[dict[str, Any]]:
    categories = list(all_categories())
    by_category: dict[int | None, list[Listed]] = defaultdict(list)
    for monitor in with_categories(listed_monitors(), categories):
        by_category[monitor.category_id].append(monitor)
    # A category created since it was read, with monitors already, still shows.
    known = {category.pk for category in categories} | {None}
    categories += [
        category
        for key, group in by_category.items()
        if key not in known and (category := group[0].category) is not None
    ]
    groups = [
        category_with_monitors(category, by_category.get(category.pk, []))
        for category in sorted(categories, key=category_order)
    ]
    if by_category.get(None):
        groups.append(category_with_monitors(None, by_category[None]))
    return groups


FORMATS = {"full": full, "simple": simple, "grouped": grouped}
INVALID_FORMAT = "Invalid format. Supported: " + ", ".join(FORMATS)


def status(query: Query) -> list[dict[str, Any]]:
    answer = FORMATS.get(query.format or "full")
    if answer is None:
        raise BitupError(400, INVALID_FORMAT)
    return answer()
