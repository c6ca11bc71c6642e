"""The actions api.php answers, in the order the contract's "Invalid action"
message lists them; each takes the parsed query and returns the ``data``."""

from collections.abc import Callable
from typing import Any

from statuspage.api.bitup.categories import categories, category
from statuspage.api.bitup.incidents import incidents
from statuspage.api.bitup.params import Query
from statuspage.api.bitup.stats import stats
from statuspage.api.bitup.status import status

ACTIONS: dict[str, Callable[[Query], Any]] = {
    "status": status,
    "categories": categories,
    "incidents": incidents,
    "stats": stats,
    "category": category,
}
