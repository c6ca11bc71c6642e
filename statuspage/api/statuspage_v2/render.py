"""The page in the shapes of the hosted status page API v2 (summary.json and
friends), so status aggregators and widgets written for it read this page.

Monitors are components, categories are component groups. Ids are strings, as
that API's are: a monitor's id is its own id (the same as in the v1 API), a
group's is ``category-<id>`` so that the two never collide. Times are ISO 8601
in UTC with milliseconds.

That API has no "update" incident status: an update that only adds a message
keeps the status before it (investigating at first)."""

import hashlib
from datetime import UTC, datetime
from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from core.enums import IncidentStatus
from incidents.models import Incident, IncidentUpdate
from maintenance.models import ScheduledMaintenance
from monitors.models import Monitor
from statuspage.api.statuspage_v2.spellings import (
    V2_IMPACT,
    V2_INCIDENT_STATUS,
    V2_INDICATOR,
    v2_component_status,
)
from statuspage.public.current import Current, Window
from statuspage.public.onpage import page_of
from statuspage.public.shown import Shown

Json = dict[str, Any]


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def page_id(request: HttpRequest) -> str:
    """Stable for a page: derived from the site's name (and a page's slug
    beside the default page's), as that API's page ids are opaque."""
    page = page_of(request).page
    seed = settings.SITE_NAME if page.is_default else f"{settings.SITE_NAME}/{page.slug}"
    return hashlib.sha256(seed.encode()).hexdigest()[:12]


def page(request: HttpRequest, current: Current) -> Json:
    on = page_of(request)
    return {
        "id": page_id(request),
        "name": on.page.title,
        "url": request.build_absolute_uri(reverse("index")),
        "time_zone": on.page.time_zone or settings.TIME_ZONE,
        "updated_at": iso(current.updated_at),
    }


def status(current: Current) -> Json:
    indicator, description = V2_INDICATOR[current.overall]
    return {"indicator": indicator, "description": description}


def group_id(category_id: int | None) -> str | None:
    return None if category_id is None else f"category-{category_id}"


def _component(monitor: Shown | Monitor, current: Current, position: int | None, page: str) -> Json:
    created = cast("datetime", monitor.created_at)  # loaded: the API v2 reads API_FIELDS
    return {
        "id": str(monitor.pk),
        "name": monitor.name,
        "status": v2_component_status(current.state_of(monitor)),
        "created_at": iso(created),
        "updated_at": iso(max(filter(None, [monitor.updated_at, monitor.status_changed_at]))),
        "position": position,
        "description": None,
        "showcase": True,
        "start_date": created.date().isoformat(),
        "group_id": group_id(monitor.category_id),
        "page_id": page,
        "group": False,
        "only_show_if_degraded": False,
    }


def components(request: HttpRequest, current: Current) -> list[Json]:
    """Each group followed by its members, in page order; positions count from 1."""
    listed: list[Json] = []
    page = page_id(request)
    for group in current.groups:
        members = [_component(m, current, None, page) for m in group.monitors]
        if group.category is not None:
            listed.append(
                {
                    **members[0],
                    "id": group_id(group.category.pk),
                    "name": group.category.name,
                    "status": v2_component_status(group.state),
                    "created_at": min(c["created_at"] for c in members),
                    "updated_at": max(c["updated_at"] for c in members),
                    "start_date": None,
                    "group_id": None,
                    "group": True,
                    "components": [c["id"] for c in members],
                }
            )
        listed.extend(members)
    for position, component in enumerate(listed, start=1):
        component["position"] = position
    return listed


def _positions(request: HttpRequest, current: Current) -> dict[int, int]:
    return {int(c["id"]): c["position"] for c in components(request, current) if not c["group"]}


def effective_statuses(updates: list[IncidentUpdate]) -> dict[int, str]:
    """Each update's status in that API's terms, by update id."""
    found, carried = {}, V2_INCIDENT_STATUS[IncidentStatus.INVESTIGATING]
    for update in sorted(updates, key=lambda u: (u.created_at, u.pk)):
        if update.status != IncidentStatus.UPDATE:
            carried = V2_INCIDENT_STATUS[update.status]
        found[update.pk] = carried
    return found


class Writer:
    """Writes incidents and maintenance for one request (absolute links) and
    one loaded state (component statuses)."""

    def __init__(self, request: HttpRequest, current: Current) -> None:
        self.request, self.current = request, current
        self.positions = _positions(request, current)
        self.page = page_id(request)

    def _components(self, monitors: list[Monitor]) -> list[Json]:
        layout = page_of(self.request).layout  # another page's monitors are not its components
        monitors = [m for m in monitors if layout.shows(m)]
        ordered = sorted(monitors, key=lambda m: (self.positions.get(m.pk, 1 << 30), m.pk))
        return [_component(m, self.current, self.positions.get(m.pk), self.page) for m in ordered]

    def incident(self, incident: Incident) -> Json:
        updates = sorted(incident.updates.all(), key=lambda u: (u.created_at, u.pk), reverse=True)
        statuses = effective_statuses(updates)
        entered_monitoring = [
            u.created_at
            for u in updates
            if statuses[u.pk] == V2_INCIDENT_STATUS[IncidentStatus.MONITORING]
        ]
        current_status = statuses[updates[0].pk] if updates else incident.status
        if incident.status != IncidentStatus.UPDATE:
            current_status = V2_INCIDENT_STATUS[incident.status]
        return {
            "id": str(incident.pk),
            "name": incident.name,
            "status": current_status,
            "created_at": iso(incident.created_at),
            "updated_at": iso(max([incident.updated_at] + [u.created_at for u in updates])),
            "monitoring_at": iso(min(entered_monitoring, default=None)),
            "resolved_at": iso(incident.resolved_at),
            "impact": V2_IMPACT[incident.severity],
            "shortlink": self.request.build_absolute_uri(reverse("incident", args=[incident.pk])),
            "started_at": iso(incident.created_at),
            "page_id": self.page,
            "incident_updates": [
                {
                    "id": str(u.pk),
                    "status": statuses[u.pk],
                    "body": u.message,
                    "incident_id": str(incident.pk),
                    "created_at": iso(u.created_at),
                    "updated_at": iso(u.created_at),
                    "display_at": iso(u.created_at),
                    "affected_components": None,
                    "deliver_notifications": True,
                    "custom_tweet": None,
                    "tweet_id": None,
                }
                for u in updates
            ],
            "components": self._components(list(incident.monitors.all())),
        }

    def maintenance(self, row: ScheduledMaintenance, window: Window | None) -> Json:
        """``window`` None: the row is over; its last window is shown as completed."""
        if window is None:
            # A row whose windows are all over has its final end.
            assert row.ends_at is not None
            starts_at, ends_at, state = row.ends_at - row.duration, row.ends_at, "completed"
        else:
            starts_at, ends_at = window.starts_at, window.ends_at
            state = "in_progress" if window.in_progress else "scheduled"
        return {
            "id": str(row.pk),
            "name": row.name,
            "status": state,
            "created_at": iso(row.created_at),
            "updated_at": iso(row.created_at),
            "monitoring_at": None,
            "resolved_at": iso(ends_at) if state == "completed" else None,
            "impact": "maintenance",
            "shortlink": self.request.build_absolute_uri(reverse("index"))
            + f"#maintenance-{row.pk}",
            "started_at": iso(starts_at),
            "page_id": self.page,
            "incident_updates": [
                {
                    "id": f"maintenance-{row.pk}",
                    "status": state,
                    "body": row.message,
                    "incident_id": str(row.pk),
                    "created_at": iso(row.created_at),
                    "updated_at": iso(row.created_at),
                    "display_at": iso(row.created_at),
                    "affected_components": None,
                    "deliver_notifications": True,
                    "custom_tweet": None,
                    "tweet_id": None,
                }
            ],
            "components": self._components(list(row.monitors.all())),
            "scheduled_for": iso(starts_at),
            "scheduled_until": iso(ends_at),
        }
