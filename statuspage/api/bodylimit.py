"""A request body over its dialect's limit (v1: 1 MiB) is answered 413
before anything reads it."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from statuspage.api.dialect import of_view


class BodySizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        dialect = of_view(view)
        if dialect is None or dialect.max_body_bytes is None:
            return None
        limit = dialect.max_body_bytes
        if declared_length(request) > limit:
            message = (
                f"Request body too large: at most {limit} bytes ({limit // 1024 // 1024} MiB)."
            )
            return JsonResponse(dialect.error_body(message), status=413)
        if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            # Django reads no body without a Content-Length: say so rather than
            # answer as if the body were empty.
            message = "Send the body with a Content-Length; chunked bodies are not read."
            return JsonResponse(dialect.error_body(message), status=411)
        return None


def declared_length(request: HttpRequest) -> int:
    # Django reads no more than Content-Length, so the declared length bounds the body.
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
