"""The product as real processes, for the integration and fault tests: the
web server, Celery workers and beat started as ``bin/run-all`` starts them,
each a subprocess with its own log, on the environment a test gives them;
and a local HTTP target that counts its hits per path and keeps when each
arrived: the times of the checks, as seen from outside the product (which
keeps only failed checks, and counts the others)."""

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import closing, contextmanager, suppress
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psycopg
import pytest
import requests

from core.locations import PROBE_QUEUES
from monitors.phase import grid_at_or_after
from tests.services import POSTGRES_URL, ROOT
from tests.throwaway_servers import free_port, wait_for_port

CELERY = ["-m", "celery", "-A", "statuspage"]
# bin/run-all's: no API key whole in the access log.
GUNICORN_LOGGER = "statuspage.logredact.RedactingGunicornLogger"
MICROSECOND = timedelta(microseconds=1)
# Variables of the developer's shell that would change what the product runs on.
UNSET = {"DEBUG", "CACHE_URL", "DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE",
         "PROMETHEUS_MULTIPROC_DIR"}  # fmt: skip


@contextmanager
def scratch_database():
    """A fresh database on the machine's PostgreSQL, dropped afterwards; yields its URL."""
    name = f"test_engine_it_{os.getpid()}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, *args], cwd=ROOT, env=env, stdout=log.open("w"),
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def wait_for(read, expected: object, processes: list[subprocess.Popen], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if read() == expected:
            return
        for process in processes:
            assert process.poll() is None, f"{process.args[1:4]} exited"
        time.sleep(0.2)
    raise AssertionError(f"still {read()!r} after {timeout} s, expected {expected!r}")


def product_env(var_dir: Path, **settings: str) -> dict[str, str]:
    """Production settings (DEBUG off, a secret, plain HTTP on 127.0.0.1),
    a dispatch tick of one second, and ``settings`` on top."""
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    return env | {
        "DJANGO_SETTINGS_MODULE": "tests.fault_settings",
        "SECRET_KEY": "fault-tests-not-secret",
        "DEBUG": "false",
        "HTTPS_ONLY": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "VAR_DIR": str(var_dir),
        "PROBE_DISPATCH_INTERVAL": "1",
        "LOG_LEVEL": "INFO",
        "ENGINE_KEY_PREFIX": "faults:",
        **settings,
    }


class Product:
    """The product's processes on one environment, by name ("web", "main",
    "probes", "beat", ...), each logging to ``<folder>/<name>.log``."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder, self.env = folder, env
        self.processes: dict[str, subprocess.Popen] = {}
        self.url = ""

    def manage(self, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, input=stdin,
            capture_output=True, text=True, timeout=180,
        )  # fmt: skip
        assert done.returncode == 0, f"manage.py {args[0]} failed:\n{done.stdout}{done.stderr}"
        return done.stdout

    def install(self, static: Path | None = None) -> None:
        """Migrate, and serve the static files collected in ``static`` (or collect them)."""
        self.manage("migrate", "-v0", "--noinput")
        if static:
            (Path(self.env["VAR_DIR"]) / "static").symlink_to(static, target_is_directory=True)
        else:
            self.manage("collectstatic", "--noinput", "-v0")

    def shell(self, code: str, stdin: str | None = None) -> str:
        """What ``code`` prints, run by ``manage.py shell``."""
        return self.manage("shell", "-v0", "-c", code, stdin=stdin).strip()

    def api_key(self) -> str:
        return self.manage("createapikey", "fault tests").split()[-1]

    def create_monitors(self, urls: list[str], frequency: int, spread: bool = True) -> list[int]:
        """HTTP monitors, one per URL, retries 0; ``spread`` puts each first
        check on the monitor's own grid (its ids spread them evenly over the
        interval) instead of all at once, so a test starts in steady state."""
        spec = json.dumps({"urls": urls, "frequency": frequency, "spread": spread})
        return json.loads(self.shell(CREATE_MONITORS, stdin=spec))

    def _start(self, name: str, args: list[str]) -> subprocess.Popen:
        self.processes[name] = start(args, self.env, self.folder / f"{name}.log")
        return self.processes[name]

    def start_web(self) -> str:
        port = free_port()
        self._start("web", ["-m", "gunicorn", "statuspage.wsgi", "--bind", f"127.0.0.1:{port}",
                            "--workers", "2", "--threads", "4", "--access-logfile", "-",
                            "--graceful-timeout", "5",
                            "--logger-class", GUNICORN_LOGGER])  # fmt: skip
        wait_for_port(port, timeout=30)
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    def start_main_worker(self, name: str = "main") -> subprocess.Popen:
        """The worker for every queue but the probes' (dispatch, alerts, housekeeping)."""
        probes = ",".join(PROBE_QUEUES)
        return self._start(name, [*CELERY, "worker", "-n", f"{name}@%h", "--loglevel", "INFO",
                                  "--pool", "threads", "--concurrency", "4",
                                  "--exclude-queues", probes])  # fmt: skip

    def start_probe_worker(self, name: str = "probes", threads: int = 8) -> subprocess.Popen:
        return self._start(name, [*CELERY, "worker", "-n", f"{name}@%h", "--loglevel", "INFO",
                                  "--pool", "threads", "--concurrency", str(threads),
                                  "--queues", ",".join(PROBE_QUEUES)])  # fmt: skip

    def start_beat(self, name: str = "beat") -> subprocess.Popen:
        schedule = str(self.folder / f"{name}-schedule")
        return self._start(name, [*CELERY, "beat", "--loglevel", "INFO", "-s", schedule])

    def start_all(self) -> None:
        """What ``bin/run-all`` starts: web, main worker, probe worker, beat."""
        self.start_web()
        self.start_main_worker()
        self.start_probe_worker()
        self.start_beat()

    def start_run_all(self) -> str:
        """Everything at once as ``make run`` starts it (``bin/run-all``: web,
        main worker, probe worker, beat), logging to run-all.log."""
        port = free_port()
        self.processes["run-all"] = subprocess.Popen(
            [str(ROOT / "bin" / "run-all")], cwd=ROOT, env=self.env | {"PORT": str(port)},
            stdout=(self.folder / "run-all.log").open("w"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        wait_for_port(port, timeout=60)
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    def wait_for_dispatch(self, worker: str = "main", timeout: float = 60) -> None:
        """Until the engine runs (beat's dispatch done by ``worker``): monitors
        made from then on are not overdue when first claimed, so they are not
        caught up on (a late check, then the next one on time)."""
        done = lambda: "monitors.tasks.dispatch[" in self.log(worker).split("ready.", 1)[-1]  # noqa: E731
        assert within(time.monotonic() + timeout, done) is not None, "the engine never dispatched"

    def pids(self) -> dict[str, int]:
        return {name: process.pid for name, process in self.processes.items()}

    def assert_alive(self) -> None:
        dead = {name: p.returncode for name, p in self.processes.items() if p.poll() is not None}
        assert not dead, f"exited: {dead}"

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def print_logs(self, tail: int = 6000) -> None:
        for name in self.processes:
            print(f"--- {name}.log\n{self.log(name)[-tail:]}")

    def stop(self) -> None:
        for process in self.processes.values():
            stop(process)
            with suppress(ProcessLookupError):  # whatever it started, in its own group
                os.killpg(process.pid, signal.SIGKILL)


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
    # One transaction: a dispatch must not claim the new monitor (due at once)
    # before its first check is moved onto its grid, or it is checked twice.
    with transaction.atomic():
        monitor = Monitor.objects.create(
            name=f"Fault {i:03d}", protocol="http", target=url, frequency=spec["frequency"],
            retries=0, timeout=5,
        )
        ids.append(monitor.pk)
        if spec["spread"]:
            # Off its grid, a first check would be followed by the grid's
            # first slot up to one and a half intervals later.
            first = grid_at_or_after(monitor.pk, step, now + timedelta(seconds=2))
            Monitor.objects.filter(pk=monitor.pk).update(
                next_check_at=first, claimed_at=F("updated_at")
            )
print(json.dumps(ids))
"""


class TargetServer(ThreadingHTTPServer):
    """A thread per request, and a listen backlog for a batch's probes
    connecting at once: with socketserver's 5, the connections beyond it
    wait for their SYN to be sent again, a second later, and the target
    would see those checks a second late."""

    daemon_threads = True
    request_queue_size = 128


class CountingTarget:
    """A local HTTP server: every path answers 200 after ``delay`` seconds;
    ``hits`` counts the requests per path and ``arrivals`` keeps when each
    arrived (aware UTC datetimes, oldest first): each check's time as a
    harness outside the product sees it."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay, self.hits, self.lock = delay, Counter(), threading.Lock()
        self.arrivals: dict[str, list[datetime]] = {}
        target = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with target.lock:
                    target.hits[self.path] += 1
                    target.arrivals.setdefault(self.path, []).append(datetime.now(UTC))
                time.sleep(target.delay)
                try:
                    self.send_response(200)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except ConnectionError:  # a probe cut off (its worker killed)
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = TargetServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def urls(self, count: int) -> list[str]:
        port = self.server.server_address[1]
        return [f"http://127.0.0.1:{port}/m/{i}" for i in range(count)]

    def checks(
        self, monitors: list[int], since: datetime | None = None
    ) -> dict[int, list[datetime]]:
        """When each monitor's probes arrived (oldest first), those after
        ``since`` if given; ``monitors[i]`` is the monitor of ``urls()[i]``
        (``Product.create_monitors`` returns the ids in the order of its
        URLs). Monitors whose URL got no such request are left out."""
        with self.lock:
            found = {pk: list(self.arrivals.get(f"/m/{i}", [])) for i, pk in enumerate(monitors)}
        if since is not None:
            found = {pk: [at for at in times if at > since] for pk, times in found.items()}
        return {pk: times for pk, times in found.items() if times}

    def probed(self, monitors: list[int]) -> dict[int, int]:
        """How many requests each monitor's URL received."""
        with self.lock:
            return {pk: self.hits[f"/m/{i}"] for i, pk in enumerate(monitors)}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Reader:
    """Reads the product's database from the test (PostgreSQL, or the embedded
    default's SQLite file), a connection per question, so it survives the
    server's restarts."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.sqlite = url.startswith("sqlite:///")

    def rows(self, sql: str, params: list | tuple = ()) -> list[tuple]:
        if self.sqlite:
            with closing(sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=30)) as db:
                return db.execute(sql.replace("%s", "?"), params).fetchall()
        with psycopg.connect(self.url, autocommit=True, connect_timeout=5) as db:
            return db.execute(sql, params).fetchall()

    def last_checks(self) -> dict[int, datetime | None]:
        """Each monitor's latest recorded check (``monitors_monitor.last_check``:
        when it started), None before the first."""
        found = {}
        for pk, at in self.rows("SELECT id, last_check FROM monitors_monitor"):
            if isinstance(at, str):  # SQLite's text, in UTC
                at = datetime.fromisoformat(at).replace(tzinfo=UTC)
            found[pk] = at
        return found

    def recorded_since(self, since: datetime | None = None) -> set[int]:
        """The monitors with a check recorded (started after ``since``, if given)."""
        return {pk for pk, at in self.last_checks().items() if at and (since is None or at > since)}

    def rollup_checks(self) -> dict[int, int]:
        """The checks each monitor's hourly rollups count."""
        sql = "SELECT monitor_id, sum(checks) FROM monitors_hourlyrollup GROUP BY monitor_id"
        return {pk: int(checks) for pk, checks in self.rows(sql)}

    def now(self):
        return self.rows("SELECT now()")[0][0]


def slots_probed(monitor_id: int, times: list[datetime], step: float) -> set[datetime]:
    """The slots of the monitor's grid (``monitors.phase``, interval ``step``
    seconds) that ``times``, its checks' arrivals at the target, are for:
    each the latest slot at or before it (a check starts at its slot, or
    late). A batch redelivered and probed again asks twice for one slot."""
    interval = timedelta(seconds=step)
    return {grid_at_or_after(monitor_id, interval, at - interval + MICROSECOND) for at in times}


def counted_more_than_probed(
    db: Reader, target: CountingTarget, monitors: list[int], step: float | None = None
) -> dict[int, tuple[int, int]]:
    """Monitors whose hourly rollups count more checks than ``target``
    received for them, with both numbers: a batch recorded twice. With
    ``step`` (the monitors' interval), what the target received is counted
    in slots of their grid (``slots_probed``) instead of requests, so a copy
    of a batch probed again is not a check (its recording must drop it).
    The rollups are read first: a check probed and recorded meanwhile is
    never in the rollups only."""
    rolled = db.rollup_checks()
    if step is None:
        probed = target.probed(monitors)
    else:
        arrivals = target.checks(monitors)
        probed = {pk: len(slots_probed(pk, arrivals.get(pk, []), step)) for pk in monitors}
    counts = {pk: (rolled.get(pk, 0), probed[pk]) for pk in monitors}
    return {pk: (checks, hits) for pk, (checks, hits) in counts.items() if checks > hits}


def batches_in_hand(log: str) -> set[str]:
    """Ids of the probe batches a worker's log says it received and did not finish."""
    received = set(re.findall(r"probe_batch\[([0-9a-f-]+)\] received", log))
    return received - set(re.findall(r"probe_batch\[([0-9a-f-]+)\] (?:succeeded|raised)", log))


# Seconds from a probe's start (which the product's spacing goes by: a check
# over half an interval late has the next slot left out) to its request
# reaching the target, at most, on a loaded machine: a check that started
# just under half an interval late reaches the target that much later, so
# its arrival and the next on-time one are up to this much closer.
ON_THE_WAY = 0.25


def too_close(checks: dict[int, list], seconds: float) -> dict[int, list]:
    """Pairs of one monitor's consecutive checks less than ``seconds`` apart."""
    close = {}
    for pk, times in checks.items():
        pairs = [(a, b) for a, b in zip(times, times[1:], strict=False)]
        if bad := [(a, b) for a, b in pairs if (b - a).total_seconds() < seconds]:
            close[pk] = bad
    return close


def answers(base: str, paths: list[str], headers: dict | None = None) -> dict[str, object]:
    """Each path's status code (or the error that stood in for one)."""
    found: dict[str, object] = {}
    for path in paths:
        try:
            found[path] = requests.get(base + path, headers=headers, timeout=5).status_code
        except requests.RequestException as error:
            found[path] = type(error).__name__
    return found


def within(deadline: float, condition: Callable[[], bool], every: float = 0.25) -> float | None:
    """Seconds until ``condition()`` held, or None when ``deadline`` (monotonic) passed."""
    started = time.monotonic()
    while time.monotonic() < deadline:
        if condition():
            return time.monotonic() - started
        time.sleep(every)
    return None


@pytest.fixture(scope="session", name="collected_static")
def collected_static_fixture(tmp_path_factory) -> Path:
    """The static files collected once for every product a session starts."""
    var_dir = tmp_path_factory.mktemp("static-var")
    env = product_env(var_dir) | {"DJANGO_SETTINGS_MODULE": "statuspage.settings"}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env=env, check=True, timeout=180,
    )  # fmt: skip
    return var_dir / "static"


@pytest.fixture(name="product")
def product_fixture(tmp_path, throwaway_postgres, throwaway_redis, collected_static):
    """The product, not started yet, installed on a PostgreSQL and a Redis of
    its own (the broker on Redis database 0, the cache on 1)."""
    redis_base = throwaway_redis.url.rsplit("/", 1)[0]
    env = product_env(
        tmp_path,
        DATABASE_URL=throwaway_postgres.url,
        CELERY_BROKER_URL=f"{redis_base}/0",
        CACHE_URL=f"{redis_base}/1",
    )
    running = Product(tmp_path, env)
    running.install(collected_static)
    yield running
    running.stop()
    running.print_logs()  # shown when the test failed
