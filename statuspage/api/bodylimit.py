"""A request body over its dialect's limit (v1: 1 MiB) is answered 413
before anything parses it.

The answer must reach the client: a server that closes the connection with
the body unread makes the kernel send a reset, and a client still sending
loses the 413 with it (requests raises "connection reset" or "broken pipe").
So a body up to MAX_DRAIN_BYTES is read and thrown away first, in small
chunks and within DRAIN_SECONDS; past that the connection is closed, as the
reverse proxy in front (which caps bodies at a few MiB) would have done.

Reading costs a worker up to DRAIN_SECONDS, so an oversized body is counted
against its client address's rate limit (RATE_LIMIT_PER_ADDRESS) first, key
or no key: an address over it gets its 429 at once, none of its body read,
and the connection closes after it (gunicorn reads at most 64 KiB more,
half-closes, waits a moment, then closes). So the 429 is on its way before
any reset: a client that reads while it sends, or reads once its send is cut
off (requests, curl, browsers), reads it. A client that reads nothing before
its last byte is sent cannot be answered without reading all of its body,
the very work the limit is there to refuse: past what the socket buffers
hold (a few MiB) its send fails, the 429 unread in its socket.
"""

import time

from django.http import HttpRequest, HttpResponse, JsonResponse

from statuspage.api.dialect import Dialect, DialectMiddleware, too_many
from statuspage.api.ratelimit import address_hit

MAX_DRAIN_BYTES = 16 * 1024 * 1024
DRAIN_SECONDS = 10.0
CHUNK = 64 * 1024


class BodySizeLimitMiddleware(DialectMiddleware):
    def answer(self, request: HttpRequest, dialect: Dialect) -> HttpResponse | None:
        if dialect.max_body_bytes is None:
            return None
        limit = dialect.max_body_bytes
        if declared_length(request) > limit:
            # Counted here, and only here: this answer keeps the request from
            # the guard (guard.py), which counts every other one.
            if wait := address_hit(request, dialect.name):
                response = too_many(dialect, wait)
                response["Connection"] = "close"
                return response
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
