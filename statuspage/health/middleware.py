"""Answers the health endpoints before any other middleware.

Load balancers and container runtimes poll a backend by its address
(``Host: 10.0.0.5:8000``), over plain HTTP: behind the other middleware that
is a 400 (the host is not in ALLOWED_HOSTS) or a redirect to HTTPS, never a
health answer. The health views build no URL from the host and set no
cookie, so they are safe to serve to any host and scheme."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from statuspage.health import views

PATHS: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/health": views.ready,
    "/health/ready": views.ready,
    "/health/live": views.live,
}


class HealthMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = PATHS.get(request.path_info)
        return view(request) if view else self.get_response(request)
