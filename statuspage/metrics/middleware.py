"""Counts every HTTP answer by view (the URL's name) and status code
(``statuspage_http_requests_total``): one counter write per request."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from core import metrics


def view_label(request: HttpRequest) -> str:
    """The URL's name ("index", "v2-summary", "admin:index"), or its view's
    dotted path when it has none; "unmatched" for a URL no view serves."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return str(match.view_name or match._func_path)


class CountRequestsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        metrics.http_requests.labels(view=view_label(request), status=response.status_code).inc()
        return response
