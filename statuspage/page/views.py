"""The pages: /, /history and /incidents/<id>. Each page's main part is built
once per cache lifetime and language (nothing per visitor in it); the shell
around it (the language switch with its CSRF token) is rendered per request."""

import json
import math
from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_safe

from incidents.models import Incident
from pages.resolve import OnPage
from statuspage import lastgood
from statuspage.page import history
from statuspage.page.context import group_context, index_context
from statuspage.public.cache import SECONDS, fragment
from statuspage.public.current import incidents_with_timeline
from statuspage.public.onpage import on_page, page_of

MAX_HISTORY_PAGE = 200  # fifty years back
# A "checks are delayed" render is kept this long: new results do not drop the
# page cache (only status changes do), and the notice should clear soon after.
DELAYED_SECONDS = 5


def _page(request: HttpRequest, main: dict[str, Any]) -> HttpResponse:
    return render(request, "statuspage/page.html", main | {"on": page_of(request)})


def render_index(on: OnPage, now: datetime | None = None) -> dict[str, Any]:
    context = index_context(on, now)
    freshness = context["freshness"]
    return {
        "title": "",
        "main": render_to_string("statuspage/index.html", context),
        # A fresh page turns "checks delayed" at this time if no result comes.
        "stale_at": None if freshness.delayed else freshness.stale_at,
        "delayed": freshness.delayed,
    }


def keep_index(rendered: dict[str, Any]) -> int:
    """Seconds to cache a render: never past the moment it would turn stale,
    so a stopped engine shows on the page within a second of it, and briefly
    while it says checks are delayed, so the notice clears soon after."""
    if rendered["delayed"]:
        return DELAYED_SECONDS
    if rendered["stale_at"] is None:
        return SECONDS
    stale_at: datetime = rendered["stale_at"]
    left = (stale_at - timezone.now()).total_seconds()
    return max(0, min(SECONDS, math.ceil(left)))


@require_safe
@on_page
def index(request: HttpRequest) -> HttpResponse:
    """The front page; while the database cannot be reached, its last good
    copy in this language, with an "as of" notice (statuspage/lastgood.py)."""
    on = page_of(request)
    key = f"{on.cache_id}:{get_language()}:/"
    try:
        main = fragment("index", lambda: render_index(on), keep_index, on)
    except lastgood.DATABASE_DOWN:
        kept = lastgood.load(key)
        if kept is None:
            raise
        return kept.mark(_page(request, json.loads(kept.body) | {"snapshot_at": kept.saved_at}))
    if lastgood.due(key):  # the page is megabytes at 10,000 monitors: not on every hit
        lastgood.save(key, json.dumps({"title": main["title"], "main": main["main"]}).encode(), {})
    return _page(request, main)


def _history_page(request: HttpRequest) -> int:
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        raise Http404("No such page") from None
    if not 1 <= page <= MAX_HISTORY_PAGE:
        raise Http404("No such page")
    return page


def render_history(on: OnPage, page: int, now: datetime | None = None) -> dict[str, str]:
    """Four queries: the months' incidents, their updates and monitors, and
    whether older ones exist."""
    today = timezone.localdate(now)
    months = history.month_starts(today, page)
    start, end = history.start_of(months[-1]), history.start_of(history.next_month(months[0]))
    on_page = on.layout.affecting(Incident.objects.on_status_page())
    incidents = list(
        on_page.filter(created_at__gte=start, created_at__lt=end).prefetch_related("updates")
    )
    context = {
        "months": history.by_month(incidents, months),
        "page": page,
        "newer": page - 1 if page > 1 else None,
        "older": page + 1
        if page < MAX_HISTORY_PAGE and on_page.filter(created_at__lt=start).exists()
        else None,
    }
    return {
        "title": gettext("Incident history"),
        "main": render_to_string("statuspage/history.html", context),
    }


@require_safe
@on_page
def history_view(request: HttpRequest) -> HttpResponse:
    on = page_of(request)
    if not on.page.show_history:
        raise Http404("This page shows no history")
    page = _history_page(request)
    return _page(request, fragment(f"history:{page}", lambda: render_history(on, page), on=on))


def render_incident(on: OnPage, pk: int, now: datetime | None = None) -> dict[str, str]:
    """Three queries: the incident, its updates and its monitors."""
    incident = get_object_or_404(incidents_with_timeline(Incident.objects.on_status_page()), pk=pk)
    if not on.layout.shows_incident(incident.monitors.all()):
        raise Http404("No such incident on this page")
    context = {"incident": incident, "now": now or timezone.now()}
    return {"title": incident.name, "main": render_to_string("statuspage/incident.html", context)}


@require_safe
@on_page
def incident_view(request: HttpRequest, pk: int) -> HttpResponse:
    on = page_of(request)
    return _page(request, fragment(f"incident:{pk}", lambda: render_incident(on, pk), on=on))


def render_group(on: OnPage, key: str, now: datetime | None = None) -> dict[str, Any]:
    context = group_context(on, key, now)
    if context is None:
        raise Http404("No such category on this page")
    return {
        "title": context["name"],
        "main": render_to_string("statuspage/group.html", context),
        "stale_at": None if context["freshness"].delayed else context["freshness"].stale_at,
        "delayed": context["freshness"].delayed,
    }


@require_safe
@on_page
def group_view(request: HttpRequest, key: str) -> HttpResponse:
    """A category's every system, as a collapsed category of a large page links to."""
    on = page_of(request)
    return _page(request, fragment(f"group:{key}", lambda: render_group(on, key), keep_index, on))
