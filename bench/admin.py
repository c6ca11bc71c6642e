"""Benchmark: the staff cockpit at 10,000 monitors with 90 days of rollups.

Seeds 10,000 monitors (2% down, 1% in maintenance, 1% paused; TCP and HTTP),
90 days of daily rollups each (900,000 rows), the last 7 days of hourly
rollups from each of two locations (3.36 million rows), a result per location
for each; the monitor whose detail is shown has the whole hourly retention per
location (35 days of hours, then a row a day to 90 days) and a day of raw
results; open incidents and maintenance windows, into a throw-away test
database. Then renders, as a logged-in superuser, through the whole stack:

- the overview (/admin/), with the banner's answer cached (as within 15 s of
  another admin page) and with it computed (the first page after that);
- the monitor change list (50 rows a page, with their sparklines);
- a monitor's detail (24 h, 7 d, 30 d, 90 d charts).

Prints wall and CPU times, query counts and nproc. Aim: under 300 ms each.

    .venv/bin/python bench/admin.py                 # SQLite (in memory)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sp_bench .venv/bin/python bench/admin.py
"""

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "statuspage.test_settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_databases,
    teardown_databases,
)
from django.utils import timezone  # noqa: E402

from statuspage.gctuning import tune_for_serving  # noqa: E402

MONITORS, DAYS, HOURS = int(os.environ.get("BENCH_MONITORS", 10_000)), 90, 24 * 7
RUNS = 15
BATCH = 20_000


def _bulk(model, rows) -> None:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            model.objects.bulk_create(batch)
            batch = []
    if batch:
        model.objects.bulk_create(batch)


def _insert(model, columns: list[str], rows) -> None:
    """Rows as tuples straight to the driver: millions of rollups in seconds,
    where model instances would take minutes."""
    table = model._meta.db_table
    fields = [model._meta.get_field(c) for c in columns]
    sql = (
        f"INSERT INTO {table} ({', '.join(f.column for f in fields)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    adapt = [lambda v, f=f: f.get_db_prep_value(v, connection, prepared=False) for f in fields]
    with connection.cursor() as cursor:
        batch = []
        for row in rows:
            batch.append([a(v) for a, v in zip(adapt, row, strict=True)])
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def seed() -> int:
    from core.enums import Protocol, Severity, Status
    from incidents.models import Incident
    from maintenance.models import ScheduledMaintenance
    from monitors import heartbeats
    from monitors.models import (
        Category,
        DailyRollup,
        FailedCheck,
        HourlyRollup,
        LocationResult,
        Monitor,
        StatusEvent,
    )

    now, today = timezone.now(), timezone.localdate()
    this_hour = now.replace(minute=0, second=0, microsecond=0)
    categories = Category.objects.bulk_create(
        Category(name=f"Region {n:02d}", display_order=n) for n in range(40)
    )

    def status(n: int) -> str:
        return Status.DOWN if n % 50 == 0 else Status.MAINTENANCE if n % 100 == 1 else Status.UP

    _bulk(
        Monitor,
        (
            Monitor(
                name=f"Service {n:05d}", protocol=Protocol.TCP if n % 4 == 0 else Protocol.HTTP,
                target=f"s{n}.example.test" if n % 4 == 0 else f"https://s{n}.example.test/",
                port=443 if n % 4 == 0 else None, category=categories[n % 40],
                status=status(n), is_active=n % 100 != 2, last_check=now,
                status_changed_at=now - timedelta(minutes=n % 600),
                last_error="HTTP 503 Service Unavailable" if status(n) == Status.DOWN else "",
                next_check_at=now + timedelta(seconds=60), locations="USE,UK",
            )
            for n in range(MONITORS)
        ),
    )  # fmt: skip
    ids = list(Monitor.objects.values_list("pk", flat=True))
    rollup = ["monitor", "checks", "successes", "total_response_ms", "max_response_ms"]
    days = [today - timedelta(days=d) for d in range(DAYS)]
    _insert(
        DailyRollup, [*rollup, "day"],
        (
            (pk, 2880, 2880 - (pk * d) % 7, 2880 * (150 + (pk + d) % 90), 900 + (pk * d) % 300,
             day)
            for pk in ids
            for d, day in enumerate(days)
        ),
    )  # fmt: skip
    hours = [this_hour - timedelta(hours=h) for h in range(HOURS)]
    _insert(
        HourlyRollup, [*rollup, "hour", "location"],
        (
            (pk, 60, 60 - (pk + h + n) % 3, 60 * (150 + (pk + h) % 90 + 40 * n),
             600 + (pk * h) % 300, hour, loc)
            for pk in ids
            for h, hour in enumerate(hours)
            for n, loc in enumerate(("USE", "UK"))
        ),
    )  # fmt: skip
    # The monitor shown in detail has the whole retention from each location:
    # hours up to HOURLY_ROLLUP_DAYS, then a row a day (what pruning leaves).
    from monitors.recording import HOURLY_BY_DAY_DAYS, HOURLY_ROLLUP_DAYS, day_hour

    zone = ZoneInfo(settings.TIME_ZONE)
    older = [this_hour - timedelta(hours=h) for h in range(HOURS, 24 * HOURLY_ROLLUP_DAYS)]
    older += [
        day_hour(this_hour - timedelta(days=d), zone)
        for d in range(HOURLY_ROLLUP_DAYS + 1, HOURLY_BY_DAY_DAYS)
    ]
    _insert(
        HourlyRollup, [*rollup, "hour", "location"],
        (
            (ids[0], 60, 59, 60 * (150 + h % 90 + 40 * n), 700 + h % 300, hour, loc)
            for h, hour in enumerate(older)
            for n, loc in enumerate(("USE", "UK"))
        ),
    )  # fmt: skip
    _bulk(
        LocationResult,
        (
            LocationResult(
                monitor_id=pk, location=loc, slot=now - timedelta(seconds=30),
                checked_at=now - timedelta(seconds=29), ok=True, status=Status.UP,
            )
            for pk in ids
            for loc in ("USE", "UK")
        ),
    )  # fmt: skip
    shown = ids[0]  # a down monitor
    _bulk(
        FailedCheck,
        (
            FailedCheck(
                monitor_id=shown, location=loc, checked_at=now - timedelta(minutes=m),
                last_checked_at=now - timedelta(minutes=m - 1), checks=3, error="HTTP 503",
            )
            for m in range(0, 24 * 60, 40)
            for loc in ("USE", "UK")
        ),
    )  # fmt: skip
    StatusEvent.objects.bulk_create(
        StatusEvent(
            monitor_id=shown,
            at=now - timedelta(hours=h),
            from_status="up",
            to_status="down",
            reason="HTTP 503",
        )  # fmt: skip
        for h in range(200)
    )
    for n in range(5):
        incident = Incident.objects.create(
            name=f"Incident {n}", severity=Severity.OUTAGE, message="Looking into it"
        )
        incident.monitors.set(ids[n * 3 : n * 3 + 3])
    for n in range(10):
        ScheduledMaintenance.objects.create(
            name=f"Window {n}", starts_at=now + timedelta(hours=n * 5 - 1), duration_hours=2
        ).monitors.set(ids[n * 10 : n * 10 + 20])
    heartbeats.dispatched(now)
    heartbeats.worker_alive("celery@bench", ["USE", "UK"], now)
    return shown


def measure(client: Client, path: str, reset) -> tuple[list[float], list[float], int]:
    wall, cpu, queries = [], [], 0
    client.get(path, secure=True)  # warm up templates and URL resolvers
    for _ in range(RUNS):
        reset()
        with CaptureQueriesContext(connection) as captured:
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(path, secure=True)
            wall.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, response.status_code
        queries = len(captured)
    return wall, cpu, queries


def report(name: str, wall: list[float], cpu: list[float], queries: int) -> None:
    wall.sort()
    p90 = wall[int(len(wall) * 0.9)]
    print(
        f"{name:<36} median {statistics.median(wall):7.1f} ms  p90 {p90:7.1f}"
        f" ms  cpu median {statistics.median(cpu):7.1f} ms  queries {queries}"
    )


def main() -> None:
    from django.contrib.auth.models import User

    from statuspage.cockpit import alarm

    databases = setup_databases(verbosity=0, interactive=False)
    try:
        started = time.perf_counter()
        shown = seed()
        tune_for_serving()
        print(f"database: {connection.vendor}; seeded in {time.perf_counter() - started:.1f} s")
        print(
            f"{MONITORS} monitors, {DAYS} days of daily and {HOURS} hours of hourly rollups"
            " from 2 locations"
        )
        client = Client(SERVER_NAME="localhost")
        client.force_login(User.objects.create_superuser("bench", "b@example.test", "x"))
        report("overview (banner cached)", *measure(client, "/admin/", lambda: None))
        report("overview (banner computed)", *measure(client, "/admin/", alarm.forget))
        report("overview fragment (30 s refresh)", *measure(client, "/admin/cockpit/overview/",
                                                            lambda: None))  # fmt: skip
        report("monitor change list (50 rows)", *measure(client, "/admin/monitors/monitor/",
                                                          lambda: None))  # fmt: skip
        detail = f"/admin/monitors/monitor/{shown}/detail/"
        report("monitor detail (90 days)", *measure(client, detail, lambda: None))
        report("engine health", *measure(client, "/admin/cockpit/engine/", lambda: None))
        cache.clear()
        print(f"nproc: {os.cpu_count()}; load average {os.getloadavg()[0]:.1f}")
    finally:
        teardown_databases(databases, verbosity=0)


if __name__ == "__main__":
    main()
