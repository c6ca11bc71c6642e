"""Optional incidents: a monitor (or category) staff chose gets an incident
when it goes down, resolved with a timeline entry when it is back up."""

from datetime import UTC, datetime, timedelta

import pytest

from alerts.models import AutoIncidentRule
from core.enums import IncidentStatus, Severity, Status
from incidents.models import Incident
from maintenance.models import ScheduledMaintenance
from tests.alerting import change_status, tick

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def test_a_chosen_monitor_going_down_opens_an_incident_resolved_on_recovery(make_monitor):
    monitor = make_monitor(name="Shop", status=Status.UP, resend_every=60)
    AutoIncidentRule.objects.create(monitor=monitor, severity=Severity.DEGRADED)
    change_status(monitor, Status.DOWN, T0, "HTTP 500 from 10.0.0.7")
    tick(T0 + timedelta(seconds=5))
    tick(T0 + timedelta(minutes=3))  # resends open nothing more
    incident = Incident.objects.get()
    assert (incident.name, incident.severity, incident.status) == (
        "Shop is down", Severity.DEGRADED, IncidentStatus.INVESTIGATING,
    )  # fmt: skip
    assert list(incident.monitors.all()) == [monitor]
    assert "10.0.0.7" not in incident.message  # the public page never sees probe details

    change_status(monitor, Status.UP, T0 + timedelta(minutes=12))
    tick(T0 + timedelta(minutes=12, seconds=5))
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RESOLVED
    timeline = [(u.status, u.message) for u in incident.updates.order_by("created_at", "pk")]
    assert timeline[-1] == (IncidentStatus.RESOLVED, "Shop is back up after 12 min.")
    assert len(timeline) == 2


def test_a_categorys_rule_covers_its_monitors_and_others_get_none(make_monitor, category):
    inside = make_monitor(name="In", status=Status.UP, category=category)
    outside = make_monitor(name="Out", status=Status.UP)
    AutoIncidentRule.objects.create(category=category)
    change_status(inside, Status.DOWN, T0)
    change_status(outside, Status.DOWN, T0)
    tick(T0 + timedelta(seconds=5))
    assert list(Incident.objects.values_list("name", flat=True)) == ["In is down"]


def test_no_incident_for_a_down_inside_maintenance(make_monitor):
    monitor = make_monitor(status=Status.UP)
    AutoIncidentRule.objects.create(monitor=monitor)
    window = ScheduledMaintenance.objects.create(name="Patch", starts_at=T0, duration_hours=1)
    window.monitors.add(monitor)
    change_status(monitor, Status.DOWN, T0 + timedelta(minutes=5))
    change_status(monitor, Status.UP, T0 + timedelta(minutes=9))
    tick(T0 + timedelta(minutes=10))
    assert not Incident.objects.exists()


def test_an_incident_staff_resolved_by_hand_is_left_alone_and_a_new_outage_opens_another(
    make_monitor,
):
    monitor = make_monitor(status=Status.UP)
    AutoIncidentRule.objects.create(monitor=monitor)
    change_status(monitor, Status.DOWN, T0)
    tick(T0 + timedelta(seconds=5))
    first = Incident.objects.get()
    first.status, first.message = IncidentStatus.RESOLVED, "Fixed by hand."
    first.save()
    change_status(monitor, Status.MAINTENANCE, T0 + timedelta(minutes=1))
    change_status(monitor, Status.DOWN, T0 + timedelta(minutes=2))
    tick(T0 + timedelta(minutes=2, seconds=5))
    assert Incident.objects.count() == 2
    first.refresh_from_db()
    assert first.message == "Fixed by hand."


def test_a_rule_names_a_monitor_or_a_category(https_admin_client, make_monitor, category):
    monitor = make_monitor()
    response = https_admin_client.post(
        "/admin/alerts/autoincidentrule/add/",
        {"monitor": monitor.pk, "category": category.pk, "severity": "outage",
         "show_on_status_page": "on"},
    )  # fmt: skip
    assert response.status_code == 200 and "not both" in response.content.decode()
    response = https_admin_client.post(
        "/admin/alerts/autoincidentrule/add/",
        {"monitor": monitor.pk, "severity": "outage", "show_on_status_page": "on"},
    )
    assert response.status_code == 302
