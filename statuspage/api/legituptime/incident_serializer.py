from typing import Any

from rest_framework import serializers

from incidents.models import Incident
from monitors.models import Monitor
from statuspage.api.legituptime import spellings
from statuspage.api.legituptime.fields import (
    CodeField,
    IdListField,
    StrictBooleanField,
    StrictCharField,
)
from statuspage.api.legituptime.serializers import V1Serializer


class IncidentSerializer(V1Serializer[Incident]):
    """An incident. Creating one, and changing its CurrentStatus or Message, adds an
    entry to its timeline; CurrentStatus r (resolved) makes it inactive."""

    model = Incident
    model_fields = {
        "Name": "name",
        "Severity": "severity",
        "CurrentStatus": "status",
        "Message": "message",
        "ApplyToStatusPagesOfAffectedMonitors": "show_on_status_page",
    }

    Id = serializers.IntegerField(read_only=True)
    Name = StrictCharField(max_length=200)
    Severity = CodeField(spellings.V1_SEVERITY, help_text="o: outage, d: degraded performance.")
    CurrentStatus = CodeField(
        spellings.V1_INCIDENT_STATUS,
        help_text="iv: investigating, id: identified, u: update, m: monitoring, r: resolved.",
    )
    Message = StrictCharField(max_length=400)
    Monitors = IdListField(
        Monitor.objects.all(),
        help_text='Comma-separated Ids of existing monitors, e.g. "1,2,3"; blank for none.',
    )
    ApplyToStatusPagesOfAffectedMonitors = StrictBooleanField(
        help_text="Show the incident on the public status page."
    )

    def after_save(self, row: Incident, attrs: dict[str, Any]) -> None:
        row.monitors.set(attrs["Monitors"])
