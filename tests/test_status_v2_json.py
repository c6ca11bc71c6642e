"""The machine-readable summary in the shapes of the hosted status page API v2
(/api/v2/*.json), so aggregators and widgets written for it read this page."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.enums import IncidentStatus, RecurUnit, Severity, Status
from incidents.models import Incident, IncidentUpdate
from maintenance.models import ScheduledMaintenance
from monitors.models import Category

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

PAGE_FIELDS = {"id", "name", "url", "time_zone", "updated_at"}
COMPONENT_FIELDS = {
    "id", "name", "status", "created_at", "updated_at", "position", "description", "showcase",
    "start_date", "group_id", "page_id", "group", "only_show_if_degraded",
}  # fmt: skip
INCIDENT_FIELDS = {
    "id", "name", "status", "created_at", "updated_at", "monitoring_at", "resolved_at", "impact",
    "shortlink", "started_at", "page_id", "incident_updates", "components",
}  # fmt: skip
UPDATE_FIELDS = {
    "id", "status", "body", "incident_id", "created_at", "updated_at", "display_at",
    "affected_components", "deliver_notifications", "custom_tweet", "tweet_id",
}  # fmt: skip
COMPONENT_STATUSES = {
    "operational",
    "degraded_performance",
    "partial_outage",
    "major_outage",
    "under_maintenance",
}
ISO = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"


def get(client, name: str) -> dict:
    response = client.get(f"/api/v2/{name}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "max-age=30" in response["Cache-Control"]
    return response.json()


@pytest.fixture
def page(make_monitor):
    """Two categories and a monitor without one; an open outage incident."""
    web_group = Category.objects.create(name="Web", display_order=1)
    mail_group = Category.objects.create(name="Mail", display_order=2)
    site = make_monitor(name="Site", category=web_group, status=Status.UP)
    api = make_monitor(name="API", category=web_group, status=Status.UP)
    smtp = make_monitor(name="SMTP", category=mail_group, status=Status.DOWN)
    dns = make_monitor(name="DNS", status=Status.PENDING)
    begun = timezone.now() - timedelta(hours=1)
    incident = Incident.objects.create(
        name="API errors", severity=Severity.OUTAGE, message="Investigating", created_at=begun
    )
    incident.monitors.add(api)
    IncidentUpdate.objects.create(
        incident=incident, status=IncidentStatus.UPDATE, message="Still looking",
        created_at=begun + timedelta(minutes=10),
    )  # fmt: skip
    return {
        "groups": (web_group, mail_group),
        "monitors": (site, api, smtp, dns),
        "incident": incident,
    }


def test_summary_has_page_components_incidents_maintenance_and_status(https_client, page):
    data = get(https_client, "summary.json")
    assert set(data) == {"page", "components", "incidents", "scheduled_maintenances", "status"}
    assert set(data["page"]) == PAGE_FIELDS
    assert data["page"]["url"] == "https://testserver/" and data["page"]["time_zone"] == "UTC"
    assert data["page"]["updated_at"] and data["page"]["id"]
    assert data["status"] == {"indicator": "major", "description": "Partial System Outage"}
    assert [i["name"] for i in data["incidents"]] == ["API errors"]


def test_monitors_are_components_and_categories_their_groups(https_client, page):
    web_group, mail_group = page["groups"]
    site, api, smtp, dns = page["monitors"]
    components = get(https_client, "components.json")["components"]
    assert [(c["name"], c["group"], c["group_id"], c["status"]) for c in components] == [
        ("Web", True, None, "partial_outage"),
        ("API", False, f"category-{web_group.pk}", "partial_outage"),
        ("Site", False, f"category-{web_group.pk}", "operational"),
        ("Mail", True, None, "major_outage"),
        ("SMTP", False, f"category-{mail_group.pk}", "major_outage"),
        ("DNS", False, None, "operational"),  # not checked yet: the API has no word for it
    ]
    assert [c["position"] for c in components] == [1, 2, 3, 4, 5, 6]
    assert components[0]["id"] == f"category-{web_group.pk}"
    assert components[0]["components"] == [str(api.pk), str(site.pk)]
    assert components[1]["id"] == str(api.pk)
    for component in components:
        assert set(component) - {"components"} == COMPONENT_FIELDS
        assert component["status"] in COMPONENT_STATUSES
        assert isinstance(component["id"], str) and isinstance(component["page_id"], str)
        assert component["created_at"].endswith("Z")


def test_incidents_carry_their_updates_newest_first_in_the_api_statuses(https_client, page):
    incident = page["incident"]
    unresolved = get(https_client, "incidents/unresolved.json")["incidents"]
    assert len(unresolved) == 1
    found = unresolved[0]
    assert set(found) == INCIDENT_FIELDS
    assert found["id"] == str(incident.pk) and found["impact"] == "major"
    assert found["status"] == "investigating"  # "update" keeps the status before it
    assert found["shortlink"] == f"https://testserver/incidents/{incident.pk}"
    assert found["resolved_at"] is None and found["monitoring_at"] is None
    assert [(u["status"], u["body"]) for u in found["incident_updates"]] == [
        ("investigating", "Still looking"),
        ("investigating", "Investigating"),
    ]
    assert all(
        set(u) == UPDATE_FIELDS and u["incident_id"] == str(incident.pk)
        for u in found["incident_updates"]
    )
    assert [c["name"] for c in found["components"]] == ["API"]
    assert re.match(ISO, found["created_at"])


def test_resolved_incidents_leave_unresolved_but_stay_in_incidents(https_client, page):
    incident = page["incident"]
    incident.status, incident.message = IncidentStatus.MONITORING, "Fix deployed"
    incident.save()
    incident.status, incident.message = IncidentStatus.RESOLVED, "Fixed"
    incident.save()
    Incident.objects.create(
        name="Internal", severity=Severity.DEGRADED, message="x", show_on_status_page=False
    )
    assert get(https_client, "incidents/unresolved.json")["incidents"] == []
    listed = get(https_client, "incidents.json")["incidents"]
    assert [(i["name"], i["status"]) for i in listed] == [("API errors", "resolved")]
    assert listed[0]["resolved_at"] and listed[0]["monitoring_at"]
    assert [u["status"] for u in listed[0]["incident_updates"]] == [
        "resolved",
        "monitoring",
        "investigating",
        "investigating",
    ]
    assert get(https_client, "status.json")["status"]["indicator"] == "major"  # SMTP is still down


@pytest.mark.parametrize(
    ("statuses", "severity", "indicator", "description"),
    [
        ([Status.UP, Status.UP], None, "none", "All Systems Operational"),
        ([Status.UP, Status.UP], Severity.DEGRADED, "minor", "Partially Degraded Service"),
        ([Status.UP, Status.UP, Status.DOWN], None, "major", "Partial System Outage"),
        ([Status.DOWN, Status.DOWN], None, "critical", "Major System Outage"),
        ([Status.UP, Status.MAINTENANCE], None, "maintenance", "Service Under Maintenance"),
    ],
)
def test_the_status_indicator(
    https_client, make_monitor, statuses, severity, indicator, description
):
    for n, status in enumerate(statuses):
        make_monitor(name=f"M{n}", status=status)
    if severity:
        Incident.objects.create(name="Slow", severity=severity, message="x")
    data = get(https_client, "status.json")
    assert set(data) == {"page", "status"}
    assert data["status"] == {"indicator": indicator, "description": description}


def test_scheduled_maintenance_is_scheduled_in_progress_or_completed(
    https_client, make_monitor, monkeypatch
):
    now = timezone.now().replace(microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: now)
    db = make_monitor(name="DB", status=Status.MAINTENANCE)
    running = ScheduledMaintenance.objects.create(
        name="Running", starts_at=now - timedelta(minutes=5), duration_hours=1, message="Disks"
    )
    running.monitors.add(db)
    ScheduledMaintenance.objects.create(
        name="Weekly", starts_at=now - timedelta(days=6), duration_hours=2,
        recurring=True, recur_unit=RecurUnit.WEEK, recur_every=1,
        recur_until=now + timedelta(days=90),
    )  # fmt: skip
    ScheduledMaintenance.objects.create(
        name="Done", starts_at=now - timedelta(days=2), duration_hours=1
    )
    active = get(https_client, "scheduled-maintenances/active.json")["scheduled_maintenances"]
    assert [(m["name"], m["status"], m["impact"]) for m in active] == [
        ("Running", "in_progress", "maintenance")
    ]
    assert active[0]["scheduled_for"] and active[0]["scheduled_until"]
    assert [c["name"] for c in active[0]["components"]] == ["DB"]
    assert active[0]["components"][0]["status"] == "under_maintenance"
    assert active[0]["incident_updates"][0]["body"] == "Disks"
    assert set(active[0]) == INCIDENT_FIELDS | {"scheduled_for", "scheduled_until"}
    upcoming = get(https_client, "scheduled-maintenances/upcoming.json")["scheduled_maintenances"]
    assert [(m["name"], m["status"]) for m in upcoming] == [("Weekly", "scheduled")]
    # The next occurrence of the weekly window: a day from now.
    assert upcoming[0]["scheduled_for"] == (now + timedelta(days=1)).strftime(
        "%Y-%m-%dT%H:%M:%S.000Z"
    )
    listed = get(https_client, "scheduled-maintenances.json")["scheduled_maintenances"]
    assert {(m["name"], m["status"]) for m in listed} == {
        ("Running", "in_progress"), ("Weekly", "scheduled"), ("Done", "completed"),
    }  # fmt: skip
    summary = get(https_client, "summary.json")
    assert {m["name"] for m in summary["scheduled_maintenances"]} == {"Running", "Weekly"}


@pytest.mark.parametrize(
    "endpoint",
    [
        "summary.json", "status.json", "components.json", "incidents.json",
        "incidents/unresolved.json", "scheduled-maintenances.json",
        "scheduled-maintenances/upcoming.json", "scheduled-maintenances/active.json",
    ],
)  # fmt: skip
def test_every_endpoint_runs_a_fixed_number_of_queries(
    https_client, seed_page, page_cache, endpoint
):
    counts = []
    for size in [(1, 1, 1, 1), (4, 6, 10, 2)]:
        seed_page(*size)
        page_cache.clear()
        with CaptureQueriesContext(connection) as queries:
            get(https_client, endpoint)
        counts.append(len(queries))
    # The monitors' categories and their last check: a query each, not a join
    # nor a value per monitor.
    assert counts[0] == counts[1] <= 12


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unknown_api_v2_path_is_a_json_404_naming_it(https_client, method):
    response = getattr(https_client, method)("/api/v2/nothing-here.json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": "Not Found", "message": "No API v2 endpoint at /api/v2/nothing-here.json."
    }  # fmt: skip
