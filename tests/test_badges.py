"""SVG status badges for a monitor and a category."""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from core.enums import Severity, Status
from incidents.models import Incident
from monitors.models import DailyRollup

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]
SVG = "{http://www.w3.org/2000/svg}"


def badge(client, path: str) -> tuple[str, str]:
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert "max-age=60" in response["Cache-Control"] and "public" in response["Cache-Control"]
    root = ET.fromstring(response.content)  # noqa: S314 - well-formed whatever the name
    texts = [t.text for t in root.iter(f"{SVG}text")]
    return texts[0], texts[2]


# The page cache is dropped once a change commits: these saves really commit.
@pytest.mark.django_db(transaction=True)
def test_a_monitor_badge_says_its_state_in_words(https_client, make_monitor):
    web = make_monitor(name="Web", status=Status.UP)
    assert badge(https_client, f"/badge/monitor/{web.pk}.svg") == ("Web", "Operational")
    web.status = Status.DOWN
    web.save()
    assert badge(https_client, f"/badge/monitor/{web.pk}.svg") == ("Web", "Major outage")


def test_an_open_incident_shows_on_the_badge(https_client, make_monitor):
    web = make_monitor(name="Web", status=Status.UP)
    Incident.objects.create(name="Slow", severity=Severity.DEGRADED, message="x").monitors.add(web)
    assert badge(https_client, f"/badge/monitor/{web.pk}.svg")[1] == "Degraded performance"


# The page cache is dropped once a change commits: these saves really commit.
@pytest.mark.django_db(transaction=True)
def test_a_badge_can_show_uptime_and_no_data_when_never_checked(https_client, make_monitor):
    web = make_monitor(name="Web", status=Status.UP)
    assert badge(https_client, f"/badge/monitor/{web.pk}.svg?show=uptime")[1] == "No data"
    DailyRollup.objects.create(monitor=web, day=timezone.localdate(), checks=1000, successes=995)
    DailyRollup.objects.create(
        monitor=web, day=timezone.localdate() - timedelta(days=40), checks=10, successes=0
    )
    web.save()  # the probe engine drops the cache after writing rollups
    assert badge(https_client, f"/badge/monitor/{web.pk}.svg?show=uptime")[1] == "99.50%"


def test_a_category_badge_shows_its_worst_monitor(https_client, make_monitor, category):
    make_monitor(name="Web", status=Status.UP, category=category)
    make_monitor(name="Mail", status=Status.MAINTENANCE, category=category)
    make_monitor(name="Old", status=Status.DOWN, category=category, is_active=False)
    assert badge(https_client, f"/badge/category/{category.pk}.svg") == (
        "Webbhotell",
        "Under maintenance",
    )


def test_names_are_escaped_in_the_svg(https_client, make_monitor):
    web = make_monitor(name='<script>alert(1)</script> & "quotes"')
    body = https_client.get(f"/badge/monitor/{web.pk}.svg").content.decode()
    assert "<script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;" in body


def test_badges_grow_with_their_text(https_client, make_monitor):
    short, long = make_monitor(name="A"), make_monitor(name="A much longer monitor name")
    widths = [
        int(re.search(rb'width="(\d+)"', https_client.get(f"/badge/monitor/{m.pk}.svg").content)[1])
        for m in (short, long)
    ]
    assert widths[0] < widths[1]


def test_unknown_or_paused_monitors_and_unknown_categories_are_not_found(
    https_client, make_monitor
):
    paused = make_monitor(name="Paused", is_active=False)
    assert https_client.get(f"/badge/monitor/{paused.pk}.svg").status_code == 404
    assert https_client.get("/badge/monitor/999999.svg").status_code == 404
    assert https_client.get("/badge/category/999999.svg").status_code == 404


def test_badges_run_a_fixed_number_of_queries(
    https_client, make_monitor, category, django_assert_num_queries
):
    monitors = [make_monitor(name=f"M{n}", category=category) for n in range(10)]
    with django_assert_num_queries(3):  # and which page it is (kept for the next)
        https_client.get(f"/badge/monitor/{monitors[0].pk}.svg")
    with django_assert_num_queries(3):
        https_client.get(f"/badge/category/{category.pk}.svg")
    with django_assert_num_queries(3):
        https_client.get(f"/badge/category/{category.pk}.svg?show=uptime")


def test_made_up_query_strings_share_one_cache_entry(https_client, make_monitor, page_cache):
    web = make_monitor(name="Web", status=Status.UP)
    for n in range(5):
        https_client.get(f"/badge/monitor/{web.pk}.svg?junk={n}")
    https_client.get(f"/badge/monitor/{web.pk}.svg?show=uptime&junk=1")
    entries = [key for key in page_cache._cache if "response:" in key]
    assert len(entries) == 2


def test_made_up_values_of_show_share_the_state_badge_entry(https_client, make_monitor, page_cache):
    web = make_monitor(name="Web", status=Status.UP)
    for value in ("", "nonsense", "UPTIME", "1"):
        assert "Operational" in https_client.get(f"/badge/monitor/{web.pk}.svg?show={value}").text
    entries = [key for key in page_cache._cache if "response:" in key]
    assert len(entries) == 1
