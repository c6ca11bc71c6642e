import pytest

from core.enums import IncidentStatus, Severity
from incidents.models import Incident
from statuspage.api.bitup import render as bitup_render
from statuspage.api.legituptime import render as legituptime_render

pytestmark = pytest.mark.django_db


def new_incident(**fields) -> Incident:
    defaults = {"name": "Slow", "severity": Severity.DEGRADED, "message": "Investigating"}
    return Incident.objects.create(**{**defaults, **fields})


def test_creating_an_incident_opens_its_timeline():
    incident = new_incident()
    assert [(u.status, u.message) for u in incident.updates.all()] == [
        (IncidentStatus.INVESTIGATING, "Investigating")
    ]


def test_changing_status_or_message_appends_an_update_and_other_edits_do_not():
    incident = Incident.objects.get(pk=new_incident().pk)
    incident.name = "Slower"
    incident.save()
    assert incident.updates.count() == 1
    incident.message = "Found it"
    incident.save()
    incident.status = IncidentStatus.MONITORING
    incident.save()
    assert [u.message for u in incident.updates.all()] == ["Investigating", "Found it", "Found it"]


def test_resolving_an_incident_moves_it_to_inactive():
    incident = new_incident()
    assert list(Incident.objects.active()) == [incident]
    incident.status = IncidentStatus.RESOLVED
    incident.save()
    assert incident.resolved_at is not None and not incident.is_active
    assert list(Incident.objects.inactive()) == [incident]
    assert list(Incident.objects.active()) == []


def test_an_incident_presents_itself_to_both_apis(make_monitor, category):
    web = make_monitor(name="Web-node-se01", category=category)
    netbox = make_monitor(name="Netbox")
    incident = new_incident(severity=Severity.OUTAGE, name="Nätverksfördröjning")
    incident.monitors.set([netbox, web])
    v1 = legituptime_render.incident(incident)
    assert v1 == {
        "Id": incident.pk, "Name": "Nätverksfördröjning", "Severity": "o", "CurrentStatus": "iv",
        "Message": "Investigating", "Monitors": f"{web.pk},{netbox.pk}",
        "ApplyToStatusPagesOfAffectedMonitors": True,
    }  # fmt: skip
    bitup = bitup_render.incident(incident)
    assert bitup["type"] == "down" and bitup["is_active"] == 1
    assert bitup["monitors"] == ["Web-node-se01", "Netbox"]
    assert bitup["categories"] == ["Webbhotell"]
    assert [u["message"] for u in bitup["updates"]] == ["Investigating"]
