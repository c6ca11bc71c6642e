"""A background task builds each day's 90-day bars, so that no visitor's
render has to read 90 days of rollups."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import pagecache
from statuspage.page.bars import DAYS
from statuspage.tasks import warm_page

pytestmark = pytest.mark.django_db


def reads_ninety_days(queries: CaptureQueriesContext) -> bool:
    """Whether a rollup query reached back to the first of the 90 days (of
    any page's time zone: a day either side of this one's)."""
    first = timezone.localdate() - timedelta(days=DAYS)
    firsts = [(first + timedelta(days=d)).isoformat() for d in (-1, 0, 1)]
    return any(
        "monitors_dailyrollup" in q["sql"] and any(day in q["sql"] for day in firsts)
        for q in queries
    )


@pytest.mark.parametrize("language", ["en", "sv"])
def test_after_warming_no_render_reads_ninety_days_of_rollups(client, make_monitor, language):
    make_monitor(name="Web")
    cache.clear()
    warm_page()
    pagecache.invalidate()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/", HTTP_ACCEPT_LANGUAGE=language).status_code == 200
    assert not reads_ninety_days(queries)


def test_without_warming_the_first_render_reads_them(client, make_monitor):
    make_monitor(name="Web")
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert reads_ninety_days(queries)


def test_warming_covers_every_page_in_its_time_zone(client, make_monitor, settings):
    from pages.models import PageMonitor, StatusPage

    settings.ALLOWED_HOSTS = ["shop.example.test", "testserver"]
    monitor = make_monitor(name="Shop")
    page = StatusPage.objects.create(
        title="Shop", slug="shop", domain="shop.example.test", time_zone="Pacific/Auckland"
    )
    PageMonitor.objects.create(page=page, monitor=monitor)
    cache.clear()
    warm_page()
    pagecache.invalidate()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/", HTTP_HOST="shop.example.test").status_code == 200
    assert not reads_ninety_days(queries)


def test_warming_covers_a_large_pages_category_rows_and_category_pages(
    client, make_monitor, category, settings
):
    settings.PAGE_COLLAPSE_OVER = 2
    for n in range(3):
        make_monitor(name=f"Web {n}", category=category)
    make_monitor(name="Loose")
    cache.clear()
    warm_page()
    pagecache.invalidate()
    for path in ("/", f"/systems/{category.pk}", "/systems/other"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        assert not reads_ninety_days(queries), path
