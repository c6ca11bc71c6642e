"""Scale out, shown: probe workers for three locations, each in a network
namespace of its own (its own loopback, reaching Redis and PostgreSQL over a
veth pair to the host namespace), one HTTP target per namespace on the same
127.0.0.1 port, so one monitor URL is a different server per location. The
main worker, beat and the web run in the host namespace on 127.0.0.1.

With one location's worker stopped (SIGSTOP), the other two locations'
quorum still decides (every monitor goes down when their targets fail, and
up again), the stopped location's backlog shows in ``manage.py
engine_status`` (messages waiting, every monitor overdue) and in ``/health``
(503, the location without a live worker), and the two running locations
stay on time, no slot missed. Resumed, the stopped worker drops its expired
backlog and checks again.

Redis and PostgreSQL are bound to the host ends of the veth pairs as well
as to 127.0.0.1 (no relay in between)."""

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import suppress
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import requests

from monitors.phase import grid_at_or_after
from tests.netns import (
    BoundPostgres,
    BoundRedis,
    Namespace,
    free_subnets,
    need_netns,
    read_hits,
)
from tests.product_processes import (  # noqa: F401
    CELERY,
    Product,
    Reader,
    collected_static_fixture,
    product_env,
    within,
)
from tests.services import ROOT
from tests.throwaway_servers import free_port

pytestmark = pytest.mark.slow

LOCATIONS = ("USE", "UK", "AU")
STOPPED = "AU"
RUNNING = tuple(code for code in LOCATIONS if code != STOPPED)
FREQUENCY = 10
MONITORS = 12
STEP = timedelta(seconds=FREQUENCY)
ON_TIME = 1.0  # seconds: the running locations' lateness p99 stays under this
DECIDED_SLACK = 5  # seconds past an interval for every monitor to turn (probe, record, poll)

CREATE_MONITORS = """
import json, sys
from datetime import timedelta
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from monitors.models import Monitor
from monitors.phase import grid_at_or_after

spec = json.load(sys.stdin)
now, step, ids = timezone.now(), timedelta(seconds=spec["frequency"]), []
for i, url in enumerate(spec["urls"]):
    with transaction.atomic():  # first checked on its grid (see tests/product_processes.py)
        monitor = Monitor.objects.create(
            name=f"Scale {i:03d}", protocol="http", target=url, frequency=spec["frequency"],
            retries=0, timeout=2, locations=spec["locations"],
        )
        first = grid_at_or_after(monitor.pk, step, now + timedelta(seconds=2))
        Monitor.objects.filter(pk=monitor.pk).update(
            next_check_at=first, claimed_at=F("updated_at")
        )
        ids.append(monitor.pk)
print(json.dumps(ids))
"""


@pytest.fixture(name="namespaces")
def namespaces_fixture():
    need_netns()
    spaces = {
        code: Namespace(f"sp{os.getpid()}{letter}", subnet)
        for code, letter, subnet in zip(LOCATIONS, "abc", free_subnets(len(LOCATIONS)), strict=True)
    }
    try:
        for space in spaces.values():
            space.create()
        yield spaces
    finally:
        for space in spaces.values():
            space.delete()


@pytest.fixture(name="servers")
def servers_fixture(tmp_path_factory, namespaces):
    """A Redis and a PostgreSQL of the test's own, in the host namespace,
    reachable at 127.0.0.1 and at each veth pair's host end."""
    hosts = [space.host_ip for space in namespaces.values()]
    clients = [str(space.subnet) for space in namespaces.values()]
    redis_server = BoundRedis(tmp_path_factory.mktemp("redis"), hosts)
    # Outside pytest's private temp tree: the postgres user must reach it.
    pg_dir = Path(tempfile.mkdtemp(prefix="statuspage-pg-"))
    postgres = BoundPostgres(pg_dir, hosts, clients)
    try:
        postgres.init()
        postgres.start()
        redis_server.start()
        yield redis_server, postgres
    finally:
        redis_server.stop()
        with suppress(RuntimeError):
            postgres.stop("immediate")
        subprocess.run(["rm", "-rf", str(pg_dir)], check=False)


@pytest.fixture(name="scaled")
def scaled_fixture(tmp_path, servers, collected_static):
    redis_server, postgres = servers
    env = product_env(
        tmp_path,
        DATABASE_URL=postgres.url,
        CELERY_BROKER_URL=redis_server.url_at("127.0.0.1", 0),
        CACHE_URL=redis_server.url_at("127.0.0.1", 1),
    )
    product = Product(tmp_path, env)
    product.install(collected_static)
    yield product
    product.stop()
    product.print_logs()  # shown when the test failed


def start_in(product: Product, name: str, space: Namespace, args: list[str], env: dict) -> None:
    """``python args`` inside ``space``, as one of the product's processes."""
    log = (product.folder / f"{name}.log").open("w")
    product.processes[name] = subprocess.Popen(
        space.command([sys.executable, *args]), cwd=ROOT, env=env, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


def engine_status(product: Product) -> tuple[dict[str, dict], str]:
    """``manage.py engine_status``'s rows by location (monitors, waiting,
    late p50/p99/max in seconds, overdue), and its whole output."""
    out = product.manage("engine_status")
    rows = {}
    for line in out.splitlines():
        words = line.split()
        if len(words) >= 6 and words[1] == f"probes.{words[0]}":
            spelled = re.findall(r"-|[\d.]+(?= s)", " ".join(words[4:-1]))
            late = [None if w == "-" else float(w) for w in spelled]
            rows[words[0]] = {
                "monitors": int(words[2]),
                "waiting": None if words[3] == "?" else int(words[3]),
                "p50": late[0], "p99": late[1], "max": late[2], "overdue": int(words[-1]),
            }  # fmt: skip
    return rows, out


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def test_three_locations_in_namespaces_one_worker_stopped(scaled, namespaces, servers, tmp_path):
    product, (redis_server, postgres) = scaled, servers
    db = Reader(product.env["DATABASE_URL"])
    port = free_port()  # the same in every namespace: each has its own loopback
    fail = {code: tmp_path / f"fail-{code}" for code in LOCATIONS}
    hits = {code: tmp_path / f"hits-{code}" for code in LOCATIONS}
    for code, space in namespaces.items():
        ready = tmp_path / f"ready-{code}"
        start_in(product, f"target-{code}", space,
                 ["-m", "tests.netns", "target", str(port), str(fail[code]), str(hits[code]),
                  str(ready)], product.env)  # fmt: skip
        env = product.env | {
            "DATABASE_URL": postgres.url_at(space.host_ip),
            "CELERY_BROKER_URL": redis_server.url_at(space.host_ip, 0),
            "CACHE_URL": redis_server.url_at(space.host_ip, 1),
        }
        start_in(product, f"probes-{code}", space,
                 [*CELERY, "worker", "-n", f"probes-{code}@%h", "--loglevel", "INFO",
                  "--pool", "threads", "--concurrency", "2", "--queues", f"probes.{code}"],
                 env)  # fmt: skip
        assert within(time.monotonic() + 20, ready.exists) is not None, f"{code}'s target"
    product.start_main_worker()
    product.start_beat()
    product.start_web()
    product.wait_for_dispatch()
    spec = {"urls": [f"http://127.0.0.1:{port}/m/{i}" for i in range(MONITORS)],
            "frequency": FREQUENCY, "locations": ",".join(LOCATIONS)}  # fmt: skip
    monitors = json.loads(product.shell(CREATE_MONITORS, stdin=json.dumps(spec)))

    def statuses() -> set[str]:
        return {status for (status,) in db.rows("SELECT status FROM monitors_monitor")}

    def votes(status: str) -> dict[str, int]:
        rows = db.rows("SELECT location, count(*) FROM monitors_locationresult "
                       "WHERE status = %s GROUP BY 1", [status])  # fmt: skip
        return dict(rows)

    # Monitor i's URL is /m/i (made in that order), the same path in every namespace.
    by_path = {f"/m/{i}": pk for i, pk in enumerate(monitors)}

    def checks_from(location: str, since: datetime, until: datetime | None = None):
        """When each monitor's checks from ``location`` reached the target there
        (after ``since``, up to ``until`` if given), oldest first."""
        found: dict[int, list[datetime]] = {}
        for at, _, path in read_hits(hits[location]):
            if path in by_path and at > since and (until is None or at <= until):
                found.setdefault(by_path[path], []).append(at)
        return found

    def checked_from(location: str, since: datetime) -> int:
        """Monitors checked from ``location`` after ``since``."""
        return len(checks_from(location, since))

    all_up = lambda: statuses() == {"up"} and votes("up") == dict.fromkeys(LOCATIONS, MONITORS)  # noqa: E731
    started = time.monotonic()
    assert within(started + 60, all_up) is not None, (statuses(), votes("up"))
    hit_counts = lambda: {code: len(path.read_text().splitlines()) for code, path in hits.items()}  # noqa: E731
    assert all(hit_counts().values()), hit_counts()  # each location probed its own namespace

    # One location's worker stopped; the two others' targets fail.
    worker = product.processes[f"probes-{STOPPED}"]
    os.killpg(worker.pid, signal.SIGSTOP)
    try:
        stopped_at, stopped_mono, hits_at_stop = db.now(), time.monotonic(), hit_counts()
        for code in RUNNING:
            fail[code].touch()
        down_took = within(time.monotonic() + 3 * FREQUENCY + 5, lambda: statuses() == {"down"})
        assert down_took is not None, ("not every monitor went down", statuses(), votes("down"))
        # Decided by the first checks after the failure, not an interval later.
        assert down_took < FREQUENCY + DECIDED_SLACK, f"down took {down_took:.1f} s"
        # The stopped location still votes up (its vote is fresh): outvoted.
        assert votes("up") == {STOPPED: MONITORS}
        for code in RUNNING:
            fail[code].unlink()
        up_took = within(time.monotonic() + 3 * FREQUENCY + 5, lambda: statuses() == {"up"})
        assert up_took is not None, ("not every monitor came back up", statuses(), votes("up"))
        assert up_took < FREQUENCY + DECIDED_SLACK, f"up took {up_took:.1f} s"

        # The backlog shows once the stopped location's monitors are overdue
        # (not checked from there for two intervals and 30 s).
        def backlog_shown() -> bool:
            rows, _ = engine_status(product)
            return rows[STOPPED]["overdue"] == MONITORS

        shown = within(stopped_mono + 2 * FREQUENCY + 30 + 30, backlog_shown, every=2)
        assert shown is not None, engine_status(product)[1]
        rows, status_text = engine_status(product)
        health = requests.get(product.url + "/health", timeout=10)
        stop_lasted = time.monotonic() - stopped_mono
        ended_at = db.now()
        hits_at_end = hit_counts()
    finally:
        os.killpg(worker.pid, signal.SIGCONT)
    print(status_text)
    print(json.dumps(health.json(), indent=1))

    # engine_status: the stopped location's messages waiting, its monitors
    # overdue; the running ones nothing waiting or overdue, on time; beat claims.
    assert rows[STOPPED]["waiting"] is not None and rows[STOPPED]["waiting"] >= 5, status_text
    for code in RUNNING:
        assert rows[code]["overdue"] == 0 and (rows[code]["waiting"] or 0) <= 2, status_text
        assert rows[code]["p99"] is not None and rows[code]["p99"] < ON_TIME, status_text
    assert "Not yet claimed although due over 10 s ago: 0 " in status_text
    assert "Overdue:" in status_text

    # /health: 503 for the location without a live worker, everything else ok.
    body = health.json()
    assert health.status_code == 503, body
    checks = body["checks"]
    assert checks["workers"]["status"] == "unavailable"
    assert checks["workers"]["locations_without_worker"] == [STOPPED]
    assert checks["workers"]["waiting"][STOPPED] >= 5, checks["workers"]  # its backlog
    live = {w["name"].split("@")[0]: w["live"] for w in checks["workers"]["workers"]}
    expected = {f"probes-{code}": code != STOPPED for code in LOCATIONS} | {"main": True}
    assert live == expected, live
    assert {name for name, check in checks.items() if check["status"] != "ok"} == {"workers"}
    assert all(checks["lateness"]["p99_seconds"][code] < ON_TIME for code in RUNNING)

    # The stopped location said nothing (no vote recorded); its target was not asked.
    said = db.rows("SELECT count(*) FROM monitors_locationresult "
                   "WHERE location = %s AND checked_at > %s", [STOPPED, stopped_at])  # fmt: skip
    assert said == [(0,)]
    assert checked_from(STOPPED, stopped_at) == 0
    assert hits_at_end[STOPPED] == hits_at_stop[STOPPED]

    # The running locations: every slot of the stop checked, on time.
    lateness: dict[str, list[float]] = {code: [] for code in RUNNING}
    missed: list[tuple] = []
    for code in RUNNING:
        by_monitor = checks_from(code, stopped_at, ended_at)
        for pk, times in by_monitor.items():
            for at in times:
                due = grid_at_or_after(pk, STEP, at - STEP / 2)
                lateness[code].append((at - due).total_seconds())
        for pk in monitors:
            slot = grid_at_or_after(pk, STEP, stopped_at + timedelta(seconds=1))
            while slot < ended_at - timedelta(seconds=3):
                near = [at for at in by_monitor.get(pk, []) if abs((at - slot).total_seconds()) < 2]
                if not near:
                    missed.append((code, pk, slot))
                slot += STEP
    figures = {code: round(p99(values), 3) for code, values in lateness.items()}
    assert missed == [], f"slots not checked during the stop: {missed}"
    assert all(value < ON_TIME for value in figures.values()), figures

    # Resumed, the stopped worker drops its expired backlog and checks again.
    resumed_at, resumed_mono = db.now(), time.monotonic()

    def caught_up() -> bool:
        checked = checked_from(STOPPED, resumed_at) == MONITORS
        return checked and engine_status(product)[0][STOPPED]["waiting"] == 0

    back_took = within(resumed_mono + 3 * FREQUENCY + 10, caught_up, every=1)
    assert back_took is not None, engine_status(product)[1]
    assert "expired in the queue and was dropped" in product.log(f"probes-{STOPPED}")
    assert statuses() == {"up"}
    product.assert_alive()
    counts = {code: len(values) for code, values in lateness.items()}
    print(
        f"{STOPPED} stopped for {stop_lasted:.0f} s: {rows[STOPPED]['waiting']} messages waiting, "
        f"{rows[STOPPED]['overdue']} of {MONITORS} monitors overdue; every monitor down "
        f"{down_took:.1f} s after the targets failed, up {up_took:.1f} s after they answered; "
        f"lateness p99 during the stop {figures} s over {counts} checks, no slot missed; "
        f"{STOPPED} resumed and caught up in {back_took:.1f} s; "
        f"total {time.monotonic() - started:.0f} s after the monitors were made"
    )
