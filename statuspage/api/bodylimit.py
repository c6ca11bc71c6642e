"""A request body over its dialect's limit (v1: 1 MiB) is answered 413
before anything parses it.

The answer must reach the client: a server that closes the connection with
the body unread makes the kernel send a reset, and a client still sending
loses the 413 with it (requests raises "connection reset" or "broken pipe").
So a body up to MAX_DRAIN_BYTES is read and thrown away first, in small
chunks and within DRAIN_SECONDS; past that the connection is closed, as the
reverse proxy in front (which caps bodies at a few MiB) would have done.
"""

import time

from django.http import HttpRequest, HttpResponse, JsonResponse

from statuspage.api.dialect import Dialect, DialectMiddleware

MAX_DRAIN_BYTES = 16 * 1024 * 1024
DRAIN_SECONDS = 10.0
CHUNK = 64 * 1024


class BodySizeLimitMiddleware(DialectMiddleware):
    def answer(self, request: HttpRequest, dialect: Dialect) -> HttpResponse | None:
        if dialect.max_body_bytes is None:
            return None
        limit = dialect.max_body_bytes
        if declared_length(request) > limit:
            message = (
                f"Request body too large: at most {limit} bytes ({limit // 1024 // 1024} MiB)."
            )
            response = JsonResponse(dialect.error_body(message), status=413)
            if not (declared_length(request) <= MAX_DRAIN_BYTES and drain(request)):
                response["Connection"] = "close"
            return response
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


def drain(request: HttpRequest) -> bool:
    """Read the body to its end and drop it; False when the client was too
    slow (DRAIN_SECONDS) or went away, so the connection should close."""
    deadline = time.monotonic() + DRAIN_SECONDS
    try:
        while request.read(CHUNK):
            if time.monotonic() > deadline:
                return False
    except OSError:
        return False
    return True
