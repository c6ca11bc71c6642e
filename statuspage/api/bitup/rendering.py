"""How api.php answers: JSON in UTF-8, whatever the client asks for."""

from collections.abc import Iterable

from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request


class BitupJSONRenderer(JSONRenderer):
    """``application/json; charset=utf-8`` with Swedish text kept readable."""

    charset = "utf-8"
    ensure_ascii = False


class JsonOnly(BaseContentNegotiation):
    """The contract has one representation. DRF's own negotiation would read
    ``?format=`` (api.php's format=simple|grouped) as a renderer name and answer
    404, and an ``Accept`` without JSON as 406."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        return next(iter(parsers), None)

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type
