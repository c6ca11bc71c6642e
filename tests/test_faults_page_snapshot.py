"""PostgreSQL stopped under a running web server: the public page (in each
language), its v2 JSON, the feeds and the badges answer 200 from their last
good copies, marked with Age and Warning headers and, on the page, a visible
"as of" notice, instead of a 500, and /metrics still answers (database_up 0);
once PostgreSQL is back they are live again."""

import time

import pytest
import redis
import requests

from tests.product_processes import (  # noqa: F401
    answers,
    collected_static_fixture,
    product_fixture,
    within,
)

pytestmark = pytest.mark.slow

MAKE = """
from monitors.models import Category, Monitor
from incidents.models import Incident
web = Category.objects.create(name="Hosting")
m = Monitor.objects.create(name="Snapshot web", target="http://127.0.0.1:9/", category=web)
Incident.objects.create(name="Snapshot trouble", severity="degraded", message="Looking into it")
print(m.pk, web.pk)
"""


def get(url: str, **headers: str) -> requests.Response:
    return requests.get(url, headers=headers, timeout=15)


def test_with_postgresql_stopped_the_page_json_feeds_and_badges_answer_from_their_snapshots(
    product, throwaway_postgres
):
    monitor, category = product.shell(MAKE).split()
    product.env["METRICS_TOKEN"] = "snapshot-test"
    product.start_web()
    surfaces = [
        "/api/v2/summary.json", "/api/v2/status.json", "/api/v2/components.json",
        "/api/v2/incidents.json", "/api/v2/scheduled-maintenances.json", "/feed.atom",
        "/feed.rss", f"/badge/monitor/{monitor}.svg", f"/badge/monitor/{monitor}.svg?show=uptime",
        f"/badge/category/{category}.svg",
    ]  # fmt: skip
    live = {path: get(product.url + path) for path in surfaces}
    assert {path: r.status_code for path, r in live.items()} == dict.fromkeys(surfaces, 200)
    english = get(product.url + "/", **{"Accept-Language": "en"})
    swedish = get(product.url + "/", **{"Accept-Language": "sv"})
    assert "Snapshot web" in english.text and "Snapshot trouble" in english.text
    assert 'lang="sv"' in swedish.text

    throwaway_postgres.stop()
    # The page cache (Redis) keeps renders for 30 s; dropping it makes every
    # URL go to the database, as it does once its entries expire.
    redis.Redis.from_url(product.env["CACHE_URL"]).flushdb()
    time.sleep(1.5)  # so that the copies are visibly older than the outage

    for path in surfaces:
        kept = get(product.url + path)
        assert kept.status_code == 200, (path, kept.status_code, kept.text[:300])
        assert kept.content == live[path].content, path
        assert kept.headers["Warning"] == '110 - "Response is Stale"', path
        assert int(kept.headers["Age"]) >= 1, path
        assert kept.headers["Content-Type"] == live[path].headers["Content-Type"], path
    assert get(product.url + "/api/v2/summary.json").headers["Access-Control-Allow-Origin"] == "*"
    page = get(product.url + "/", **{"Accept-Language": "en"})
    assert page.status_code == 200 and "Warning" in page.headers and "Age" in page.headers
    assert "the live status cannot be read right now" in page.text
    assert "Snapshot web" in page.text and "Snapshot trouble" in page.text
    sv = get(product.url + "/", **{"Accept-Language": "sv"})
    assert sv.status_code == 200 and "den aktuella statusen kan inte läsas just nu" in sv.text
    assert 'name="csrfmiddlewaretoken"' in page.text  # the shell is rendered per visitor
    assert get(product.url + "/history").status_code == 500  # no copy kept: not pretended
    scraped = get(product.url + "/metrics", Authorization="Bearer snapshot-test")
    assert scraped.status_code == 200  # the metrics say what they cannot read
    assert "statuspage_database_up 0.0" in scraped.text
    assert "statuspage_broker_up 1.0" in scraped.text

    throwaway_postgres.start()
    back = within(
        time.monotonic() + 30, lambda: "Warning" not in get(product.url + "/").headers, every=1
    )
    print(f"the live page was back {back} s after PostgreSQL")
    assert back is not None, "the live page did not come back"
    assert "the live status cannot be read right now" not in get(product.url + "/").text
    assert set(answers(product.url, surfaces).values()) == {200}
    product.assert_alive()
