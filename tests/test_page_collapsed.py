"""A page of many monitors stays small: past PAGE_COLLAPSE_OVER monitors each
category is one bar row (its monitors' checks summed per day) with only its
monitors that are not operational listed, and a link (no JavaScript needed)
to the category's own page with every row and its bars."""

import gzip
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from core.enums import Severity, Status
from incidents.models import Incident
from monitors.models import Category, DailyRollup, Monitor
from pages.models import PageMonitor, StatusPage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


@pytest.fixture
def fleet(settings, make_monitor):
    """Two categories of 6 monitors and 2 without one; above the threshold of 5."""
    settings.PAGE_COLLAPSE_OVER = 5
    web = Category.objects.create(name="Web", display_order=1)
    mail = Category.objects.create(name="Mail", display_order=2)
    monitors = {}
    for group in (web, mail):
        for n in range(6):
            name = f"{group.name} {n}"
            monitors[name] = make_monitor(name=name, category=group, status=Status.UP)
    for n in range(2):
        monitors[f"Loose {n}"] = make_monitor(name=f"Loose {n}", status=Status.UP)
    Monitor.objects.filter(pk=monitors["Web 3"].pk).update(status=Status.DOWN)
    today = timezone.localdate()
    DailyRollup.objects.bulk_create(
        [DailyRollup(monitor=monitors["Web 0"], day=today - timedelta(days=2), checks=100,
                     successes=50),
         DailyRollup(monitor=monitors["Web 1"], day=today - timedelta(days=2), checks=100,
                     successes=100)]
    )  # fmt: skip
    return {"web": web, "mail": mail, **monitors}


def get(client, path: str, **extra) -> str:
    response = client.get(path, **extra)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def group(html: str, category) -> str:
    return html.split(f'id="group-{category.pk}"')[1].split("</details>")[0]


def test_each_category_of_a_large_page_is_one_row_with_its_troubles(https_client, fleet):
    html = get(https_client, "/")
    web = group(html, fleet["web"])
    assert web.count('class="bars"') == 1  # one row for the category, none per monitor
    assert 'aria-label="Daily uptime of Web"' in web
    assert "Web 3" in web and "Web 0" not in web  # only what is not operational
    assert 'href="/systems/' + str(fleet["web"].pk) + '"' in web and "Show all 6 systems" in web
    assert "Mail 0" not in group(html, fleet["mail"])
    assert 'href="/systems/other"' in html


def test_the_category_row_sums_its_monitors_checks(https_client, fleet):
    web = group(get(https_client, "/"), fleet["web"])
    # 150 of 200 checks succeeded that day: 75 %, the third-worst colour.
    day = timezone.localdate() - timedelta(days=2)
    cell = re.search(rf'aria-label="{day.day} {day:%b} {day.year}\n([^"]+)"', web)
    assert cell is not None and cell.group(1).startswith("75.00%")


def test_a_categorys_own_page_shows_every_row_with_its_bars(https_client, fleet):
    html = get(https_client, f"/systems/{fleet['web'].pk}")
    assert all(f"Web {n}" in html for n in range(6)) and "Mail 0" not in html
    assert html.count('class="bars"') == 6
    assert "<h1" in html and ">Web</h1>" in html
    loose = get(https_client, "/systems/other")
    assert "Loose 0" in loose and "Web 0" not in loose


def test_a_category_not_on_the_page_or_a_made_up_one_is_not_found(https_client, fleet):
    assert https_client.get("/systems/999999").status_code == 404
    assert https_client.get("/systems/nothing").status_code == 404
    page = StatusPage.objects.create(title="Mail only", slug="mail")
    PageMonitor.objects.create(page=page, monitor=fleet["Mail 0"])
    assert https_client.get(f"/p/mail/systems/{fleet['web'].pk}").status_code == 404
    assert "Mail 0" in get(https_client, f"/p/mail/systems/{fleet['mail'].pk}")


def test_a_small_page_lists_every_monitor_as_before(https_client, fleet, settings):
    settings.PAGE_COLLAPSE_OVER = 100
    html = get(https_client, "/")
    assert all(f"Web {n}" in html for n in range(6)) and "/systems/" not in html


def test_an_incident_shows_in_the_category_row(https_client, fleet):
    incident = Incident.objects.create(name="Web slow", severity=Severity.DEGRADED, message="x")
    incident.monitors.add(fleet["Web 1"], fleet["Web 2"])
    web = group(get(https_client, "/"), fleet["web"])
    assert web.count("Incidents: Web slow") == 1  # once for the day, not once per monitor


def test_the_page_stays_small_whatever_the_number_of_monitors(https_client, fleet, make_monitor):
    before = len(gzip.compress(get(https_client, "/").encode()))
    web = fleet["web"]
    Monitor.objects.bulk_create(
        Monitor(name=f"More {n}", protocol="http", target="https://x.test/", category=web,
                status=Status.UP)
        for n in range(300)
    )  # fmt: skip
    from django.core.cache import cache

    cache.clear()
    after = len(gzip.compress(get(https_client, "/").encode()))
    assert after < before + 200, (before, after)  # the count changes, not the rows


def test_the_large_page_runs_a_fixed_number_of_queries(
    https_client, fleet, django_assert_num_queries, page_cache
):
    with django_assert_num_queries(10) as first:
        get(https_client, "/")
    Monitor.objects.bulk_create(
        Monitor(name=f"More {n}", protocol="http", target="https://x.test/",
                category=fleet["mail"], status=[Status.UP, Status.DOWN][n % 2])
        for n in range(40)
    )  # fmt: skip
    page_cache.clear()
    with django_assert_num_queries(len(first.captured_queries)):
        get(https_client, "/")


def test_the_collapsed_page_speaks_swedish(https_client, fleet):
    html = get(https_client, "/", HTTP_ACCEPT_LANGUAGE="sv")
    assert "Visa alla 6 system" in html
    assert "Alla system" in get(https_client, "/systems/other", HTTP_ACCEPT_LANGUAGE="sv")
