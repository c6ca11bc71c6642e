"""api.php's query parameters, checked before any action reads the database.

When several things are wrong, the first of these is answered: a bad key (401,
checked by the view before anything else), a method other than GET (405), a
parameter given more than once, the action (400), then the action's own
parameters (``format`` for status, ``category_id`` for category: 400), then a
category that does not exist (404). Parameters the contract does not know (a
client's cache-buster) are ignored, and so are ``format`` and ``category_id``
on actions that do not read them.
"""

from collections.abc import Collection
from dataclasses import dataclass

from django.http import QueryDict

from statuspage.api.bitup.envelope import (
    CATEGORY_ID_REQUIRED,
    CATEGORY_NOT_FOUND,
    INVALID_ACTION,
    BitupError,
)

SINGLE_VALUED = ("action", "format", "category_id")
CATEGORY_ID_NOT_POSITIVE = "category_id must be a positive integer"
# Ids are 64-bit (BigAutoField): anything larger names no category.
MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class Query:
    """The action, and the raw parameters that the action itself checks."""

    action: str
    format: str = ""
    category_id: str = ""


def parse(params: QueryDict, actions: Collection[str]) -> Query:
    for name in SINGLE_VALUED:
        if len(params.getlist(name)) > 1:
            raise BitupError(400, f"Parameter {name} may be given only once")
    action = params.get("action", "")
    if action not in actions:
        raise BitupError(400, INVALID_ACTION)
    return Query(action, params.get("format", ""), params.get("category_id", ""))


def category_id(value: str) -> int:
    if value == "":
        raise BitupError(400, CATEGORY_ID_REQUIRED)
    # ASCII digits only: str.isdigit() would let "²" or "١" through.
    if not (value.isascii() and value.isdigit()):
        raise BitupError(400, CATEGORY_ID_NOT_POSITIVE)
    significant = value.lstrip("0")
    if not significant:
        raise BitupError(400, CATEGORY_ID_NOT_POSITIVE)
    # Checked on the length first: int() of thousands of digits is refused.
    if len(significant) > len(str(MAX_ID)) or int(significant) > MAX_ID:
        raise BitupError(404, CATEGORY_NOT_FOUND)
    return int(significant)
