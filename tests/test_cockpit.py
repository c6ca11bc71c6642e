"""The staff cockpit: the admin's first page says what is down and how the
engine keeps up; a monitor's detail shows how it behaved; the monitor list
shows each monitor's last day at a glance. Query counts are fixed."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache

from core.enums import Protocol, Severity, Status
from incidents.models import Incident
from maintenance.models import ScheduledMaintenance
from monitors import heartbeats
from monitors.models import (
    CheckTally,
    DailyRollup,
    FailedCheck,
    HourlyRollup,
    LocationResult,
    Monitor,
    StatusEvent,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 10, 12, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fleet(category, make_monitor):
    down = make_monitor(
        name="Checkout API", category=category, status=Status.DOWN,
        status_changed_at=NOW - timedelta(minutes=14), last_check=NOW - timedelta(seconds=20),
        last_error="HTTP 503 from https://shop.test/api", last_response_ms=812,
    )  # fmt: skip
    make_monitor(name="Website", status=Status.UP, last_check=NOW - timedelta(minutes=3))
    make_monitor(name="Mail relay", protocol=Protocol.TCP, target="mx.shop.test", port=25,
                 status=Status.PENDING, is_active=False)  # fmt: skip
    make_monitor(name="Warehouse", status=Status.MAINTENANCE, status_changed_at=NOW)
    Incident.objects.create(name="Checkout failing", severity=Severity.OUTAGE, message="Looking")
    ScheduledMaintenance.objects.create(
        name="Database upgrade", starts_at=NOW + timedelta(days=1), duration_hours=2
    )
    return down


def history(monitor: Monitor, days: int = 90, locations: tuple[str, ...] = ("USE",)) -> None:
    """``days`` of daily rollups and the last 7 days of hourly ones from each
    location (the first location's hour 3 a bad one), every location's hours
    adding up to 60 checks."""
    this_hour = NOW.replace(minute=0)
    share = 60 // len(locations)
    HourlyRollup.objects.bulk_create(
        HourlyRollup(
            monitor=monitor,
            location=location,
            hour=this_hour - timedelta(hours=h),
            checks=share,
            successes=share if h != 3 or n else share - 15,
            total_response_ms=share * (100 + h % 24 + 50 * n),
            max_response_ms=400 + h + 50 * n,
        )  # fmt: skip
        for h in range(24 * 7)
        for n, location in enumerate(locations)
    )
    DailyRollup.objects.bulk_create(
        DailyRollup(
            monitor=monitor,
            day=NOW.date() - timedelta(days=d),
            checks=1440,
            successes=1440 - d % 5,
            total_response_ms=1440 * (120 + d),
            max_response_ms=900 + d,
        )  # fmt: skip
        for d in range(days)
    )


def test_the_admin_opens_on_an_overview_of_what_is_down_and_why(admin_client, fleet):
    page = admin_client.get("/admin/").content.decode()
    assert "<h1>Overview</h1>" in page
    assert "Checkout API" in page and "HTTP 503 from https://shop.test/api" in page
    assert "14 min ago" in page  # down since
    assert "Checkout failing" in page  # the open incident
    assert "Database upgrade" in page  # the next maintenance
    assert "Mail relay" in page.split("Paused (1)")[1]
    assert 'data-refresh="/admin/cockpit/overview/"' in page
    # Without JavaScript the whole page reloads itself instead:
    assert '<noscript><meta http-equiv="refresh" content="30"></noscript>' in page
    assert "<script>" not in page  # nothing inline: CSP script-src 'self'
    # Still the way to every model:
    assert "/admin/monitors/monitor/" in page and "/admin/incidents/incident/" in page


def test_the_overview_counts_monitors_and_shows_maintenance_in_progress_and_the_engine(
    admin_client, fleet
):
    ScheduledMaintenance.objects.create(
        name="Router swap", starts_at=NOW - timedelta(minutes=30), duration_hours=1
    )
    heartbeats.dispatched(NOW - timedelta(seconds=4))
    heartbeats.worker_alive("probes-use@host", ["USE"], NOW - timedelta(seconds=10))
    page = admin_client.get("/admin/").content.decode()
    counts = page.split('<ul class="counts">')[1].split("</ul>")[0]
    for count, word in [(1, "down"), (1, "up"), (1, "in maintenance"), (1, "paused")]:
        assert f"<b>{count}</b> {word}</a>" in counts
    running = page.split('<tr class="running">')[1].split("</tr>")[0]
    assert "Router swap" in running and "in progress" in running
    assert "Last dispatch: 12:29:56" in page
    assert "Workers reporting: 1 of 1." in page


def test_more_open_incidents_than_shown_link_to_all_of_them(admin_client, fleet):
    for n in range(25):
        Incident.objects.create(name=f"Outage {n}", severity=Severity.OUTAGE, message="x")
    page = admin_client.get("/admin/").content.decode()
    assert "Open incidents (20+)" in page and "All open incidents" in page
    listed = page.split("Open incidents (20+)")[1].split("</table>")[0]
    assert listed.count("/admin/incidents/incident/") == 20


def test_the_overview_refreshes_from_a_fragment_of_itself(admin_client, fleet):
    fragment = admin_client.get("/admin/cockpit/overview/").content.decode()
    assert "Checkout API" in fragment and "<html" not in fragment


def test_the_overview_runs_a_fixed_number_of_queries(
    admin_client, fleet, make_monitor, django_assert_num_queries
):
    admin_client.get("/admin/")  # the banner's answer is cached from here on
    with django_assert_num_queries(11) as first:
        admin_client.get("/admin/")
    for n in range(40):
        make_monitor(name=f"down {n}", status=Status.DOWN, last_error="timeout")
    with django_assert_num_queries(len(first.captured_queries)):
        page = admin_client.get("/admin/").content.decode()
    assert "All 41 down monitors" in page  # the first 20 are listed


def test_every_admin_page_carries_a_red_banner_while_beat_is_silent(admin_client, fleet):
    page = admin_client.get("/admin/monitors/category/").content.decode()
    assert 'class="engine-alarm"' in page and "never dispatched" in page
    heartbeats.dispatched(NOW - timedelta(seconds=5))
    cache.clear()
    LocationResult.objects.bulk_create(
        LocationResult(monitor=m, location="USE", slot=NOW, checked_at=NOW)
        for m in Monitor.objects.active()
    )
    page = admin_client.get("/admin/monitors/category/").content.decode()
    assert 'class="engine-alarm"' not in page
    heartbeats.dispatched(NOW - timedelta(minutes=2))
    cache.clear()
    page = admin_client.get("/admin/monitors/category/").content.decode()
    assert "has not dispatched checks since" in page


def test_the_banner_names_a_location_that_has_fallen_behind(admin_client, fleet):
    heartbeats.dispatched(NOW)
    stale = NOW - timedelta(minutes=10)
    LocationResult.objects.bulk_create(
        LocationResult(monitor=m, location="USE", slot=stale, checked_at=stale)
        for m in Monitor.objects.active()
    )
    page = admin_client.get("/admin/").content.decode()
    assert "Location USE is over an interval behind: 3 of its 3 monitors are overdue" in page


def test_the_engine_page_shows_locations_workers_and_beat(admin_client, fleet):
    heartbeats.dispatched(NOW - timedelta(seconds=4))
    heartbeats.worker_alive("celery@probe-eu", ["USE"], NOW - timedelta(seconds=8))
    LocationResult.objects.bulk_create(
        LocationResult(monitor=m, location="USE", slot=NOW - timedelta(seconds=30),
                       checked_at=NOW - timedelta(seconds=29))
        for m in Monitor.objects.active()
    )  # fmt: skip
    CheckTally.objects.create(minute=NOW - timedelta(minutes=1), location="USE", checks=30)
    page = admin_client.get("/admin/cockpit/engine/").content.decode()
    assert "celery@probe-eu" in page and "8 s ago" in page
    assert "<td>USE</td><td>3</td>" in page
    assert "<td>1.00 s</td>" in page  # lateness p50
    assert "Checks per second (last minute): 0.50" in page
    assert "The engine is keeping up." in page


def test_a_monitor_detail_charts_its_history_with_a_fixed_number_of_queries(
    admin_client, fleet, django_assert_num_queries
):
    fleet.locations = "USE,UK"
    history(fleet, locations=("USE", "UK"))
    LocationResult.objects.bulk_create(
        LocationResult(monitor=fleet, location=loc, slot=NOW, checked_at=NOW, ok=False,
                       status=Status.DOWN, error="HTTP 503")
        for loc in ("USE", "UK")
    )  # fmt: skip
    StatusEvent.objects.create(monitor=fleet, at=NOW - timedelta(minutes=14), from_status="up",
                               to_status="down", reason="HTTP 503")  # fmt: skip
    FailedCheck.objects.bulk_create(
        FailedCheck(monitor=fleet, location=loc, checked_at=NOW - timedelta(minutes=m),
                    last_checked_at=NOW - timedelta(minutes=m), response_ms=200 + m,
                    error="HTTP 503")
        for m in range(60) for loc in ("USE", "UK")
    )  # fmt: skip
    fleet.cert_expires_at = NOW + timedelta(days=20)
    fleet.save()
    admin_client.get(f"/admin/monitors/monitor/{fleet.pk}/detail/")
    with django_assert_num_queries(8):
        response = admin_client.get(f"/admin/monitors/monitor/{fleet.pk}/detail/")
    page = response.content.decode()
    assert page.count('<svg class="chart"') == 4
    assert "Last 24 hours" in page and "Last 90 days" in page
    assert "uptime 98.958%" in page  # one hour of 24 with 15 of 60 failed
    assert "in 20 days" in page  # the certificate
    assert "Up → Down" in page and page.count("HTTP 503") >= 10
    assert "<td>UK</td>" in page and "<td>USE</td>" in page  # each one's latest check
    # A series per location in every chart, in the monitor's order, each its colour:
    assert page.count('<polyline class="avg s0"') == 4
    assert page.count('<polyline class="avg s1"') == 4
    assert page.count('<span class="key s0"></span>USE') == 4
    assert page.count('<span class="key s1"></span>UK') == 4
    # UK's hours are 50 ms slower on average, and only USE had the bad hour:
    last_day = page.split("Last 24 hours")[1].split("Last 7 days")[0]
    assert "<td>97.917%</td>" in last_day and "<td>100.000%</td>" in last_day


def test_a_location_added_later_charts_only_the_hours_it_was_checked(admin_client, fleet):
    fleet.locations = "USE,UK"
    fleet.save()
    history(fleet, days=2)  # USE only
    HourlyRollup.objects.create(monitor=fleet, location="UK", hour=NOW.replace(minute=0),
                                checks=60, successes=60, total_response_ms=6000,
                                max_response_ms=300)  # fmt: skip
    page = admin_client.get(f"/admin/monitors/monitor/{fleet.pk}/detail/").content.decode()
    last_day = page.split("Last 24 hours")[1].split("Last 7 days")[0]
    assert last_day.count('<circle class="s1"') == 1
    assert last_day.count('<circle class="s0"') == 24


def test_the_monitor_list_shows_paused_sparklines_and_host_port(
    admin_client, fleet, make_monitor, django_assert_num_queries
):
    history(fleet, days=2)
    admin_client.get("/admin/monitors/monitor/")
    with django_assert_num_queries(7) as first:
        page = admin_client.get("/admin/monitors/monitor/").content.decode()
    rows = page.split('id="result_list"')[1].split("</table>")[0]
    assert "Paused" in rows and "Pending" not in rows
    assert "mx.shop.test:25" in page
    assert page.count('<svg class="spark"') == 4
    assert "98.96%" in page  # uptime over the last 24 h
    assert "20 s ago" in page
    assert f"/admin/monitors/monitor/{fleet.pk}/detail/" in page
    for n in range(30):
        history(make_monitor(name=f"more {n}"), days=1)
    with django_assert_num_queries(len(first.captured_queries)):
        admin_client.get("/admin/monitors/monitor/")


def test_deleting_a_monitor_counts_its_checks_instead_of_listing_them(admin_client, fleet):
    FailedCheck.objects.bulk_create(
        FailedCheck(monitor=fleet, location="USE", checked_at=NOW - timedelta(minutes=m),
                    last_checked_at=NOW - timedelta(minutes=m))
        for m in range(500)
    )  # fmt: skip
    url = f"/admin/monitors/monitor/{fleet.pk}/delete/"
    page = admin_client.get(url).content.decode()
    assert "failed checks: 500" in page.lower()
    assert page.count("<li>") < 20
    admin_client.post(url, {"post": "yes"})
    assert not Monitor.objects.filter(pk=fleet.pk).exists()
    assert not FailedCheck.objects.exists()


def test_deleting_monitors_in_bulk_counts_their_checks_instead_of_listing_them(
    admin_client, fleet, make_monitor
):
    other = make_monitor(name="Other")
    FailedCheck.objects.bulk_create(
        FailedCheck(monitor=m, location="USE", checked_at=NOW - timedelta(minutes=n),
                    last_checked_at=NOW - timedelta(minutes=n))
        for m in (fleet, other)
        for n in range(300)
    )  # fmt: skip
    chosen = {"action": "delete_selected", "_selected_action": [fleet.pk, other.pk]}
    page = admin_client.post("/admin/monitors/monitor/", chosen).content.decode()
    assert "failed checks: 600" in page.lower()
    assert page.count("<li>") < 30
    admin_client.post("/admin/monitors/monitor/", {**chosen, "post": "yes"})
    assert not Monitor.objects.filter(pk__in=[fleet.pk, other.pk]).exists()
