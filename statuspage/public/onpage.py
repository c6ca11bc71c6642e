"""The status page a public view serves: ``on_page`` resolves it (from the
path's ``page_slug`` or the request's host, pages/resolve.py), lets in only
who may read it, and renders in its language and time zone.

A private page's answers are marked private and ``noindex`` on the way out,
so neither a shared cache nor a search engine keeps them."""

import zoneinfo
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import get_script_prefix, set_script_prefix
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers, patch_cache_control

from pages.resolve import OnPage, resolve
from statuspage.public import access

View = Callable[..., HttpResponse]


def _language(request: HttpRequest, on: OnPage) -> str | None:
    """The page's default language, for a visitor who has chosen none."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if on.page.language and not chosen:
        return on.page.language
    return None


def page_of(request: HttpRequest) -> OnPage:
    """The page a view wrapped by ``on_page`` serves."""
    on: OnPage = request.on_page  # type: ignore[attr-defined]
    return on


def on_page(view: View) -> View:
    """Serve ``view`` for the request's page (set as ``request.on_page``)."""

    @wraps(view)
    def wrapped(
        request: HttpRequest, *args: Any, page_slug: str | None = None, **kwargs: Any
    ) -> HttpResponse:
        on = resolve(request, page_slug)
        request.on_page = on  # type: ignore[attr-defined]
        # Decided at the install's addresses (the staff login is not the page's);
        # the password form is rendered below, on the page's look and language.
        refused = access.refused(request, on)
        zone = zoneinfo.ZoneInfo(on.page.time_zone or settings.TIME_ZONE)
        language = _language(request, on)
        prefix = get_script_prefix()
        if on.root:  # reverse() and {% url %} give the page's own addresses
            set_script_prefix(prefix.rstrip("/") + on.root + "/")
        try:
            with (
                timezone.override(zone),
                translation.override(language or translation.get_language()),
            ):
                if language:
                    request.LANGUAGE_CODE = language
                response = refused if refused is not None else view(request, *args, **kwargs)
                if isinstance(response, TemplateResponse):
                    response.render()  # while the page's prefix and language hold
        finally:
            set_script_prefix(prefix)
        return _private(response) if on.page.is_private else response

    return wrapped


def _private(response: HttpResponse) -> HttpResponse:
    if "public" in response.get("Cache-Control", ""):
        del response["Cache-Control"]
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def without_page(view: View) -> View:
    """A view that is the same on every page (the language switch)."""

    @wraps(view)
    def wrapped(
        request: HttpRequest, *args: Any, page_slug: str | None = None, **kwargs: Any
    ) -> HttpResponse:
        return view(request, *args, **kwargs)

    return wrapped
