"""``/health/live`` and ``/health``: JSON, never cached, 503 when not ready."""

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from statuspage.health.checks import READINESS, iso
from statuspage.health.report import run_checks


def _answer(body: dict[str, Any], status: int = 200) -> JsonResponse:
    response = JsonResponse(body, status=status)
    add_never_cache_headers(response)
    return response


@require_safe
def live(request: HttpRequest) -> JsonResponse:
    """The web process answers requests; touches nothing else."""
    return _answer({"status": "ok"})


@require_safe
def ready(request: HttpRequest) -> JsonResponse:
    """Every check of READINESS, each with its facts; 503 if one fails."""
    verdicts = run_checks(READINESS)
    ok = not any(verdict.error for verdict in verdicts)
    body = {
        "status": "ok" if ok else "unavailable",
        "checked_at": iso(timezone.now()),
        "checks": {verdict.name: verdict.as_json() for verdict in verdicts},
    }
    return _answer(body, 200 if ok else 503)
