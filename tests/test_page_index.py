"""What a visitor sees at /: the banner, active incidents, categories and
their monitors with 90-day bars, maintenance, and the last 14 days."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from core import pagecache
from core.enums import IncidentStatus, RecurUnit, Severity, Status
from incidents.models import Incident, IncidentUpdate
from maintenance.models import ScheduledMaintenance
from monitors.models import Category, DailyRollup

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


def page(client, path="/", **headers) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def text(html: str) -> str:
    """The page as a reader sees it: tags dropped, white space collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def section(html: str, monitor) -> str:
    return html.split(f'id="monitor-{monitor.pk}"')[1].split("</li>")[0]


def test_all_systems_operational_when_every_monitor_is_up(https_client, make_monitor, category):
    make_monitor(name="Web", category=category, status=Status.UP)
    html = page(https_client)
    assert "All systems operational" in text(html)
    assert 'class="banner ov-operational"' in html


def test_a_down_monitor_turns_the_banner_and_shows_a_word_not_only_a_colour(
    https_client, make_monitor, category
):
    make_monitor(name="Web", category=category, status=Status.UP)
    make_monitor(name="Mail", category=category, status=Status.UP)
    api = make_monitor(name="API", category=category, status=Status.DOWN)
    html = page(https_client)
    assert "Partial outage" in text(html).split(" checked")[0]
    assert "Major outage" in text(section(html, api))
    assert "st-major_outage" in section(html, api) and "#i-major_outage" in section(html, api)


def test_categories_come_in_display_order_and_monitors_without_one_last(https_client, make_monitor):
    late = Category.objects.create(name="Zeta first", display_order=1)
    early = Category.objects.create(name="Alpha second", display_order=2)
    make_monitor(name="Loose monitor")
    make_monitor(name="In alpha", category=early)
    make_monitor(name="In zeta", category=late)
    make_monitor(name="Paused one", category=late, is_active=False)
    shown = text(page(https_client))
    order = [
        shown.index(name)
        for name in ("Zeta first", "In zeta", "Alpha second", "In alpha", "Other", "Loose monitor")
    ]
    assert order == sorted(order)
    assert "Paused one" not in shown


def test_day_bars_show_uptime_per_day_and_no_data_for_days_without_checks(
    https_client, make_monitor
):
    web = make_monitor(name="Web", status=Status.UP)
    today = timezone.localdate()
    DailyRollup.objects.create(monitor=web, day=today, checks=1000, successes=999)
    DailyRollup.objects.create(monitor=web, day=today - timedelta(days=1), checks=100, successes=50)
    html = section(page(https_client), web)
    cells = re.findall(r'<i role="img" class="(b\d)"( tabindex="0")? aria-label="([^"]*)"', html)
    assert len(cells) == 90
    assert cells[-1][0] == "b1" and "99.90% uptime" in cells[-1][2]
    assert cells[-2][0] == "b4" and "50.00% uptime" in cells[-2][2]
    assert cells[0][0] == "b0" and cells[0][2].endswith("No data")
    assert [bool(c[1]) for c in cells] == [False] * 89 + [True]  # one tab stop a row: today
    assert "95.36% uptime" in text(html)  # 1049 of 1100 checks over the days shown


def test_a_monitor_without_any_checks_reads_no_data_not_100_percent(https_client, make_monitor):
    web = make_monitor(name="Web")
    html = section(page(https_client), web)
    assert "Awaiting first check" in text(html)
    assert "Today No data" not in text(html) and "No data Today" in text(html)
    assert "100%" not in html


def test_a_day_tooltip_names_the_incidents_of_that_day(https_client, make_monitor):
    web = make_monitor(name="Web", status=Status.UP)
    incident = Incident.objects.create(
        name="Slow <logins>", severity=Severity.DEGRADED, message="Slow",
        created_at=timezone.now() - timedelta(days=3),
    )  # fmt: skip
    incident.monitors.add(web)
    incident.status = IncidentStatus.RESOLVED
    incident.save()
    labels = re.findall(r'aria-label="([^"]*)"', section(page(https_client), web))
    named = [label for label in labels if "Incidents:" in label]
    assert 2 <= len(named) <= 4  # from the day it began to the day it was resolved
    assert all("Slow &lt;logins&gt;" in label for label in named)


def test_active_incidents_are_on_top_with_their_timeline_newest_first(https_client, make_monitor):
    api = make_monitor(name="API", status=Status.UP)
    incident = Incident.objects.create(
        name="Errors on the API", severity=Severity.OUTAGE, message="We are investigating",
        created_at=timezone.now() - timedelta(hours=2),
    )  # fmt: skip
    incident.monitors.add(api)
    incident.status, incident.message = IncidentStatus.IDENTIFIED, "A bad deploy; **rolling back**"
    incident.save()
    shown = text(page(https_client))
    assert shown.index("Active incidents") < shown.index("Systems")
    assert "Errors on the API" in shown and "Outage" in shown and "Affects: API" in shown
    assert shown.index("rolling back") < shown.index("We are investigating")
    assert shown.index("Identified") < shown.index("Investigating")
    assert "2 hours ago" in shown
    assert "Partial outage" in shown.split(" checked")[0]


def test_only_incidents_meant_for_the_status_page_appear(https_client, make_monitor):
    hidden = Incident.objects.create(
        name="Internal only", severity=Severity.OUTAGE, message="x", show_on_status_page=False
    )
    assert "Internal only" not in page(https_client)
    assert "All systems operational" in page(https_client)
    assert https_client.get(f"/incidents/{hidden.pk}").status_code == 404


def test_maintenance_in_progress_and_the_next_occurrence_of_a_recurring_one(
    https_client, make_monitor, monkeypatch
):
    db = make_monitor(name="Database", status=Status.MAINTENANCE)
    now = timezone.now().replace(second=0, microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: now)
    upgrade = ScheduledMaintenance.objects.create(
        name="Upgrade",
        starts_at=now - timedelta(minutes=10),
        duration_hours=1,
        message="New *disks*",
    )
    upgrade.monitors.add(db)
    nightly = ScheduledMaintenance.objects.create(
        name="Nightly backup", starts_at=now - timedelta(days=3, hours=12), duration_hours=1,
        recurring=True, recur_unit=RecurUnit.DAY, recur_every=1,
        recur_until=now + timedelta(days=30),
    )  # fmt: skip
    ScheduledMaintenance.objects.create(
        name="Long over", starts_at=now - timedelta(days=5), duration_hours=1
    )
    html = page(https_client)
    shown = text(html)
    assert "Under maintenance" in shown.split(" checked")[0]
    now_part = shown.split("Maintenance in progress")[1].split("Systems")[0]
    assert (
        "Upgrade" in now_part
        and "Affects: Database" in now_part
        and "ends in 50 minutes" in now_part
    )
    assert "<em>disks</em>" in html
    next_part = shown.split("Scheduled maintenance")[1].split("Past incidents")[0]
    assert "Nightly backup" in next_part and "in 12 hours" in next_part and "Recurring" in next_part
    assert "Long over" not in shown
    assert nightly.pk


def test_the_last_14_days_are_listed_with_quiet_days_said_so(https_client, make_monitor):
    incident = Incident.objects.create(
        name="Blip yesterday", severity=Severity.DEGRADED, message="Slow",
        created_at=timezone.now() - timedelta(days=1),
    )  # fmt: skip
    incident.status = IncidentStatus.RESOLVED
    incident.save()
    past = text(page(https_client).split('id="past"')[1])
    assert past.count("No incidents reported.") == 13
    assert "Blip yesterday" in past and "Resolved" in past


def test_incident_text_is_escaped_on_the_page(https_client):
    Incident.objects.create(
        name="<script>alert(1)</script>", severity=Severity.OUTAGE,
        message='[x](javascript:alert(1)) <img src=x onerror="alert(1)">',
    )  # fmt: skip
    html = page(https_client)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript' not in html


@pytest.mark.parametrize("size", [(1, 1, 1, 1), (6, 10, 12, 40)])
def test_the_page_runs_a_fixed_number_of_queries_whatever_it_shows(
    https_client, seed_page, page_cache, django_assert_num_queries, size
):
    seed_page(*size)
    page_cache.clear()
    # The first of the day: the settled days' rollups too, and which page it is.
    with django_assert_num_queries(13):
        html = page(https_client)
    assert "Monitor 0-0" in html
    pagecache.invalidate()
    # Ten (the categories apart from their monitors, their newest check summed
    # up in SQL), beat's last dispatch for the freshness, and the page (every
    # page's change).
    with django_assert_num_queries(12):
        page(https_client)


# The page cache is dropped once a change commits: these saves really commit.
@pytest.mark.django_db(transaction=True)
def test_a_cached_page_is_served_without_queries_until_something_changes(
    https_client, make_monitor, django_assert_num_queries
):
    web = make_monitor(name="Web", status=Status.UP)
    page(https_client)
    with django_assert_num_queries(0):
        assert "All systems operational" in page(https_client)
    web.status = Status.DOWN
    web.save()
    assert "Major outage" in text(page(https_client))
    incident = Incident.objects.create(name="Trouble", severity=Severity.OUTAGE, message="x")
    assert "Trouble" in page(https_client)
    IncidentUpdate.objects.create(
        incident=incident, status=IncidentStatus.UPDATE, message="Still on it"
    )
    assert "Still on it" in page(https_client)
    category = Category.objects.create(name="Renamed later")
    web.category = category
    web.save()
    category.name = "Hosting"
    category.save()
    assert "Hosting" in page(https_client)
    window = ScheduledMaintenance.objects.create(
        name="Soon", starts_at=timezone.now() + timedelta(days=1), duration_hours=1
    )
    assert "Soon" in page(https_client)
    window.monitors.add(web)
    assert "Affects: Web" in text(page(https_client))
    window.delete()
    assert "Soon" not in page(https_client)


def test_the_page_speaks_swedish_to_a_swedish_browser_and_switches_on_request(
    https_client, make_monitor
):
    make_monitor(name="Web", status=Status.UP)
    assert "Alla system fungerar" in page(https_client, **{"Accept-Language": "sv-SE,sv;q=0.9"})
    assert 'lang="sv"' in page(https_client, **{"Accept-Language": "sv"})
    assert "All systems operational" in page(https_client, **{"Accept-Language": "en-GB"})
    response = https_client.post("/i18n/setlang/", {"language": "sv", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    shown = page(https_client, **{"Accept-Language": "en"})
    assert "Alla system fungerar" in shown and "Språk" in shown


def test_times_are_in_the_site_zone_and_the_zone_is_named(https_client, settings, make_monitor):
    settings.TIME_ZONE = "Europe/Stockholm"
    Incident.objects.create(name="Trouble", severity=Severity.OUTAGE, message="x")
    shown = text(page(https_client))
    assert "Times are shown in the Europe/Stockholm time zone." in shown
    assert re.search(r"\d{2}:\d{2} CES?T", shown)


def test_the_page_works_without_javascript_and_links_everything(https_client, make_monitor):
    html = page(https_client)
    assert '<details class="group" open' in html or "No systems are monitored yet." in html
    for link in ("/history", "/feed.atom", "/feed.rss", "/api/v2/summary.json", "/i18n/setlang/"):
        assert link in html
    assert re.search(r'<script src="[^"]*page\.js" defer></script>', html)


def test_the_page_is_sent_compressed_to_browsers_that_accept_it(https_client, seed_page):
    seed_page(2, 5, 2, 30)
    plain = https_client.get("/")
    zipped = https_client.get("/", headers={"Accept-Encoding": "gzip"})
    assert zipped["Content-Encoding"] == "gzip"
    assert len(zipped.content) * 5 < len(plain.content)


# The page cache is dropped once a change commits: these saves really commit.
@pytest.mark.django_db(transaction=True)
def test_a_status_change_keeps_finished_days_and_an_incident_refreshes_them(
    https_client, make_monitor, django_assert_max_num_queries
):
    web = make_monitor(name="Web", status=Status.UP)
    DailyRollup.objects.create(
        monitor=web, day=timezone.localdate() - timedelta(days=2), checks=100, successes=100
    )
    page(https_client)
    web.status = Status.DOWN
    web.save()
    with django_assert_max_num_queries(9) as queries:
        html = section(page(https_client), web)
    rollups = [q["sql"] for q in queries.captured_queries if "dailyrollup" in q["sql"]]
    assert len(rollups) == 1 and str(timezone.localdate() - timedelta(days=2)) in rollups[0]
    assert "Major outage" in text(html) and "100% uptime" in html
    incident = Incident.objects.create(
        name="Earlier trouble", severity=Severity.DEGRADED, message="x",
        created_at=timezone.now() - timedelta(days=2),
    )  # fmt: skip
    incident.monitors.add(web)
    assert "Incidents: Earlier trouble" in section(page(https_client), web)
