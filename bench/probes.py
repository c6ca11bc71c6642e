"""Benchmark of the probe engine in its production setup on this machine.

PostgreSQL (a database of its own), Redis, Celery beat, one housekeeping
worker and N probe workers (threads pool) check HTTP monitors, each on its own
URL of a local nginx that answers 200. Each phase creates its monitors at a 30 s
frequency, starts them (each on its grid, monitors/phase.py; or all created
at once, as an import makes them; or running, then the engine restarted),
runs for a set time, then prints:

- checks recorded per second (counted by the rollups);
- schedule lateness p50/p99/max: the hit's arrival at nginx minus its due time;
- missed checks: due slots in the window that nginx never saw;
- CPU (cores) of the probe workers, the housekeeping worker, beat, and of the
  (shared) PostgreSQL, Redis and nginx servers, and per 1,000 checks/s;
- what the database keeps: bytes written per check (the engine's tables'
  and indexes' growth, dead tuples included) and per monitor once the
  retention holds;
- the machine's raw limit: new-connection requests/s of wrk against the same
  nginx, and what one process of the probes' HTTP client does against it
  (and aiohttp, for comparison);

and, last, bursts: every monitor due at the same instant (made so by hand: the
engine spreads imports and catch-ups), monitors checked before and then new
ones, and how fast the engine clears that backlog, its peak rate.

Traffic goes to 127.0.0.1 only. Usage (as root, which installs nginx and wrk
from Debian when missing)::

    .venv/bin/python bench/probes.py [--monitors 10000] [--peak 30000] [--burst 10000]
        [--created 10000] [--restart 10000]
"""

import argparse
import asyncio
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sp_engine_bench"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
FREQUENCY = 30
# What the engine writes as it checks.
ENGINE_TABLES = [
    "monitors_monitor", "monitors_failedcheck", "monitors_hourlyrollup", "monitors_dailyrollup",
    "monitors_statusevent", "monitors_locationresult", "monitors_checktally",
]  # fmt: skip
TICKS = os.sysconf("SC_CLK_TCK")

NGINX_CONF = """
daemon off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 8192; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    log_format hits '$msec $uri';
    server {{
        listen 127.0.0.1:{port} backlog=8192;
        location /m/ {{
            access_log {dir}/hits.log hits buffer=256k flush=1s;
            return 200 "ok\\n";
        }}
        location / {{ return 200 "ok\\n"; }}
    }}
}}
"""


# --- the machine ------------------------------------------------------------------


def ensure_tools() -> None:
    missing = [name for name in ("nginx", "wrk") if not shutil.which(name)]
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        sys.exit(f"{', '.join(missing)} missing: install them (Debian: apt-get install nginx wrk)")
    print(f"installing {' '.join(missing)} from Debian ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing]
    if subprocess.run(install, env=env, capture_output=True).returncode:
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=True, capture_output=True)
        subprocess.run(install, env=env, check=True, capture_output=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def tree_cpu(roots: list[int]) -> float:
    """CPU seconds of processes and all their descendants, those already
    reaped included (through their parents' cutime and cstime)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))):
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    total, todo = 0, list(roots)
    while todo:
        pid = todo.pop()
        if fields := _stat(pid):
            total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
        todo += children.get(pid, [])
    return total / TICKS


def processes_named(name: str) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


class Nginx:
    def __init__(self, folder: Path) -> None:
        self.folder, self.port = folder, free_port()
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (folder / sub).mkdir()
        conf = folder / "nginx.conf"
        conf.write_text(NGINX_CONF.format(dir=folder, port=self.port))
        self.process = subprocess.Popen(
            ["nginx", "-p", str(folder), "-c", str(conf)], stderr=subprocess.DEVNULL
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        sys.exit("nginx did not start")

    @property
    def hits(self) -> Path:
        return self.folder / "hits.log"

    def stop(self) -> None:
        self.process.send_signal(signal.SIGQUIT)
        self.process.wait(10)


def wrk_rate(url: str) -> float:
    """New-connection requests/s of wrk against ``url`` (the machine's raw limit)."""
    out = subprocess.run(
        ["wrk", "-t", "1", "-c", "64", "-d", "5s", "-H", "Connection: close", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def client_rate(url: str, client: str, seconds: float = 5, in_flight: int = 200) -> tuple:
    """Checks/s and CPU ms a check of one process of an HTTP client against
    the same target, a new connection each: the probes' own client
    (monitors/probes/client.py) on uvloop as the workers run it, or aiohttp
    (what the probes used before) on asyncio's loop."""
    import aiohttp
    import uvloop

    from monitors.probes.client import Client

    async def run() -> int:
        done = 0
        deadline = time.monotonic() + seconds
        ours = Client()

        async def loop(session) -> None:
            nonlocal done
            while time.monotonic() < deadline:
                if session is None:
                    await ours.request("GET", url)
                else:
                    async with session.get(url) as response:
                        await response.read()
                done += 1

        if client == "ours":
            await asyncio.gather(*(loop(None) for _ in range(in_flight)))
            return done
        connector = aiohttp.TCPConnector(limit=0, force_close=True)
        async with aiohttp.ClientSession(connector=connector) as session:
            await asyncio.gather(*(loop(session) for _ in range(in_flight)))
        return done

    cpu = time.process_time()
    done = uvloop.run(run()) if client == "ours" else asyncio.run(run())
    return done / seconds, (time.process_time() - cpu) / max(done, 1) * 1000


# --- the product ------------------------------------------------------------------


def engine_env(var_dir: Path, prefix: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "CACHE_URL"}},
        "DJANGO_SETTINGS_MODULE": "tests.engine_settings",
        "DATABASE_URL": DATABASE_URL,
        "CELERY_BROKER_URL": REDIS_URL,
        "ENGINE_KEY_PREFIX": prefix,
        "SECRET_KEY": "bench-not-secret",
        "VAR_DIR": str(var_dir),
    }


def fresh_database(env: dict[str, str]) -> None:
    import psycopg

    server, name = DATABASE_URL.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)


def start_engine(env: dict[str, str], workers: int, threads: int, folder: Path) -> dict:
    celery = [sys.executable, "-m", "celery", "-A", "statuspage"]
    quiet = ["--loglevel", "WARNING", "--without-gossip", "--without-mingle"]

    def start(args: list[str], log: str) -> subprocess.Popen:
        return subprocess.Popen(
            [*celery, *args], cwd=ROOT, env=env, stdout=(folder / log).open("w"),
            stderr=subprocess.STDOUT,
        )  # fmt: skip

    return {
        "probe workers": [
            start(["worker", "-n", f"probes{i}@%h", "-Q", "probes.USE", "--pool", "threads",
                   "--concurrency", str(threads), *quiet], f"probes{i}.log")
            for i in range(workers)
        ],
        "housekeeping": [
            start(["worker", "-n", "main@%h", "-Q", "celery", "--concurrency", "1", *quiet],
                  "main.log")
        ],
        "beat": [
            start(["beat", "--loglevel", "WARNING", "-s", str(folder / "beat-schedule")],
                  "beat.log")
        ],
    }  # fmt: skip


def stop_engine(engine: dict) -> None:
    processes = [p for group in engine.values() for p in group]
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()


def create_monitors(count: int, url: str) -> None:
    """``count`` paused monitors, each on its own URL, and an active canary."""
    from django.db import connection

    from monitors.models import Monitor

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(ENGINE_TABLES)} RESTART IDENTITY CASCADE")
    fields = {"protocol": "http", "frequency": FREQUENCY, "timeout": 10, "retries": 1}
    Monitor.objects.bulk_create(
        (
            Monitor(name=f"bench {pk}", target=f"{url}/m/{pk}", is_active=False, **fields)
            for pk in range(1, count + 1)
        ),
        batch_size=5000,
    )
    Monitor.objects.create(name="canary", target=f"{url}/canary", **fields)


def wait_for_canary(count: int, engine: dict, timeout: float = 120) -> None:
    """Until the engine has checked the canary: every process is up and running."""
    from monitors.models import Monitor

    deadline = time.monotonic() + timeout
    while not Monitor.objects.filter(pk=count + 1, last_check__isnull=False).exists():
        if time.monotonic() > deadline or any(
            p.poll() is not None for group in engine.values() for p in group
        ):
            sys.exit("the engine did not check the canary; see the logs in the temp folder")
        time.sleep(0.5)


def activate(count: int, start: datetime, how: str = "spread") -> None:
    """Start the monitors: "spread", each on its grid from ``start`` (as a
    running engine keeps them, with this hour's rollup rows made ahead);
    "created", new (as an import or the API makes them: a tick's worth due at
    once, the rest at their grids' first slots); "burst", every one due at
    ``start``, which the engine itself never does (imports and stalls are
    spread): the engine's peak rate."""
    from django.db import connection

    from monitors import recording, rollups_ahead
    from monitors.phase import grid_at_or_after

    with connection.cursor() as cursor:
        if how == "spread":
            step = timedelta(seconds=FREQUENCY)
            for first in range(1, count + 1, 5000):
                ids = range(first, min(first + 5000, count + 1))
                values = ", ".join(["(%s, %s::timestamptz)"] * len(ids))
                params: list = []
                for pk in ids:
                    params += [pk, grid_at_or_after(pk, step, start)]
                cursor.execute(
                    "UPDATE monitors_monitor m SET is_active = true, next_check_at = v.at "  # noqa: S608
                    f"FROM (VALUES {values}) AS v(id, at) WHERE m.id = v.id",
                    params,
                )
        elif how == "created":
            cursor.execute(
                "UPDATE monitors_monitor SET is_active = true, next_check_at = NULL WHERE id <= %s",
                [count],
            )
        else:  # catch-ups all due at ``start``; on their grids from half an interval on
            cursor.execute(
                "UPDATE monitors_monitor SET is_active = true, catch_up_at = %s, claimed_at = %s, "
                "next_check_at = %s WHERE id <= %s",
                [start, start, start + timedelta(seconds=FREQUENCY / 2), count],
            )
    if how == "spread":  # an engine running since before this hour made its rollup rows ahead
        now = datetime.now(UTC)
        rollups_ahead.make(recording.rollup_hour(now), recording.rollup_day(now))
        rollups_ahead.make_ahead(now)


def storage() -> dict[str, tuple[int, int, int]]:
    """Per engine table: bytes on disk (heap, indexes, TOAST: dead tuples
    included until reclaimed), live rows, dead rows."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute(
            "SELECT c.relname, pg_total_relation_size(c.oid), s.n_live_tup, s.n_dead_tup "
            "FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid "
            "WHERE c.relname = ANY(%s)",
            [ENGINE_TABLES],
        )
        return {name: (size, live, dead) for name, size, live, dead in cursor.fetchall()}


def recorded() -> int:
    """Checks recorded so far (the rollups count every check taken out of maintenance)."""
    from django.db.models import Sum

    from monitors.models import HourlyRollup

    return HourlyRollup.objects.aggregate(n=Sum("checks"))["n"] or 0


def percentiles(values: list[float]) -> tuple[float, float, float]:
    if not values:
        return (float("nan"),) * 3
    ordered = sorted(values)
    return (
        statistics.median(ordered),
        ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
        ordered[-1],
    )


def run_phase(
    count: int, seconds: int, args, nginx: Nginx, folder: Path, how: str = "spread"
) -> dict:
    """``count`` monitors started as ``how`` says (activate()), measured
    over ``seconds`` from one interval on. "restart": spread, then the engine
    is stopped for 10 s and started again, measured from one interval after
    the restart."""
    from monitors.phase import EPOCH, phase

    prefix = f"bench-{uuid.uuid4().hex[:8]}:"
    env = engine_env(folder, prefix)
    create_monitors(count, f"http://127.0.0.1:{nginx.port}")
    hits_from = nginx.hits.stat().st_size if nginx.hits.exists() else 0
    engine = start_engine(env, args.workers, args.threads, folder)
    wait_for_canary(count, engine)
    t0 = datetime.now(UTC) + timedelta(seconds=5)
    activate(count, t0, "created" if how == "created" else "spread")
    # From one interval on: every monitor has been checked once (its rows
    # exist: what is measured is the steady state), and the first checks of
    # monitors created at once, which come together by design, are over.
    window_start = t0 + timedelta(seconds=2 + FREQUENCY)
    if how == "restart":
        time.sleep(max(0.0, (t0 - datetime.now(UTC)).total_seconds()) + FREQUENCY)
        stop_engine(engine)
        time.sleep(10)
        engine = start_engine(env, args.workers, args.threads, folder)
        # From one interval after the workers are back (they start in ~10 s):
        # the catch-up runs each monitor once, late, then its grid holds.
        window_start = datetime.now(UTC) + timedelta(seconds=10 + FREQUENCY)
    window_end = window_start + timedelta(seconds=seconds)
    time.sleep(max(0.0, (window_start - datetime.now(UTC)).total_seconds()))
    postmaster = [pid for pid in processes_named("postgres") if _stat(pid)[1] == "1"]
    groups = {name: [p.pid for p in procs] for name, procs in engine.items()}
    groups |= {
        "postgres (shared)": postmaster or processes_named("postgres"),
        "redis (shared)": processes_named("redis-server"),
        "nginx": [nginx.process.pid],
    }
    cpu_before = {name: tree_cpu(roots) for name, roots in groups.items()}
    stored_before, recorded_before = storage(), recorded()
    time.sleep(max(0.0, (window_end - datetime.now(UTC)).total_seconds()))
    cpu_after = {name: tree_cpu(roots) for name, roots in groups.items()}
    stored_after, recorded_after = storage(), recorded()
    stop_engine(engine)
    time.sleep(1.5)  # nginx flushes its log buffer every second
    clean_redis(prefix)

    span = (window_end - window_start).total_seconds()
    step = timedelta(seconds=FREQUENCY)
    bases = {pk: (EPOCH + phase(pk, step)).timestamp() for pk in range(1, count + 1)}

    def lateness(pk: int, at: float) -> float:
        """From the slot of the monitor's grid (monitors/phase.py) it ran for."""
        base = bases[pk]
        k = (at - base + 0.5) // FREQUENCY  # a hit up to 0.5 s early is that slot's
        return at - (base + k * FREQUENCY)

    arrivals, slots_hit = [], set()
    with nginx.hits.open() as log:
        log.seek(hits_from)
        for line in log:
            at, uri = line.split()
            at, pk = float(at), int(uri.rsplit("/", 1)[1])
            if window_start.timestamp() <= at < window_end.timestamp():
                late = lateness(pk, at)
                arrivals.append(late)
                slots_hit.add((pk, round(at - late, 1)))
    # Due slots that should have been hit (leaving the window's last 15 s in flight).
    due_until = window_end.timestamp() - 15
    expected = {
        (pk, round(slot, 1))
        for pk in range(1, count + 1)
        for slot in _slots(bases[pk], window_start.timestamp(), due_until)
    }
    return {
        "monitors": count,
        "how": how,
        "needed": count / FREQUENCY,
        "done": (recorded_after - recorded_before) / span,
        "checks": recorded_after - recorded_before,
        "storage": (stored_before, stored_after),
        "arrival": percentiles(arrivals),
        "missed": len(expected - slots_hit),
        "expected": len(expected),
        "cpu": {name: (cpu_after[name] - cpu_before[name]) / span for name in groups},
    }


def checked_before(count: int) -> None:
    """Make monitors 1..count look checked and up, as a running engine leaves
    them: a location result each, and this hour's and day's rollup rows."""
    from django.db import connection

    from monitors import recording

    now = datetime.now(UTC)
    before = now - timedelta(seconds=FREQUENCY)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO monitors_locationresult (monitor_id, location, slot, checked_at, ok, "
            "status, consecutive_failures, response_ms, error) SELECT id, 'USE', %s, %s, true, "
            "'up', 0, 1, '' FROM monitors_monitor WHERE id <= %s",
            [before, before, count],
        )
        cursor.execute(
            "UPDATE monitors_monitor SET status = 'up', status_changed_at = %s, last_check = %s "
            "WHERE id <= %s",
            [now - timedelta(hours=1), before, count],
        )
        sums = "0, 0, 0, 0 FROM monitors_monitor WHERE id <= %s ON CONFLICT DO NOTHING"
        cursor.execute(
            "INSERT INTO monitors_hourlyrollup (monitor_id, hour, location, checks, successes, "  # noqa: S608
            f"total_response_ms, max_response_ms) SELECT id, %s, 'USE', {sums}",
            [recording.rollup_hour(now), count],
        )
        cursor.execute(
            "INSERT INTO monitors_dailyrollup (monitor_id, day, checks, successes, "  # noqa: S608
            f"total_response_ms, max_response_ms) SELECT id, %s, {sums}",
            [recording.rollup_day(now), count],
        )


def run_burst(count: int, args, nginx: Nginx, folder: Path, known: bool) -> None:
    """Every monitor due at the same instant (made so by hand: the engine
    spreads imports and catch-ups, monitors/scheduling.py): how fast the
    backlog is cleared is the engine's peak rate. ``known``: monitors checked
    before (as after a stop, were the catch-up not spread), else each checked
    for its first time (a location result, a status change and rollup rows to
    make). Timed from when they were made due, so the wait for the next
    dispatch tick counts too."""
    from monitors.models import LocationResult

    prefix = f"bench-{uuid.uuid4().hex[:8]}:"
    create_monitors(count, f"http://127.0.0.1:{nginx.port}")
    if known:
        checked_before(count)
    hits_from = nginx.hits.stat().st_size if nginx.hits.exists() else 0
    engine = start_engine(engine_env(folder, prefix), args.workers, args.threads, folder)
    wait_for_canary(count, engine)
    t0 = datetime.now(UTC)
    activate(count, t0, "burst")
    checked = LocationResult.objects.filter(monitor_id__lte=count, checked_at__gte=t0)
    deadline = time.monotonic() + 120
    while checked.count() < count and time.monotonic() < deadline:
        time.sleep(0.5)
    stop_engine(engine)
    time.sleep(1.5)  # nginx flushes its log buffer every second
    clean_redis(prefix)
    first: dict[int, float] = {}
    with nginx.hits.open() as log:
        log.seek(hits_from)
        for line in log:
            at, uri = line.split()
            first.setdefault(int(uri.rsplit("/", 1)[1]), float(at) - t0.timestamp())
    started = sorted(first.values())
    p50, p99, last = percentiles(started)
    kind = "checked before" if known else "never checked before"
    print(
        f"\nburst: {count:,} monitors due at the same instant, {kind}: "
        f"{len(started):,} checked (hits at nginx), the last {last:.1f} s after the due time "
        f"(p50 {p50:.1f} s, p99 {p99:.1f} s): {len(started) / max(last, 0.001):,.0f} checks/s"
    )


def _slots(base: float, start: float, end: float):
    k = max(0, int((start - base) // FREQUENCY) + 1)
    while base + k * FREQUENCY < end:
        yield base + k * FREQUENCY
        k += 1


def clean_redis(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)


HOW = {
    "spread": "running on their grids",
    "created": "created at once, then started (from one interval on)",
    "restart": "stopped for 10 s and restarted (from one interval on)",
}


def report(phase: dict) -> None:
    a50, a99, aworst = phase["arrival"]
    print(
        f"\n{phase['monitors']:,} monitors at {FREQUENCY} s, {HOW[phase['how']]}: "
        f"{phase['needed']:.0f} checks/s needed, {phase['done']:.0f} checks/s recorded"
    )
    print(
        f"  lateness, arrival at nginx - due: p50 {a50:.3f} s  p99 {a99:.3f} s  max {aworst:.3f} s"
    )
    print(f"  missed checks: {phase['missed']} of {phase['expected']} due")
    print(
        "  CPU (cores): " + ", ".join(f"{name} {cores:.2f}" for name, cores in phase["cpu"].items())
    )
    checks, cpu = phase["done"], phase["cpu"]
    engine_cpu = cpu["probe workers"] + cpu["housekeeping"] + cpu["beat"]
    if checks:
        with_db = engine_cpu + cpu["postgres (shared)"] + cpu["redis (shared)"]
        print(
            f"  CPU per 1,000 checks/s: engine (workers + beat) {engine_cpu * 1000 / checks:.2f} "
            f"cores, with PostgreSQL and Redis {with_db * 1000 / checks:.2f} cores "
            f"({with_db / checks * 1000:.3f} ms a check)"
        )
    report_storage(phase)


def report_storage(phase: dict) -> None:
    before, after = phase["storage"]
    if not phase["checks"]:
        return
    grown = {name: after[name][0] - before.get(name, (0, 0, 0))[0] for name in after}
    dead = {name: after[name][2] for name in after}
    total = sum(grown.values())
    print(
        f"  written per check: {total / phase['checks']:.1f} B of table and index growth "
        f"(dead tuples included) over {phase['checks']:,} checks; "
        + ", ".join(f"{name.removeprefix('monitors_')} {size / phase['checks']:+.1f}"
                    for name, size in sorted(grown.items()) if size)
    )  # fmt: skip
    print(
        "  dead rows at the end: "
        + ", ".join(f"{name.removeprefix('monitors_')} {n:,}" for name, n in dead.items() if n)
    )
    kept = steady_state(after)
    daily = steady_state(after, days=366) - kept
    print(
        f"  steady state per monitor, a year of daily rollups included: {kept / 1024:.0f} KiB; "
        f"10,000 monitors: {kept * 10_000 / 1e9:.2f} GB, growing {daily * 365 * 10_000 / 1e9:.2f} "
        "GB a year (the daily rollups, kept for good)"
    )


def steady_state(
    tables: dict[str, tuple[int, int, int]], locations: int = 1, days: int = 365
) -> float:
    """Bytes a monitor keeps once the retention holds (monitors/recording.py's
    prune): its row and votes, hourly rollups for HOURLY_ROLLUP_DAYS, one
    merged row a day to HOURLY_BY_DAY_DAYS, ``days`` of daily rollups (kept),
    at this run's bytes per row (indexes included) and no failed checks."""
    from monitors.recording import HOURLY_BY_DAY_DAYS, HOURLY_ROLLUP_DAYS

    def per_row(name: str, fallback: float) -> float:
        size, live, _ = tables.get(name, (0, 0, 0))
        return size / live if live > 100 else fallback

    hourly_rows = (HOURLY_ROLLUP_DAYS * 24 + HOURLY_BY_DAY_DAYS - HOURLY_ROLLUP_DAYS) * locations
    return (
        per_row("monitors_monitor", 1000)
        + per_row("monitors_locationresult", 150) * locations
        + per_row("monitors_hourlyrollup", 100) * hourly_rows
        + per_row("monitors_dailyrollup", 90) * days
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--monitors", type=int, default=10_000, help="sustained phase")
    parser.add_argument("--peak", type=int, default=30_000, help="peak phase (0: skip)")
    parser.add_argument("--burst", type=int, default=10_000, help="all due at once (0: skip)")
    parser.add_argument("--created", type=int, default=10_000,
                        help="created at once, then started (0: skip)")  # fmt: skip
    parser.add_argument("--restart", type=int, default=10_000,
                        help="restarted after a 10 s stop (0: skip)")  # fmt: skip
    parser.add_argument("--seconds", type=int, default=45, help="length of each phase")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="probe workers")
    parser.add_argument("--threads", type=int, default=16, help="threads per probe worker")
    parser.add_argument("--keep", action="store_true",
                        help="keep the bench database and its folder (logs, hits)")  # fmt: skip
    args = parser.parse_args()
    ensure_tools()
    folder = Path(tempfile.mkdtemp(prefix="bench-probes-"))
    os.environ.update(engine_env(folder, "bench-setup:"))
    fresh_database(os.environ.copy())
    import django

    django.setup()
    nginx = Nginx(folder)
    try:
        print(f"nproc: {os.cpu_count()}   load average: {os.getloadavg()[0]:.1f}   "
              f"probe workers: {args.workers} x {args.threads} threads")  # fmt: skip
        target = f"http://127.0.0.1:{nginx.port}/raw"
        print(f"raw limit, wrk against nginx (1 worker process), new connection per request: "
              f"{wrk_rate(target):,.0f} requests/s")  # fmt: skip
        for client, name in (("ours", "the probes' client on uvloop"), ("aiohttp", "aiohttp")):
            rate, ms = client_rate(target, client)
            print(f"{name}, one process, 200 in flight, new connection each: "
                  f"{rate:,.0f} checks/s, {ms:.3f} ms of CPU a check")  # fmt: skip
        for count in (args.monitors, args.peak):
            if count:
                report(run_phase(count, args.seconds, args, nginx, folder))
        if args.created:
            report(run_phase(args.created, args.seconds, args, nginx, folder, "created"))
        if args.restart:
            report(run_phase(args.restart, args.seconds, args, nginx, folder, "restart"))
        if args.burst:
            run_burst(args.burst, args, nginx, folder, known=True)
            run_burst(args.burst, args, nginx, folder, known=False)
    finally:
        nginx.stop()
        if not args.keep:
            from django.db import connections

            connections.close_all()
            server, name = DATABASE_URL.rsplit("/", 1)
            import psycopg

            with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if args.keep:
            print(f"kept: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
