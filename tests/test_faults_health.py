"""/health on the running product (gunicorn, the main worker, a probe worker
for two locations, beat) on a PostgreSQL and a Redis of its own: ready once
the engine runs, with each worker's heartbeat recording the probe locations
it consumes; 503 naming the database while PostgreSQL is stopped, naming the
broker and the cache while Redis is stopped, and 200 again once each is back."""

import socket
import time

import pytest
import requests

from tests.product_processes import (  # noqa: F401
    CELERY,
    Reader,
    collected_static_fixture,
    product_fixture,
    within,
)

pytestmark = [pytest.mark.slow, pytest.mark.background]


def health(base: str) -> tuple[int, dict]:
    try:
        response = requests.get(base + "/health", timeout=15)
    except requests.RequestException as error:
        return 0, {"error": repr(error)}
    return response.status_code, response.json()


def failing(body: dict) -> set[str]:
    return {name for name, check in body.get("checks", {}).items() if check["status"] != "ok"}


def becomes(base: str, status: int, timeout: float) -> dict:
    """/health's body once it answers ``status``."""
    seen: list[tuple[int, dict]] = []

    def answered() -> bool:
        seen.append(health(base))
        return seen[-1][0] == status

    assert within(time.monotonic() + timeout, answered, every=1) is not None, seen[-1]
    return seen[-1][1]


def test_health_follows_the_database_and_redis_down_and_back(
    product, throwaway_postgres, throwaway_redis
):
    base = product.start_web()
    product.start_main_worker()
    product._start("probes", [*CELERY, "worker", "-n", "probes@%h", "--loglevel", "INFO",
                              "--pool", "threads", "--queues", "probes.UK,probes.USE"])  # fmt: skip
    product.start_beat()
    becomes(base, 200, timeout=120)

    # The heartbeat bootstep (statuspage/worker.py) of each real worker.
    db = Reader(product.env["DATABASE_URL"])
    host = socket.gethostname()
    workers = dict(db.rows("SELECT name, locations FROM monitors_heartbeat WHERE kind = 'worker'"))
    assert workers == {f"main@{host}": "", f"probes@{host}": "UK,USE"}

    throwaway_postgres.stop()
    started = time.monotonic()
    status, body = health(base)
    assert (status, failing(body)) == (503, {"database", "beat", "workers", "lateness"})
    assert time.monotonic() - started < 10, "an unreachable database must not hang /health"
    assert body["checks"]["beat"]["error"].endswith("not checked, the database is unreachable")
    throwaway_postgres.start()
    becomes(base, 200, timeout=60)

    throwaway_redis.stop()
    body = becomes(base, 503, timeout=20)
    assert {"broker", "cache"} <= failing(body)
    throwaway_redis.start()
    becomes(base, 200, timeout=90)
    product.assert_alive()
