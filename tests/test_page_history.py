"""Past incidents: grouped by day on the front page, by month on /history,
and each on its own page with its whole timeline."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from core.enums import IncidentStatus, Severity
from incidents.models import Incident, IncidentUpdate
from statuspage.page import history

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


def resolved(name: str, created_at: datetime, **fields) -> Incident:
    incident = Incident.objects.create(
        name=name, severity=Severity.DEGRADED, message="Slow", created_at=created_at, **fields
    )
    incident.status = IncidentStatus.RESOLVED
    incident.save()
    return incident


def test_days_are_grouped_newest_first_with_quiet_days_kept(settings):
    settings.TIME_ZONE = "Europe/Stockholm"
    today = date(2026, 3, 10)
    late = Incident(pk=1, name="Late", created_at=datetime(2026, 3, 9, 23, 30, tzinfo=UTC))
    early = Incident(pk=2, name="Early", created_at=datetime(2026, 3, 9, 8, 0, tzinfo=UTC))
    old = Incident(pk=3, name="Too old", created_at=datetime(2026, 2, 1, tzinfo=UTC))
    days = history.by_day([early, late, old], today, days=3)
    # 23:30 UTC on the 9th is 00:30 on the 10th in Stockholm.
    assert [(d.day, [i.name for i in d.incidents]) for d in days] == [
        (date(2026, 3, 10), ["Late"]),
        (date(2026, 3, 9), ["Early"]),
        (date(2026, 3, 8), []),
    ]


def test_history_pages_cover_three_months_each_across_years():
    assert history.month_starts(date(2026, 2, 14), 1) == [
        date(2026, 2, 1),
        date(2026, 1, 1),
        date(2025, 12, 1),
    ]
    assert history.month_starts(date(2026, 2, 14), 2) == [
        date(2025, 11, 1),
        date(2025, 10, 1),
        date(2025, 9, 1),
    ]
    assert history.next_month(date(2025, 12, 1)) == date(2026, 1, 1)


def test_the_history_page_lists_months_and_links_to_older_ones(https_client):
    now = timezone.now()
    resolved("This month", now - timedelta(hours=1))
    resolved("Long ago", now - timedelta(days=200))
    resolved("Hidden", now - timedelta(hours=2), show_on_status_page=False)
    first = https_client.get("/history").content.decode()
    assert "This month" in first and "Long ago" not in first and "Hidden" not in first
    assert "No incidents reported this month." in first
    assert "?page=2" in first
    older = https_client.get("/history?page=3").content.decode()
    assert "Long ago" in older and "?page=2" in older and "?page=4" not in older


@pytest.mark.parametrize("page", ["0", "-1", "abc", "100000"])
def test_a_history_page_that_cannot_exist_is_not_found(https_client, page):
    assert https_client.get(f"/history?page={page}").status_code == 404


def test_an_incident_page_shows_the_whole_timeline_newest_first(https_client, make_monitor):
    web = make_monitor(name="Web")
    begun = timezone.now() - timedelta(hours=3)
    incident = Incident.objects.create(
        name="Login errors", severity=Severity.OUTAGE, message="Investigating", created_at=begun
    )
    incident.monitors.add(web)
    IncidentUpdate.objects.create(
        incident=incident, status=IncidentStatus.IDENTIFIED, message="Found *it*",
        created_at=begun + timedelta(hours=1),
    )  # fmt: skip
    incident.status, incident.message = IncidentStatus.RESOLVED, "All good"
    incident.save()
    html = https_client.get(f"/incidents/{incident.pk}").content.decode()
    assert "<title>Login errors · " in html
    assert html.index("All good") < html.index("Found <em>it</em>") < html.index("Investigating")
    assert "Affects: Web" in html and "Resolved" in html


def test_incident_pages_run_four_queries_and_unknown_ones_are_not_found(
    https_client, django_assert_num_queries, make_monitor
):
    incident = Incident.objects.create(name="X", severity=Severity.OUTAGE, message="x")
    incident.monitors.set([make_monitor(name=f"M{n}") for n in range(5)])
    with django_assert_num_queries(4):  # and which page it is on
        assert https_client.get(f"/incidents/{incident.pk}").status_code == 200
    assert https_client.get("/incidents/999999").status_code == 404


@pytest.mark.parametrize("count", [1, 30])
def test_the_history_page_runs_four_queries(https_client, django_assert_num_queries, count):
    for n in range(count):
        resolved(f"Incident {n}", timezone.now() - timedelta(days=n))
    with django_assert_num_queries(4):  # and which page it is on
        assert https_client.get("/history").status_code == 200
