"""Staff can run the whole product from the admin: every page opens and saves."""

from datetime import UTC, datetime

import pytest
from django.db import transaction

from core.enums import IncidentStatus, Severity, Status
from incidents.models import Incident
from maintenance.models import ScheduledMaintenance
from monitors.models import Category, Monitor, StatusEvent

pytestmark = pytest.mark.django_db

ADMIN_MODELS = [
    "monitors/category",
    "monitors/monitor",
    "incidents/incident",
    "maintenance/scheduledmaintenance",
    "statuspage/apikey",
]


@pytest.fixture
def seeded(category, make_monitor):
    monitor = make_monitor(name="Web-node-se01", category=category, status=Status.DOWN)
    StatusEvent.objects.create(monitor=monitor, from_status="up", to_status="down", reason="boom")
    incident = Incident.objects.create(
        name="Nätverksfördröjning", severity=Severity.OUTAGE, message="Vi undersöker"
    )
    incident.monitors.add(monitor)
    maintenance = ScheduledMaintenance.objects.create(
        name="Patch", starts_at=datetime(2026, 1, 1, 2, tzinfo=UTC), recurring=True,
        recur_unit="week", recur_every=1, recur_until=datetime(2027, 1, 1, tzinfo=UTC),
    )  # fmt: skip
    maintenance.monitors.add(monitor)
    return {"monitor": monitor, "incident": incident, "maintenance": maintenance}


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_every_admin_list_and_form_opens(admin_client, seeded, model):
    assert admin_client.get(f"/admin/{model}/").status_code == 200
    assert admin_client.get(f"/admin/{model}/add/").status_code == 200
    assert admin_client.get(f"/admin/{model}/?q=zz").status_code == 200


@pytest.mark.parametrize(
    "model,obj",
    [
        ("monitors/monitor", "monitor"),
        ("incidents/incident", "incident"),
        ("maintenance/scheduledmaintenance", "maintenance"),
    ],
)
def test_every_change_form_opens(admin_client, seeded, model, obj):
    assert admin_client.get(f"/admin/{model}/{seeded[obj].pk}/change/").status_code == 200


def test_the_monitor_list_shows_status_in_colour_and_words(admin_client, seeded):
    page = admin_client.get("/admin/monitors/monitor/").content.decode()
    assert "Down" in page and "state-text-down" in page  # coloured by cockpit.css
    assert "Webbhotell" in page


def test_the_monitor_list_runs_a_fixed_number_of_queries(
    admin_client, category, make_monitor, django_assert_max_num_queries
):
    for i in range(30):
        make_monitor(name=f"m{i}", category=category)
    with django_assert_max_num_queries(12):
        admin_client.get("/admin/monitors/monitor/")


def test_staff_save_a_category_and_a_monitor(admin_client):
    response = admin_client.post(
        "/admin/monitors/category/add/",
        {
            "name": "Spelservrar", "display_order": "2",
            "monitors-TOTAL_FORMS": "0", "monitors-INITIAL_FORMS": "0",
        },
    )  # fmt: skip
    assert response.status_code == 302
    category = Category.objects.get(name="Spelservrar")
    response = admin_client.post(
        "/admin/monitors/monitor/add/",
        {
            "name": "Minecraft", "category": category.pk, "protocol": "tcp",
            "target": "mc.example.test", "port": "25565", "is_active": "on",
            "frequency": "60", "locations": "USE,UK", "retries": "1", "timeout": "10",
            "allow_redirects": "on", "resend_every": "0", "ssl_alert_days": "0",
            "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    monitor = Monitor.objects.get(name="Minecraft")
    assert monitor.category == category and monitor.port == 25565
    assert monitor.status == Status.PENDING


def test_staff_pause_and_resume_monitors(admin_client, seeded):
    monitor = seeded["monitor"]
    admin_client.post(
        "/admin/monitors/monitor/", {"action": "pause", "_selected_action": [monitor.pk]}
    )
    monitor.refresh_from_db()
    assert not monitor.is_active
    admin_client.post(
        "/admin/monitors/monitor/", {"action": "resume", "_selected_action": [monitor.pk]}
    )
    monitor.refresh_from_db()
    assert monitor.is_active and monitor.next_check_at is None  # due at once, as a new one


def test_a_paused_monitor_leaves_the_cached_page_at_once(
    admin_client, make_monitor, page_cache, django_capture_on_commit_callbacks
):
    monitor = make_monitor(name="Billing portal")
    assert "Billing portal" in admin_client.get("/", secure=True).content.decode()
    for action, shown in (("pause", False), ("resume", True)):
        # Its own transaction, committed (the test's own never is).
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            admin_client.post(
                "/admin/monitors/monitor/", {"action": action, "_selected_action": [monitor.pk]}
            )
        assert ("Billing portal" in admin_client.get("/", secure=True).content.decode()) is shown


def test_staff_post_incident_updates_from_the_form_stamped_when_saved(
    admin_client, seeded, time_machine
):
    monitor = seeded["monitor"]
    time_machine.move_to(datetime(2026, 2, 14, 10, 0, tzinfo=UTC), tick=False)
    form = {
        "name": "Database slow", "severity": "degraded", "status": "investigating",
        "message": "Looking into it", "monitors": [monitor.pk], "show_on_status_page": "on",
        "updates-TOTAL_FORMS": "0", "updates-INITIAL_FORMS": "0",
    }  # fmt: skip
    response = admin_client.post("/admin/incidents/incident/add/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    incident = Incident.objects.get(name="Database slow")
    url = f"/admin/incidents/incident/{incident.pk}/change/"
    time_machine.move_to(datetime(2026, 2, 14, 10, 20, tzinfo=UTC), tick=False)
    page = admin_client.get(url).content.decode()  # the form is shown at 10:20...
    assert "Post an update" in page and "Looking into it" in page
    time_machine.move_to(datetime(2026, 2, 14, 10, 30, tzinfo=UTC), tick=False)
    edited = {**form, "status": "identified", "message": "A disk is full.\n\n- *db1*"}
    assert admin_client.post(url, edited).status_code == 302  # ...and saved at 10:30
    incident.refresh_from_db()
    updates = list(incident.updates.order_by("created_at"))
    assert [(u.status, u.created_at.minute) for u in updates] == [
        ("investigating", 0),
        ("identified", 30),
    ]
    # The newest update is the incident's current state.
    assert incident.status == IncidentStatus.IDENTIFIED
    assert incident.message == "A disk is full.\n\n- *db1*"
    page = admin_client.get(url).content.decode()
    assert "<ul><li><em>db1</em></li></ul>" in page  # the preview and the timeline


def test_the_markdown_preview_renders_as_the_page_does(admin_client):
    response = admin_client.post("/admin/cockpit/preview/", {"text": "**up** <b>x</b>"})
    assert response.content.decode() == "<p><strong>up</strong> &lt;b&gt;x&lt;/b&gt;</p>"
    assert admin_client.get("/admin/cockpit/preview/").status_code == 405


def test_staff_resolve_incidents_from_the_list(admin_client, seeded):
    incident = seeded["incident"]
    admin_client.post(
        "/admin/incidents/incident/", {"action": "resolve", "_selected_action": [incident.pk]}
    )
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RESOLVED and incident.resolved_at is not None
    assert incident.updates.last().status == IncidentStatus.RESOLVED


def test_staff_save_a_recurring_maintenance_window(admin_client, seeded):
    response = admin_client.post(
        "/admin/maintenance/scheduledmaintenance/add/",
        {
            "name": "Monthly patching", "message": "Kernel updates",
            "monitors": [seeded["monitor"].pk],
            "starts_at_0": "2026-01-31", "starts_at_1": "02:00:00",
            "duration_hours": "1", "duration_minutes": "30",
            "recurring": "on", "recur_every": "1", "recur_unit": "month",
            "recur_until_0": "2026-12-31", "recur_until_1": "00:00:00",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    row = ScheduledMaintenance.objects.get(name="Monthly patching")
    assert row.recur_unit == "month" and row.ends_at is not None


def test_a_recurring_window_without_its_unit_is_refused_in_the_admin(admin_client, seeded):
    response = admin_client.post(
        "/admin/maintenance/scheduledmaintenance/add/",
        {
            "name": "Bad", "starts_at_0": "2026-01-31", "starts_at_1": "02:00:00",
            "duration_hours": "1", "duration_minutes": "75", "recurring": "on",
        },
    )  # fmt: skip
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert {"duration_minutes", "recur_unit", "recur_every"} == set(errors)
    assert not ScheduledMaintenance.objects.filter(name="Bad").exists()


def test_a_recurring_window_may_repeat_without_end(admin_client, seeded):
    response = admin_client.post(
        "/admin/maintenance/scheduledmaintenance/add/",
        {
            "name": "Nightly backup", "starts_at_0": "2026-01-31", "starts_at_1": "02:00:00",
            "duration_hours": "1", "duration_minutes": "0", "recurring": "on",
            "recur_every": "1", "recur_unit": "day",
        },
    )  # fmt: skip
    assert response.status_code == 302
    row = ScheduledMaintenance.objects.get(name="Nightly backup")
    assert row.recur_until is None and row.ends_at is None
    assert row.window_at(datetime(2031, 5, 1, 2, 30, tzinfo=UTC)) is not None


def monitor_form(monitor: Monitor, **changes) -> dict:
    data = {
        "name": monitor.name, "category": monitor.category_id or "",
        "protocol": monitor.protocol, "target": monitor.target, "port": monitor.port or "",
        "is_active": "on", "frequency": monitor.frequency, "locations": monitor.locations,
        "retries": monitor.retries, "timeout": monitor.timeout, "allow_redirects": "on",
        "resend_every": "0", "ssl_alert_days": "0",
        "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0",
    }  # fmt: skip
    return {**data, **changes}


def test_saving_a_monitor_never_overwrites_a_status_the_engine_wrote_meanwhile(
    admin_client, seeded
):
    monitor = seeded["monitor"]  # staff open the form while it is down...
    form = monitor_form(monitor, name="Renamed")
    Monitor.objects.filter(pk=monitor.pk).update(status=Status.UP)  # ...the engine records up
    response = admin_client.post(f"/admin/monitors/monitor/{monitor.pk}/change/", form)
    assert response.status_code == 302
    monitor.refresh_from_db()
    assert (monitor.name, monitor.status) == ("Renamed", Status.UP)


def test_pointing_a_monitor_elsewhere_in_the_admin_starts_its_status_over(admin_client, seeded):
    monitor = seeded["monitor"]
    form = monitor_form(monitor, target="https://elsewhere.example.test/")
    assert (
        admin_client.post(f"/admin/monitors/monitor/{monitor.pk}/change/", form).status_code == 302
    )
    monitor.refresh_from_db()
    assert monitor.status == Status.PENDING
    latest = monitor.events.order_by("-at", "-id").first()
    assert (latest.from_status, latest.to_status) == (Status.DOWN, Status.PENDING)
