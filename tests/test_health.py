"""/health and /health/live: what a load balancer or an operator's monitoring
reads. Ready (200) while the database, the cache and the broker answer, beat
dispatches, every location in use has a live worker and checks start on
time; 503 naming what is wrong otherwise, and 200 again once it is fixed."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from monitors import heartbeats
from monitors.models import LocationResult

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
QUERIES = 5  # SELECT 1; beat's heartbeat; workers; locations in use; recent lateness


@pytest.fixture
def running_engine(make_monitor):
    """A monitor probed from USE and UK, beat and a worker for both heard from
    just now, and a check from each that started a second late."""
    monitor = make_monitor(name="Web", locations="USE,UK", frequency=60)
    heartbeats.dispatched(NOW - timedelta(seconds=1))
    heartbeats.worker_started("probes@a", ["UK", "USE"], NOW - timedelta(minutes=5))
    heartbeats.worker_alive("probes@a", ["UK", "USE"], NOW - timedelta(seconds=2))
    for location in ("USE", "UK"):
        checked(monitor, location, late=1.0)
    return monitor


def checked(monitor, location: str, late: float, ago: float = 10) -> None:
    at = NOW - timedelta(seconds=ago)
    slot = at - timedelta(seconds=late)
    LocationResult.objects.update_or_create(
        monitor=monitor, location=location,
        defaults={"slot": slot, "checked_at": at, "ok": True, "status": "up"},
    )  # fmt: skip


@pytest.fixture
def health(client, django_assert_num_queries):
    """GET /health at NOW in QUERIES queries: (status code, JSON)."""

    def get() -> tuple[int, dict]:
        with time_machine.travel(NOW, tick=False), django_assert_num_queries(QUERIES):
            response = client.get("/health")
        assert response["Content-Type"] == "application/json"
        assert "no-store" in response["Cache-Control"]
        return response.status_code, response.json()

    return get


def failing(body: dict) -> dict[str, str]:
    return {name: check["error"] for name, check in body["checks"].items() if "error" in check}


@pytest.mark.django_db
def test_a_running_engine_is_ready_and_says_what_it_checked(running_engine, health):
    status, body = health()
    assert status == 200, body
    assert body["status"] == "ok"
    assert list(body["checks"]) == ["database", "cache", "broker", "beat", "workers", "lateness"]
    assert all(check["status"] == "ok" for check in body["checks"].values())
    assert body["checks"]["beat"]["last_dispatch_age_seconds"] == 1.0
    (worker,) = body["checks"]["workers"]["workers"]
    assert worker == {
        "name": "probes@a", "locations": ["UK", "USE"], "last_heartbeat": "2026-03-02T11:59:58Z",
        "age_seconds": 2.0, "live": True,
    }  # fmt: skip
    assert body["checks"]["lateness"]["p99_seconds"] == {"UK": 1.0, "USE": 1.0}


def test_live_answers_without_touching_the_database(client):
    response = client.get("/health/live")  # no django_db mark: a query would raise
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


@pytest.mark.django_db
def test_beat_silent_for_a_minute_makes_it_unready_until_it_dispatches_again(
    running_engine, health
):
    heartbeats.Heartbeat.objects.filter(name=heartbeats.DISPATCH).update(
        seen_at=NOW - timedelta(seconds=61)
    )
    status, body = health()
    assert status == 503
    assert body["status"] == "unavailable"
    assert failing(body) == {"beat": "Unavailable: beat has not dispatched for 61 s"}
    heartbeats.dispatched(NOW)
    assert health()[0] == 200


@pytest.mark.django_db
def test_beat_that_never_dispatched_is_not_ready(make_monitor, health):
    assert failing(health()[1]) == {"beat": "Unavailable: beat has never dispatched"}


@pytest.mark.django_db
def test_a_location_whose_worker_went_silent_makes_it_unready_until_one_is_back(
    running_engine, health
):
    silent = NOW - heartbeats.WORKER_SILENT_AFTER - timedelta(seconds=1)
    heartbeats.worker_alive("probes@a", ["UK", "USE"], silent)
    heartbeats.worker_alive("probes@b", ["USE"], NOW)
    status, body = health()
    assert status == 503
    assert failing(body) == {"workers": "Unavailable: no live worker for UK"}
    assert body["checks"]["workers"]["locations_without_worker"] == ["UK"]
    # What waits for each location in use (the tests' broker: nothing yet).
    assert body["checks"]["workers"]["waiting"] == {"UK": 0, "USE": 0}
    assert [w["live"] for w in body["checks"]["workers"]["workers"]] == [False, True]
    heartbeats.worker_alive("probes@a", ["UK", "USE"], NOW)
    assert health()[0] == 200


@pytest.mark.django_db
def test_locations_no_active_monitor_uses_need_no_worker(running_engine, make_monitor, health):
    make_monitor(name="Paused", locations="AU", is_active=False)
    assert health()[0] == 200


@pytest.mark.django_db
def test_checks_starting_late_from_one_location_make_it_unready(running_engine, health, settings):
    settings.HEALTH_LATENESS_P99 = 30
    checked(running_engine, "UK", late=45)
    status, body = health()
    assert status == 503
    assert failing(body) == {"lateness": "Unavailable: checks start over 30 s late from UK"}
    assert body["checks"]["lateness"]["p99_seconds"] == {"UK": 45.0, "USE": 1.0}
    checked(running_engine, "UK", late=2)
    assert health()[0] == 200


@pytest.mark.django_db
def test_a_load_balancer_polling_by_address_over_plain_http_gets_an_answer(
    running_engine, client, settings
):
    settings.ALLOWED_HOSTS, settings.SECURE_SSL_REDIRECT = ["status.example.com"], True
    with time_machine.travel(NOW, tick=False):
        assert client.get("/health", HTTP_HOST="10.0.0.5:8000").status_code == 200
    assert client.get("/health/live", HTTP_HOST="10.0.0.5:8000").status_code == 200
    assert client.get("/", HTTP_HOST="10.0.0.5:8000").status_code == 400  # the rest is guarded
