"""action=incidents: what a reader of the public page sees, newest first.

Incidents shown on status pages only (ApplyToStatusPagesOfAffectedMonitors),
each still active one, and the resolved ones resolved within the last
HISTORY_DAYS days; at most LIMIT of them, newest (by created_at) first.
"""

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Prefetch, Q
from django.utils import timezone

from incidents.models import RESOLVED, Incident
from monitors.models import Monitor
from statuspage.api.bitup import render
from statuspage.api.bitup.params import Query

HISTORY_DAYS = 90
LIMIT = 100


def shown_incidents(now: datetime | None = None) -> list[Incident]:
    since = (now or timezone.now()) - timedelta(days=HISTORY_DAYS)
    # render.incident reads each monitor's name and category name.
    monitors = Monitor.objects.select_related("category").only("name", "category__name")
    return list(
        Incident.objects.on_status_page()
        .filter(~Q(status=RESOLVED) | Q(resolved_at__gte=since))
        .order_by("-created_at", "-id")
        .prefetch_related(Prefetch("monitors", queryset=monitors), "updates")[:LIMIT]
    )


def incidents(query: Query) -> list[dict[str, Any]]:
    return [render.incident(incident) for incident in shown_incidents()]
