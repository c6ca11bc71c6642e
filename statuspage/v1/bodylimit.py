"""A v1 request body over 1 MiB is answered 413 before anything reads it."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

MAX_BODY_BYTES = 1024 * 1024
PREFIX = "/v1/"


class BodySizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(PREFIX) and declared_length(request) > MAX_BODY_BYTES:
            return JsonResponse(
                {"detail": f"Request body too large: at most {MAX_BODY_BYTES} bytes (1 MiB)."},
                status=413,
            )
        return self.get_response(request)


def declared_length(request: HttpRequest) -> int:
    # Django reads no more than Content-Length, so the declared length bounds the body.
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
