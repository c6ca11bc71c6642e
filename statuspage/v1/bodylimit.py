"""A v1 request body over 1 MiB is answered 413 before anything reads it."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

MAX_BODY_BYTES = 1024 * 1024
PREFIX = "/v1/"


class BodySizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(PREFIX):
            return self.get_response(request)
        if declared_length(request) > MAX_BODY_BYTES:
            return JsonResponse(
                {"detail": f"Request body too large: at most {MAX_BODY_BYTES} bytes (1 MiB)."},
                status=413,
            )
        if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            # Django reads no body without a Content-Length: say so rather than
            # answer as if the body were empty.
            return JsonResponse(
                {"detail": "Send the body with a Content-Length; chunked bodies are not read."},
                status=411,
            )
        return self.get_response(request)


def declared_length(request: HttpRequest) -> int:
    # Django reads no more than Content-Length, so the declared length bounds the body.
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
