"""A background task builds each day's 90-day bars, so that no visitor's
render has to read 90 days of rollups."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import pagecache
from statuspage.tasks import warm_page

pytestmark = pytest.mark.django_db


def reads_ninety_days(queries: CaptureQueriesContext) -> bool:
    return any(
        "monitors_dailyrollup" in q["sql"] and "monitor_id IN" not in q["sql"] for q in queries
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
