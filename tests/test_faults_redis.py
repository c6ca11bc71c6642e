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
    batches_in_hand,
    collected_static_fixture,
    product_fixture,
    within,
)

pytestmark = pytest.mark.slow

OUTAGE_SECONDS = float(os.environ.get("REDIS_OUTAGE_SECONDS", "60"))
FREQUENCY = 5
RESUMED_WITHIN = 6  # seconds: two ticks, a reconnection, a probe and some slack
V1_MONITOR = {
    "Name": "Through v1", "Protocol": "h", "TestURL": "", "PingLocations": "USE",
    "CheckFrequency": "30s", "Active": True, "ResendFrequency": "n", "AllowRedirects": True,
    "ExpectedStatusCodes": "",
}  # fmt: skip


def test_redis_down_for_a_minute_the_site_answers_and_probing_resumes_by_itself(
    product, throwaway_redis
):
    target = CountingTarget(delay=1)  # batches in hand whenever Redis goes
    monitors = product.create_monitors(target.urls(20), FREQUENCY)
    key = product.api_key()
    product.start_all()
    db = Reader(product.env["DATABASE_URL"])

    def everyone_checked(since=None) -> bool:  # the target asked for every monitor's URL
        return set(target.checks(monitors, since)) >= set(monitors)

    assert within(time.monotonic() + 30, everyone_checked) is not None, "the engine never started"
    headers = {"X-API-Key": key}
    # A path of its own: the checks of monitors[0] are the requests for /m/0.
    v1_url = target.urls(1)[0].replace("/m/0", "/v1")
    created = requests.post(
        product.url + "/v1/monitors", json={**V1_MONITOR, "TestURL": v1_url},
        headers=headers, timeout=10,
    )  # fmt: skip
    assert created.status_code == 201, created.text
    surfaces = ["/", "/admin/login/", f"/api.php?key={key}&action=status",
                f"/v1/monitors/{created.json()['Id']}", "/v1/incidents/active"]  # fmt: skip
    assert set(answers(product.url, surfaces, headers).values()) == {200}
    pids = product.pids()

    in_hand = lambda: bool(batches_in_hand(product.log("probes")))  # noqa: E731
    assert within(time.monotonic() + 10, in_hand, every=0.05) is not None
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
    first = within(came_back + 60, lambda: bool(target.checks(monitors, back_at)))
    every = within(came_back + 60, lambda: everyone_checked(back_at))
    every = every and time.monotonic() - came_back
    print(f"after Redis came back: a check in {first} s, every monitor's in {every} s")
    # Each worker reconnects within a second, then a tick (dispatch) and a probe.
    assert first is not None and first < RESUMED_WITHIN, "probing did not resume by itself"
    assert every is not None and every < RESUMED_WITHIN + 2
    product.assert_alive()
    assert product.pids() == pids
    assert set(answers(product.url, surfaces, headers).values()) == {200}
