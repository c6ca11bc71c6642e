"""api.php's shape of a monitor and of an incident: the contract's field
names and codes, read from the models (which know nothing of them)."""

from collections.abc import Iterable
from datetime import tzinfo
from typing import Any

from django.utils import timezone

from core.timefmt import bitup_datetime
from incidents.models import Incident
from monitors.disclosure import public_target
from statuspage.api.bitup.counting import Listed
from statuspage.api.bitup.spellings import BITUP_INCIDENT_TYPE, BITUP_STATUS, BITUP_TYPE


def monitors(rows: Iterable[Listed], *, with_category: bool = True) -> list[dict[str, Any]]:
    """Each of ``rows`` as ``monitor()`` writes it, the time zone read once."""
    zone = timezone.get_current_timezone()
    return [monitor(row, with_category=with_category, zone=zone) for row in rows]


def monitor(
    row: Listed, *, with_category: bool = True, zone: tzinfo | None = None
) -> dict[str, Any]:
    """A monitor; ``with_category`` False gives the shape nested in a category.
    The category must be set by the caller (counting.with_categories)."""
    data: dict[str, Any] = {
        "id": row.pk,
        "name": row.name,
        "type": BITUP_TYPE.code(row.protocol),
        "target": public_target(row.target),  # every key reads api.php
        "port": row.port,
        "status": BITUP_STATUS.code(row.status),
        "last_check": bitup_datetime(row.last_check, zone),
    }
    if with_category:
        data["is_active"] = int(row.is_active)
        data["category_id"] = row.category_id
        data["category_name"] = row.category.name if row.category is not None else None
    return data


def incident(row: Incident) -> dict[str, Any]:
    """An incident; its monitors (with their categories) and updates must be
    prefetched by the caller (incidents.shown_incidents)."""
    monitors = sorted(row.monitors.all(), key=lambda m: m.pk)
    categories = {m.category.pk: m.category.name for m in monitors if m.category is not None}
    return {
        "id": row.pk,
        "title": row.name,
        "type": BITUP_INCIDENT_TYPE.code(row.severity),
        "is_active": int(row.is_active),
        "created_at": bitup_datetime(row.created_at),
        "monitors": [m.name for m in monitors],
        "categories": list(categories.values()),
        "updates": [
            {"message": u.message, "created_at": bitup_datetime(u.created_at)}
            for u in sorted(row.updates.all(), key=lambda u: (u.created_at, u.pk))
        ],
    }
