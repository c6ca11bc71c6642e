"""Caching of what the page serves.

- Short-lived (30 s) entries keyed by the page generation
  (core.pagecache) and the visitor's language: any change drops them at
  once (invalidation.py, and the probe engine after its bulk updates).
- Day-long entries for what only the calendar changes (the day bars of
  settled days) or the calendar and incidents (the past incidents: keyed by
  the incident generation too)."""

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any, TypeVar

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

from core import pagecache
from pages.resolve import OnPage
from statuspage import lastgood

SECONDS = 30
T = TypeVar("T")


DAY_SECONDS = 26 * 60 * 60


def settled(
    name: str, today: date, build: Callable[[], T], version: str | None = None, page: str = ""
) -> T:
    """A day-long entry of a page (its ``cache_id``) for ``today`` (and
    ``version``); ``build`` runs on a miss."""
    key = f"statuspage:{name}:{page}:{today}:{get_language()}"
    if version is not None:
        key += f":{version}"
    value: T | None = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, DAY_SECONDS)
    return value


def _key(name: str, on: OnPage | None) -> str:
    page = f"{on.cache_id}:{pagecache.version(on.id)}" if on else f":{pagecache.version()}"
    return f"statuspage:page:{page}:{get_language()}:{name}"


def private(request: HttpRequest) -> bool:
    on = _page_of(request)
    return on is not None and on.page.is_private


def _page_of(request: HttpRequest) -> OnPage | None:
    """The status page a public view serves (statuspage/public/onpage.py)."""
    return getattr(request, "on_page", None)


def fragment(
    name: str,
    render: Callable[[], T],
    seconds: int | Callable[[T], int] = SECONDS,
    on: OnPage | None = None,
) -> T:
    """A cached part of a page (its HTML, its title); ``render`` runs on a miss.
    The part must hold nothing per visitor (no CSRF token). ``seconds`` may
    be read off what was rendered (a page that turns stale at a known time is
    kept no longer than that); 0 keeps nothing."""
    key = _key(name, on)
    value: T | None = cache.get(key)
    if value is None:
        value = render()
        keep = seconds(value) if callable(seconds) else seconds
        if keep > 0:
            cache.set(key, value, keep)
    return value


def public_response(
    max_age: int, seconds: int = SECONDS, params: dict[str, tuple[str, ...]] | None = None
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Cache a view's whole response (for views with nothing per visitor: the
    JSON, the feeds, the badges) and let browsers and proxies keep it ``max_age``.
    Only the query parameters in ``params`` vary the entry, and only with the
    values listed (any other reads as empty), so made-up query strings cannot
    fill the cache (the view must read no others, and treat other values as none).

    Each render is also kept as the last good copy (statuspage/lastgood.py),
    served, marked stale, while the database cannot be reached."""
    wanted = params or {}

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def cached(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            query = "&".join(
                f"{name}={value if (value := request.GET.get(name, '')) in allowed else ''}"
                for name, allowed in wanted.items()
            )
            on = _page_of(request)
            key = _key(f"response:{request.path}?{query}", on)
            response: HttpResponse | None = cache.get(key)
            if response is None:
                snapshot_key = (
                    f"{on.cache_id if on else ''}:{get_language()}:{request.path}?{query}"
                )
                try:
                    response = view(request, *args, **kwargs)
                except lastgood.DATABASE_DOWN:
                    kept = lastgood.load(snapshot_key)
                    if kept is None:
                        raise
                    return kept.response()
                if response.status_code != 200:
                    return response
                if not private(request):
                    patch_cache_control(response, public=True, max_age=max_age)
                cache.set(key, response, seconds)
                lastgood.save_response(snapshot_key, response)
            return response

        return cached

    return decorate
