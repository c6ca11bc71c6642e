"""The v1 API's shape of each object: the contract's PascalCase fields and
codes, read from the models (which know nothing of them).

A monitor's fields are the serializer's ``model_fields`` (one table for
reading and writing), with the coded ones spelled here; lists read plain
column values, since building 10,000 model instances costs more than the rest.
"""

from collections.abc import Callable, Mapping
from typing import Any

from core.locations import location_codes
from core.timefmt import v1_datetime
from incidents.models import Incident
from maintenance.models import ScheduledMaintenance
from monitors.disclosure import masked_body, masked_headers, public_target
from monitors.models import Monitor
from statuspage.api.legituptime.monitor_serializer import MonitorSerializer
from statuspage.api.legituptime.spellings import (
    V1_CHECK_FREQUENCY,
    V1_INCIDENT_STATUS,
    V1_PROTOCOL,
    V1_RECUR_UNIT,
    V1_RESEND_FREQUENCY,
    V1_SEVERITY,
    V1_SSL_ALERT,
)

MONITOR_COLUMNS = ("id", *MonitorSerializer.model_fields.values())
_MONITOR_CODES: dict[str, Callable[[Any], Any]] = {
    "protocol": V1_PROTOCOL.code,
    "locations": lambda locations: ", ".join(location_codes(locations)),
    # Rows edited outside the admin and the API may hold an unlisted value.
    "frequency": V1_CHECK_FREQUENCY.nearest_code,
    "resend_every": V1_RESEND_FREQUENCY.nearest_code,
    "ssl_alert_days": V1_SSL_ALERT.nearest_code,
}


def monitor_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """A monitor from its MONITOR_COLUMNS (a ``values()`` row)."""
    shown: dict[str, Any] = {"Id": values["id"]}
    for name, column in MonitorSerializer.model_fields.items():
        spell = _MONITOR_CODES.get(column)
        shown[name] = spell(values[column]) if spell else values[column]
    return shown


def monitor(row: Monitor) -> dict[str, Any]:
    return monitor_values({column: getattr(row, column) for column in MONITOR_COLUMNS})


def for_read_only(shown: dict[str, Any]) -> dict[str, Any]:
    """A monitor as a read-only key sees it: the shape and field names of
    every key's, with the secrets of its request cut out (monitors.disclosure)."""
    return shown | {
        "TestURL": public_target(shown["TestURL"]),
        "HttpRequestHeader": masked_headers(shown["HttpRequestHeader"]),
        "HttpRequestBody": masked_body(shown["HttpRequestBody"]),
    }


def _ids(related: Any) -> str:
    # Prefetched by the caller for lists (V1ViewSet.list_related_ids).
    return ",".join(str(pk) for pk in sorted(row.pk for row in related.all()))


def incident(row: Incident) -> dict[str, Any]:
    return {
        "Id": row.pk,
        "Name": row.name,
        "Severity": V1_SEVERITY.code(row.severity),
        "CurrentStatus": V1_INCIDENT_STATUS.code(row.status),
        "Message": row.message,
        "Monitors": _ids(row.monitors),
        "ApplyToStatusPagesOfAffectedMonitors": row.show_on_status_page,
    }


def maintenance(row: ScheduledMaintenance) -> dict[str, Any]:
    recurring = row.recurring and bool(row.recur_unit)
    return {
        "Id": row.pk,
        "Name": row.name,
        "StartDateTime": v1_datetime(row.starts_at),
        "DownTimeHours": row.duration_hours,
        "DownTimeMinutes": row.duration_minutes,
        "Message": row.message,
        "Recurring": row.recurring,
        "RecurEvery": V1_RECUR_UNIT.code(row.recur_unit) if recurring else None,
        "RecurEndDateTime": v1_datetime(row.recur_until) if recurring else None,
        "RecurEveryNum": row.recur_every if recurring else None,
        "Monitors": _ids(row.monitors),
    }
