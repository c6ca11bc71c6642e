"""The admin's first page: what is down, in maintenance or paused (since when,
and why), open incidents, maintenance now and next, counts per status and the
engine's heartbeat. A fixed number of queries whatever the number of monitors;
the live part is also served alone for the page's 30-second refresh."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.enums import Status
from incidents.models import Incident
from maintenance.models import ScheduledMaintenance
from maintenance.windows import upcoming_windows
from monitors import heartbeats
from monitors.models import Monitor
from statuspage.cockpit import alarm
from statuspage.cockpit.site import CockpitSite, render

SHOWN = 20  # rows per list, to scan at a glance; "all N" opens the filtered change list
REFRESH_SECONDS = 30
LIST_FIELDS = [
    "name", "protocol", "target", "port", "status", "status_changed_at", "last_check",
    "last_error", "is_active", "updated_at", "category__name",
]  # fmt: skip


@dataclass(frozen=True)
class Window:
    row: ScheduledMaintenance
    start: datetime
    end: datetime


def counts() -> dict[str, int]:
    """Active monitors per status, and the paused ones (one query)."""
    found = {s.value: 0 for s in Status} | {"paused": 0}
    rows = Monitor.objects.values("status", "is_active").annotate(n=Count("id")).order_by()
    for row in rows:
        found["paused" if not row["is_active"] else row["status"]] += row["n"]
    return found


def _listed(queryset: QuerySet[Monitor], order: str) -> list[Monitor]:
    return list(queryset.select_related("category").only(*LIST_FIELDS).order_by(order)[:SHOWN])


def windows(now: datetime) -> tuple[list[Window], list[Window]]:
    """Windows open now, and the next ones to start (two queries)."""
    running, upcoming = [], []
    for row in upcoming_windows(now):
        if (window := row.window_at(now)) is not None:
            running.append(Window(row, *window))
        elif (window := row.next_window(now)) is not None:
            upcoming.append(Window(row, *window))
    return running, sorted(upcoming, key=lambda w: w.start)[:5]


def live_context(now: datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    active = Monitor.objects.active()
    running, upcoming = windows(now)
    last_dispatch = heartbeats.last_dispatch()
    workers = heartbeats.workers(now)
    return {
        "now": now,
        "counts": counts(),
        "down": _listed(active.filter(status=Status.DOWN), "status_changed_at"),
        "in_maintenance": _listed(active.filter(status=Status.MAINTENANCE), "status_changed_at"),
        "paused": _listed(Monitor.objects.filter(is_active=False), "-updated_at"),
        # One more than shown: whether to link to the rest, without a count query.
        "incidents": list(Incident.objects.active().order_by("-created_at")[: SHOWN + 1]),
        "shown": SHOWN,
        "running": running,
        "upcoming": upcoming,
        "last_dispatch": last_dispatch,
        "workers_alive": sum(now - w.seen_at <= heartbeats.WORKER_SILENT_AFTER for w in workers),
        "workers_known": len(workers),
        "problems": alarm.sentences(),
        "refresh_seconds": REFRESH_SECONDS,
    }


def overview(site: CockpitSite, request: HttpRequest) -> HttpResponse:
    return render(
        site, request, "admin/cockpit/overview.html",
        title=_("Overview"), app_list=site.get_app_list(request), **live_context(),
    )  # fmt: skip


def fragment(site: CockpitSite, request: HttpRequest) -> HttpResponse:
    """The live part alone, for the refresh script."""
    from django.template.response import TemplateResponse

    return TemplateResponse(request, "admin/cockpit/_overview_live.html", live_context())
