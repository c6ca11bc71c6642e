"""Atom and RSS feeds of the page's incidents and their updates."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from core.enums import IncidentStatus, Severity
from incidents.models import Incident, IncidentUpdate

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def incident(make_monitor) -> Incident:
    begun = timezone.now() - timedelta(hours=2)
    incident = Incident.objects.create(
        name="Slow <API>", severity=Severity.DEGRADED, message="Looking *into* it", created_at=begun
    )
    incident.monitors.add(make_monitor(name="API"))
    IncidentUpdate.objects.create(
        incident=incident,
        status=IncidentStatus.MONITORING,
        message="Fix deployed <script>x</script>",
        created_at=begun + timedelta(hours=1),
    )
    Incident.objects.create(
        name="Internal", severity=Severity.OUTAGE, message="x", show_on_status_page=False
    )
    return incident


def test_the_atom_feed_has_an_entry_per_incident_with_its_timeline(https_client, incident):
    response = https_client.get("/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "max-age=60" in response["Cache-Control"]
    feed = ET.fromstring(response.content)  # noqa: S314 - our own output
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Slow <API> (Investigating)"]
    entry = entries[0]
    assert entry.find(f"{ATOM}link").get("href") == f"https://testserver/incidents/{incident.pk}"
    summary = entry.findtext(f"{ATOM}summary")
    # The timeline, newest first, as HTML with the writer's text escaped.
    assert summary.index("Fix deployed") < summary.index("Looking <em>into</em> it")
    assert "&lt;script&gt;" in summary and "<script>" not in summary
    assert "Affects: API" in summary
    updated = entry.findtext(f"{ATOM}updated")
    assert updated >= entry.findtext(f"{ATOM}published")


def test_the_rss_feed_lists_the_same_incidents(https_client, incident):
    response = https_client.get("/feed.rss")
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")  # noqa: S314
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == ["Slow <API> (Investigating)"]
    assert items[0].findtext("link").endswith(f"/incidents/{incident.pk}")
    assert "Fix deployed" in items[0].findtext("description")


# The page cache is dropped once a change commits: these saves really commit.
@pytest.mark.django_db(transaction=True)
def test_a_new_update_shows_in_the_feed_at_once(https_client, incident):
    https_client.get("/feed.atom")
    incident.status, incident.message = IncidentStatus.RESOLVED, "Back to normal"
    incident.save()
    assert b"Back to normal" in https_client.get("/feed.atom").content


@pytest.mark.parametrize("count", [1, 20])
def test_feeds_run_a_fixed_number_of_queries(
    https_client, make_monitor, django_assert_num_queries, count
):
    for n in range(count):
        Incident.objects.create(name=f"I{n}", severity=Severity.OUTAGE, message="x").monitors.add(
            make_monitor(name=f"M{n}")
        )
    with django_assert_num_queries(4):  # and which page it is (kept for the next)
        https_client.get("/feed.atom")
    with django_assert_num_queries(3):
        https_client.get("/feed.rss")
