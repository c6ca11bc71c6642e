"""What the APIs' shared middleware (the body limit, the rate limits, Django's
own 400s) needs to know of one API dialect.

Each dialect package declares its ``Dialect`` in ``dialect.py`` and tags its
views with it (``speaks``); the middleware finds it on the resolved view. So
no path is hard-coded outside a dialect's own urls, and a new dialect is a
new package plus one ``include()``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve

V = TypeVar("V")


@dataclass(frozen=True)
class Dialect:
    name: str  # also names its rate-limit buckets
    raw_key: Callable[[HttpRequest], str | None]  # the key as the client sent it
    error_body: Callable[[str], dict[str, Any]]  # the dialect's error shape for a message
    throttled: Callable[[int], str]  # the 429 message for a wait in seconds
    max_body_bytes: int | None = None  # refused with 413 before anything reads it


def too_many(dialect: Dialect, retry_after: int) -> HttpResponse:
    """A 429 in ``dialect``'s error shape, saying when to come back (the rate
    limits of guard.py, and of bodylimit.py before it reads a body)."""
    response = JsonResponse(
        dialect.error_body(dialect.throttled(retry_after)), status=429,
        json_dumps_params={"ensure_ascii": False},
        content_type="application/json; charset=utf-8",
    )  # fmt: skip
    response["Retry-After"] = str(retry_after)
    return response


def speaks(dialect: Dialect) -> Callable[[V], V]:
    """Tag a view function or class as answering in ``dialect``."""

    def tag(view: V) -> V:
        view.api_dialect = dialect  # type: ignore[attr-defined]
        return view

    return tag


def of_view(view: Callable[..., Any]) -> Dialect | None:
    found = getattr(view, "api_dialect", None)
    if found is None:  # as_view() of a Django (view_class) or DRF (cls) class
        view_class = getattr(view, "view_class", None) or getattr(view, "cls", None)
        found = getattr(view_class, "api_dialect", None)
    return found


def of_path(path: str) -> Dialect | None:
    try:
        return of_view(resolve(path).func)
    except Resolver404:
        return None


class DialectMiddleware:
    """A middleware for the requests a dialect's views answer: ``answer`` runs
    once the URL is resolved and before the view, with the view's dialect; a
    response from it is the answer, None lets the view run."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        dialect = of_view(view)
        return None if dialect is None else self.answer(request, dialect)

    def answer(self, request: HttpRequest, dialect: Dialect) -> HttpResponse | None:
        raise NotImplementedError
