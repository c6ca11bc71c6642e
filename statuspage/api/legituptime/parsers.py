from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class V1JSONParser(JSONParser):
    """JSON bodies; deep nesting is a 400, not a crash (the body limit bounds its size)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError("JSON parse error - nested too deeply.") from exc
