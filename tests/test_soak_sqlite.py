"""The embedded default under steady load: ``bin/run-all`` (gunicorn, the
main worker, the probe worker and beat, on SQLite and the file-system broker)
while clients write through v1 (monitors and incidents created, updated and
deleted, ~8 writes a second) and read the page and api.php, and the probe
worker records 50 monitors every 5 s. For SOAK_SECONDS (ten minutes by
default; `make test` runs it beside the rest of the suite): no "database is
locked" anywhere, every answer what the contract says, every check recorded
once."""

import os
import re
import threading
import time
from datetime import UTC, datetime
from itertools import count

import pytest
import requests

from tests.product_processes import (  # noqa: F401
    ON_THE_WAY,
    CountingTarget,
    Product,
    Reader,
    collected_static_fixture,
    counted_more_than_probed,
    product_env,
    too_close,
    within,
)

pytestmark = [pytest.mark.slow, pytest.mark.soak]

SOAK_SECONDS = float(os.environ.get("SOAK_SECONDS", "600"))
FREQUENCY = 5
WRITERS, WRITES_PER_SECOND = 2, 4  # each
READS_PER_SECOND = 3
KEYS = 4  # the load spread over a few keys stays under each key's rate limit


class Load:
    """Clients of the product, each in a thread, keeping every answer that was
    not the one expected."""

    def __init__(self, base: str, keys: list[str], target_url: str) -> None:
        self.base, self.keys, self.target_url = base, keys, target_url
        self.wrong: list[tuple] = []
        self.done = count()
        self.stopping = threading.Event()

    def call(self, session: requests.Session, method: str, path: str, expected: int, **kwargs):
        try:
            response = session.request(method, self.base + path, timeout=30, **kwargs)
        except requests.RequestException as error:
            self.wrong.append((method, path, repr(error)))
            return None
        next(self.done)
        if response.status_code != expected:
            self.wrong.append((method, path, response.status_code, response.text[:300]))
            return None
        return response.json() if "json" in response.headers.get("Content-Type", "") else None

    def paced(self, every: float, steps) -> None:
        for step in steps:
            started = time.monotonic()
            step()
            if self.stopping.wait(max(0.0, every - (time.monotonic() - started))):
                return

    def writer(self, number: int) -> None:
        session = requests.Session()
        session.headers["X-API-Key"] = self.keys[number % len(self.keys)]
        monitor = {
            "Name": f"Soak {number}", "Protocol": "h", "TestURL": f"{self.target_url}/v1/{number}",
            "PingLocations": "USE", "CheckFrequency": "30s", "Active": True,
            "ResendFrequency": "n", "AllowRedirects": True, "ExpectedStatusCodes": "",
        }  # fmt: skip
        incident = {
            "Name": f"Soak {number}", "Severity": "d", "CurrentStatus": "iv",
            "Message": "Investigating", "Monitors": "",
            "ApplyToStatusPagesOfAffectedMonitors": False,
        }  # fmt: skip
        made: dict[str, int] = {}

        def create(kind: str, body: dict) -> None:
            answer = self.call(session, "POST", f"/v1/{kind}", 201, json=body)
            made[kind] = answer["Id"] if answer else 0

        def then(method: str, kind: str, expected: int, body: dict | None = None):
            return lambda: (
                made[kind]
                and self.call(session, method, f"/v1/{kind}/{made[kind]}", expected, json=body)
            )

        cycle = [
            lambda: create("monitors", monitor),
            then("PUT", "monitors", 200, {**monitor, "Name": f"Soak {number} renamed"}),
            lambda: create("incidents", incident),
            then("PUT", "incidents", 200, {**incident, "CurrentStatus": "r", "Message": "Fixed"}),
            then("DELETE", "incidents", 200),
            then("DELETE", "monitors", 200),
        ]
        self.paced(1 / WRITES_PER_SECOND, (step for _ in iter(int, 1) for step in cycle))

    def reader(self) -> None:
        session, key = requests.Session(), self.keys[0]
        paths = ["/", f"/api.php?key={key}&action=status", "/v1/incidents/active", "/admin/login/"]
        headers = {"X-API-Key": key}
        self.paced(
            1 / READS_PER_SECOND,
            (lambda path=path: self.call(session, "GET", path, 200, headers=headers)
             for _ in iter(int, 1) for path in paths),
        )  # fmt: skip


def test_web_and_worker_writing_sqlite_at_once_for_ten_minutes_never_lock(
    tmp_path, collected_static
):
    target = CountingTarget()
    product = Product(tmp_path, product_env(tmp_path, DJANGO_SETTINGS_MODULE="statuspage.settings"))
    try:
        product.install(collected_static)
        monitors = product.create_monitors(target.urls(50), FREQUENCY)
        keys = [product.api_key() for _ in range(KEYS)]
        product.start_run_all()
        db = Reader(f"sqlite:///{tmp_path / 'db.sqlite3'}")
        checked = lambda: set(target.checks(monitors)) >= set(monitors)  # noqa: E731
        assert within(time.monotonic() + 60, checked) is not None
        load = Load(product.url, keys, target.urls(1)[0].rsplit("/m/", 1)[0])
        threads = [threading.Thread(target=load.writer, args=(n,)) for n in range(WRITERS)]
        threads.append(threading.Thread(target=load.reader))
        # From here on: monitors created before the product started were
        # caught up on at once, a check late and the next on time.
        warm, since = datetime.now(UTC), target.checks(monitors)
        started = time.monotonic()
        for thread in threads:
            thread.start()
        while time.monotonic() - started < SOAK_SECONDS and not load.wrong:
            product.assert_alive()
            time.sleep(1)
        load.stopping.set()
        for thread in threads:
            thread.join(60)
        answered = next(load.done)
        product.assert_alive()
    finally:
        product.stop()
    log = product.log("run-all")
    assert "database is locked" not in log
    assert load.wrong == [], f"{len(load.wrong)} wrong answers of {answered}"
    assert answered >= SOAK_SECONDS * (WRITERS * WRITES_PER_SECOND + READS_PER_SECOND) * 0.8
    failed = re.findall(r"^.*(?:ERROR|CRITICAL|Traceback).*$", log, re.M)
    assert failed == [], "errors in the product's logs"
    checks = target.checks(monitors)
    expected = SOAK_SECONDS / FREQUENCY
    behind = {pk: len(checks[pk]) - len(since.get(pk, [])) for pk in monitors}
    assert min(behind.values()) >= expected * 0.9, "the probe worker fell behind"
    steady = {pk: [at for at in checks[pk] if at > warm] for pk in monitors}
    assert too_close(steady, FREQUENCY / 2 - ON_THE_WAY) == {}
    assert counted_more_than_probed(db, target, monitors) == {}
    print(f"{answered} answers in {SOAK_SECONDS:.0f} s; {sum(map(len, checks.values()))} checks")
