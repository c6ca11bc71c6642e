import codecs
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from rest_framework.exceptions import ParseError, ValidationError

# Older stubs leave out get_encoding; newer ones have it.
from rest_framework.parsers import JSONParser, get_encoding  # type: ignore[attr-defined,unused-ignore]
from rest_framework.utils import json

DUPLICATE_KEY = "Given more than once in the body."
# Bodies are parsed on a thread of their own: the JSON decoder's nesting
# counts against the recursion limit from the current stack, so how deep a
# body may nest would otherwise shrink with every middleware added above the
# view. A fresh stack gives every request the same depth (~990 levels).
_PARSER = ThreadPoolExecutor(max_workers=4, thread_name_prefix="v1-json")


def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object's members, refusing a name given twice: with last-one-wins,
    a checker and the API could each read a different value of one field."""
    members: dict[str, Any] = {}
    for name, value in pairs:
        if name in members:
            raise ValidationError({name: [DUPLICATE_KEY]})
        members[name] = value
    return members


class V1JSONParser(JSONParser):
    """JSON bodies; deep nesting is a 400, not a crash (the body limit bounds
    its size); a member named twice is a 400 naming it."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        encoding = get_encoding(parser_context or {})
        parse_constant = json.strict_constant if self.strict else None
        try:
            text = codecs.getreader(encoding)(stream).read()
            return _PARSER.submit(
                json.loads, text, parse_constant=parse_constant, object_pairs_hook=unique_keys
            ).result()
        except RecursionError as exc:
            raise ParseError("JSON parse error - nested too deeply.") from exc
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
