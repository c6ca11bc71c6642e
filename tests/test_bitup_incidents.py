"""action=incidents of /api.php: incidents shown on status pages, newest first,
with their monitors, categories and updates."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.utils import timezone

from core.enums import IncidentStatus, Severity
from incidents.models import Incident, IncidentUpdate
from monitors.models import Category

pytestmark = pytest.mark.django_db

TEN_O_CLOCK = datetime(2026, 2, 14, 9, 0, tzinfo=UTC)  # 10:00 in Stockholm


def make_incident(monitors=(), **fields) -> Incident:
    defaults = {"name": "Incident", "severity": Severity.OUTAGE, "message": "Vi undersöker"}
    incident = Incident.objects.create(**{**defaults, **fields})
    incident.monitors.set(monitors)
    return incident


def test_incidents_answers_the_contracts_sample(api_php, make_monitor, settings):
    settings.TIME_ZONE = "Europe/Stockholm"
    webbhotell = Category.objects.create(name="Webbhotell", display_order=1)
    node = make_monitor(name="Web-node-se01", category=webbhotell)
    netbox = make_monitor(name="Netbox", category=webbhotell)
    incident = make_incident(
        [node, netbox], name="Nätverksfördröjning SE-STHLM", created_at=TEN_O_CLOCK,
        message="Vi undersöker problemet",
    )  # fmt: skip
    incident.updates.update(created_at=TEN_O_CLOCK + timedelta(minutes=30))
    with mock.patch.object(timezone, "now", return_value=TEN_O_CLOCK + timedelta(minutes=75)):
        incident.status, incident.message = IncidentStatus.MONITORING, "Felet är åtgärdat"
        incident.save()

    assert api_php(action="incidents") == (
        200,
        {
            "status": "success",
            "api_version": "2.1",
            "data": [
                {
                    "id": incident.pk,
                    "title": "Nätverksfördröjning SE-STHLM",
                    "type": "down",
                    "is_active": 1,
                    "created_at": "2026-02-14 10:00:00",
                    "monitors": ["Web-node-se01", "Netbox"],
                    "categories": ["Webbhotell"],
                    "updates": [
                        {"message": "Vi undersöker problemet", "created_at": "2026-02-14 10:30:00"},
                        {"message": "Felet är åtgärdat", "created_at": "2026-02-14 11:15:00"},
                    ],
                }
            ],
        },
    )


def test_the_swedish_title_is_written_as_is_in_the_bytes(https_client, api_key):
    make_incident(name="Nätverksfördröjning SE-STHLM")

    response = https_client.get("/api.php", {"key": api_key, "action": "incidents"})

    assert "Nätverksfördröjning".encode() in response.content


def test_incidents_come_newest_first_resolved_ones_included_as_inactive(api_php):
    now = timezone.now()
    old = make_incident(name="old", created_at=now - timedelta(days=3))
    resolved = make_incident(
        name="resolved", status=IncidentStatus.RESOLVED, created_at=now - timedelta(days=2)
    )
    new = make_incident(name="new", severity=Severity.DEGRADED, created_at=now - timedelta(days=1))

    data = api_php(action="incidents")[1]["data"]

    assert [(i["id"], i["is_active"], i["type"]) for i in data] == [
        (new.pk, 1, "degraded"),
        (resolved.pk, 0, "down"),
        (old.pk, 1, "down"),
    ]


def test_resolving_an_incident_makes_it_inactive_with_its_last_update(api_php):
    incident = make_incident(name="Strul")
    incident.status, incident.message = IncidentStatus.RESOLVED, "Löst"
    incident.save()

    [shown] = api_php(action="incidents")[1]["data"]

    assert shown["is_active"] == 0
    assert [u["message"] for u in shown["updates"]] == ["Vi undersöker", "Löst"]


def test_incidents_hidden_from_status_pages_are_left_out(api_php):
    make_incident(name="internal", show_on_status_page=False)
    public = make_incident(name="public")

    assert [i["id"] for i in api_php(action="incidents")[1]["data"]] == [public.pk]


def test_resolved_incidents_older_than_ninety_days_are_left_out_but_active_ones_stay(api_php):
    now = timezone.now()
    long_ago = now - timedelta(days=400)
    recently_resolved = make_incident(
        name="recently resolved", status=IncidentStatus.RESOLVED, created_at=long_ago,
        resolved_at=now - timedelta(days=10),
    )  # fmt: skip
    make_incident(
        name="resolved long ago", status=IncidentStatus.RESOLVED, created_at=long_ago,
        resolved_at=now - timedelta(days=91),
    )  # fmt: skip
    still_open = make_incident(name="still open", created_at=long_ago - timedelta(days=1))

    shown = [i["id"] for i in api_php(action="incidents")[1]["data"]]

    assert shown == [recently_resolved.pk, still_open.pk]


def test_at_most_a_hundred_incidents_are_listed(api_php):
    now = timezone.now()
    Incident.objects.bulk_create(
        Incident(name=f"i{n}", severity=Severity.OUTAGE, message="m",
                 created_at=now - timedelta(minutes=n))
        for n in range(105)
    )  # fmt: skip

    data = api_php(action="incidents")[1]["data"]

    assert [i["title"] for i in data] == [f"i{n}" for n in range(100)]


def test_monitors_and_categories_are_named_once_each(api_php, make_monitor):
    hosting = Category.objects.create(name="Webbhotell", display_order=1)
    games = Category.objects.create(name="Spelservrar", display_order=2)
    monitors = [
        make_monitor(name="a", category=hosting),
        make_monitor(name="b", category=games),
        make_monitor(name="c", category=hosting),
        make_monitor(name="d, no category"),
        make_monitor(name="e, paused", category=games, is_active=False),
    ]
    make_incident(monitors)
    make_incident(name="no monitors")

    with_monitors, without = reversed(api_php(action="incidents")[1]["data"])

    assert with_monitors["monitors"] == ["a", "b", "c", "d, no category", "e, paused"]
    assert with_monitors["categories"] == ["Webbhotell", "Spelservrar"]
    assert (without["monitors"], without["categories"]) == ([], [])


def test_updates_come_oldest_first(api_php):
    incident = make_incident(created_at=TEN_O_CLOCK, message="first")
    IncidentUpdate.objects.create(
        incident=incident, status=IncidentStatus.RESOLVED, message="third",
        created_at=TEN_O_CLOCK + timedelta(hours=2),
    )  # fmt: skip
    IncidentUpdate.objects.create(
        incident=incident, status=IncidentStatus.IDENTIFIED, message="second",
        created_at=TEN_O_CLOCK + timedelta(hours=1),
    )  # fmt: skip

    [shown] = api_php(action="incidents")[1]["data"]

    assert [u["message"] for u in shown["updates"]] == ["first", "second", "third"]


def test_incidents_run_the_same_number_of_queries_for_one_or_many(api_php_queries, make_monitor):
    # The incidents, their monitors (with categories), their updates.
    category = Category.objects.create(name="Webbhotell")
    make_incident([make_monitor(category=category)])
    api_php_queries(3, action="incidents")
    for number in range(10):
        incident = make_incident(
            [make_monitor(name=f"m{number}", category=category), make_monitor(name="loose")]
        )
        incident.message = "more"
        incident.save()
    api_php_queries(3, action="incidents")
