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


@pytest.mark.django_db(transaction=True)  # the page cache is dropped when a save commits
@pytest.mark.usefixtures("page_cache")
def test_the_newest_update_posted_in_the_admin_drives_page_feed_v2_and_badge(
    admin_client, https_client, make_monitor
):
    web = make_monitor(name="Web", status="up")
    incident = new_incident(name="Slow checkout")
    incident.monitors.set([web])
    form = {
        "name": "Slow checkout", "severity": "degraded", "monitors": [web.pk],
        "show_on_status_page": "on", "updates-TOTAL_FORMS": "0", "updates-INITIAL_FORMS": "0",
    }  # fmt: skip
    url = f"/admin/incidents/incident/{incident.pk}/change/"

    def read_everywhere() -> tuple[str, str, str, str]:
        page = https_client.get("/").content.decode()
        feed = https_client.get("/feed.atom").content.decode()
        v2 = https_client.get("/api/v2/incidents.json").json()["incidents"][0]
        badge = https_client.get(f"/badge/monitor/{web.pk}.svg").content.decode()
        return page, feed, v2["status"] + ":" + v2["incident_updates"][0]["body"], badge

    assert "Degraded" in read_everywhere()[3]  # warm every cache with the first state
    for status, message in (("monitoring", "Fix deployed"), ("resolved", "All good again")):
        response = admin_client.post(url, {**form, "status": status, "message": message})
        assert response.status_code == 302
    page, feed, v2, badge = read_everywhere()
    assert v2 == "resolved:All good again"  # newest first
    assert feed.index("All good again") < feed.index("Fix deployed")
    past = page.split('id="past"')[1]
    assert '<span class="tag ok">Resolved</span>' in past
    assert past.index("All good again") < past.index("Fix deployed")  # newest first
    assert 'class="incident sev-degraded resolved"' in past
    assert "Slow checkout" not in page.split('id="past"')[0].split("Incidents: Slow")[0]
    assert "Degraded" not in badge and "Operational" in badge
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RESOLVED and incident.message == "All good again"
