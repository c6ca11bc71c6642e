"""Redis stopped while the product runs (gunicorn, workers, beat on a
PostgreSQL and a Redis of their own): the page, the admin and both APIs keep
answering from the database, and once Redis is back probing resumes by
itself, with no process restarted. REDIS_OUTAGE_SECONDS sets how long Redis
stays down (a minute by default)."""

import os
import time

import pytest
import requests

from tests.product_processes import (  # noqa: F401
    CountingTarget,
    Reader,
    answers,
    collected_static_fixture,
    product_fixture,
    within,
)

pytestmark = pytest.mark.slow

OUTAGE_SECONDS = float(os.environ.get("REDIS_OUTAGE_SECONDS", "60"))
FREQUENCY = 5
V1_MONITOR = {
    "Name": "Through v1", "Protocol": "h", "TestURL": "", "PingLocations": "USE",
    "CheckFrequency": "30s", "Active": True, "ResendFrequency": "n", "AllowRedirects": True,
    "ExpectedStatusCodes": "",
}  # fmt: skip


def test_redis_down_for_a_minute_the_site_answers_and_probing_resumes_by_itself(
    product, throwaway_redis
):
    target = CountingTarget()
    monitors = product.create_monitors(target.urls(20), FREQUENCY)
    key = product.api_key()
    product.start_all()
    db = Reader(product.env["DATABASE_URL"])
    everyone_checked = lambda since=None: set(db.checks(since)) >= set(monitors)  # noqa: E731
    assert within(time.monotonic() + 30, everyone_checked) is not None, "the engine never started"
    headers = {"X-API-Key": key}
    created = requests.post(
        product.url + "/v1/monitors", json={**V1_MONITOR, "TestURL": target.urls(1)[0]},
        headers=headers, timeout=10,
    )  # fmt: skip
    assert created.status_code == 201, created.text
    surfaces = ["/", "/admin/login/", f"/api.php?key={key}&action=status",
                f"/v1/monitors/{created.json()['Id']}", "/v1/incidents/active"]  # fmt: skip
    assert set(answers(product.url, surfaces, headers).values()) == {200}
    pids = product.pids()

    throwaway_redis.stop()
    down_since, refused = time.monotonic(), []
    while time.monotonic() - down_since < OUTAGE_SECONDS:
        started = time.monotonic()
        got = answers(product.url, surfaces, headers)
        refused += [(round(started - down_since), path, code) for path, code in got.items()
                    if code != 200]  # fmt: skip
        product.assert_alive()
        time.sleep(max(0.0, 1 - (time.monotonic() - started)))
    assert refused == [], "answers other than 200 while Redis was down"

    back_at = db.now()
    throwaway_redis.start()
    came_back = time.monotonic()
    first = within(came_back + 60, lambda: bool(db.checks(back_at)))
    every = within(came_back + 60, lambda: everyone_checked(back_at))
    print(f"after Redis came back: first check in {first} s, every monitor in {every} s")
    assert first is not None and first < 5, "probing did not resume within a few seconds"
    assert every is not None and every < 5 + FREQUENCY
    product.assert_alive()
    assert product.pids() == pids
    assert set(answers(product.url, surfaces, headers).values()) == {200}
