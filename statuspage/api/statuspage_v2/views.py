"""The API v2 endpoints under /api/v2/: public, cached briefly, readable from
any origin (widgets fetch them from other sites' pages)."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from incidents.models import Incident
from maintenance.models import ScheduledMaintenance
from statuspage.api.statuspage_v2 import render as v2
from statuspage.public.cache import private, public_response
from statuspage.public.current import Current, incidents_with_timeline, load_current
from statuspage.public.onpage import on_page, page_of

RECENT = 50  # as that API: the 50 most recent incidents or maintenances


def endpoint(
    build: Callable[[HttpRequest, Current], dict[str, Any]],
) -> Callable[[HttpRequest], HttpResponse]:
    @require_safe
    @on_page
    @public_response(max_age=30)
    def view(request: HttpRequest) -> JsonResponse:
        current = load_current(layout=page_of(request).layout)
        response = JsonResponse({"page": v2.page(request, current), **build(request, current)})
        if not private(request):  # a private page's JSON is for its own readers only
            response["Access-Control-Allow-Origin"] = "*"
        return response

    return view


def _windows(
    request: HttpRequest, current: Current, in_progress: bool | None
) -> list[dict[str, Any]]:
    writer = v2.Writer(request, current)
    windows = [w for w in current.windows if in_progress is None or w.in_progress == in_progress]
    return [writer.maintenance(w.maintenance, w) for w in reversed(windows)]


@endpoint
def summary(request: HttpRequest, current: Current) -> dict[str, Any]:
    writer = v2.Writer(request, current)
    return {
        "components": v2.components(request, current),
        "incidents": [writer.incident(i) for i in current.open_incidents],
        "scheduled_maintenances": _windows(request, current, None),
        "status": v2.status(current),
    }


@endpoint
def status(request: HttpRequest, current: Current) -> dict[str, Any]:
    return {"status": v2.status(current)}


@endpoint
def components(request: HttpRequest, current: Current) -> dict[str, Any]:
    return {"components": v2.components(request, current)}


@endpoint
def incidents(request: HttpRequest, current: Current) -> dict[str, Any]:
    shown = page_of(request).layout.affecting(Incident.objects.on_status_page())
    recent = incidents_with_timeline(shown[:RECENT])
    writer = v2.Writer(request, current)
    return {"incidents": [writer.incident(i) for i in recent]}


@endpoint
def unresolved(request: HttpRequest, current: Current) -> dict[str, Any]:
    writer = v2.Writer(request, current)
    return {"incidents": [writer.incident(i) for i in current.open_incidents]}


@endpoint
def maintenances(request: HttpRequest, current: Current) -> dict[str, Any]:
    """Open and coming windows, then the most recent finished ones; newest first."""
    writer = v2.Writer(request, current)
    finished = (
        page_of(request)
        .layout.affecting(ScheduledMaintenance.objects.filter(ends_at__lte=timezone.now()))
        .order_by("-ends_at", "-id")
        .prefetch_related("monitors")[:RECENT]
    )
    listed = _windows(request, current, None) + [writer.maintenance(row, None) for row in finished]
    return {"scheduled_maintenances": listed[:RECENT]}


@endpoint
def upcoming(request: HttpRequest, current: Current) -> dict[str, Any]:
    return {"scheduled_maintenances": _windows(request, current, False)}


@endpoint
def active(request: HttpRequest, current: Current) -> dict[str, Any]:
    return {"scheduled_maintenances": _windows(request, current, True)}


# No cookie session here: a POST to an unknown path must get this, not CSRF's HTML 403.
@csrf_exempt
def not_found(request: HttpRequest) -> JsonResponse:
    """Any other path under /api/v2/: a JSON 404 naming it, not the page's HTML one."""
    return JsonResponse(
        {"error": "Not Found", "message": f"No API v2 endpoint at {request.path}."}, status=404
    )
