"""Benchmark: the public status page, uncached, on a large page.

Seeds 500 monitors in 20 categories, 90 days of daily rollups for each
(45,000 rows), 200 incidents (three open) with their timelines and a few
maintenance windows into a throw-away test database, then renders / (and the
API v2 summary) through the whole Django stack:

- cold: every cache emptied before each request (a fresh deployment, the
  first request of a day in each language, the first after an incident edit);
- after a change: the page generation bumped before each request, as a
  status change or a maintenance edit does (the cells of days before
  yesterday stay cached; yesterday's and today's are read again);
- cached: nothing changed.

Prints the render times (wall clock and CPU of this process), the query
count and nproc.

With ``--pages 10``: ten status pages of 500 monitors each (20 categories a
page), one install; each page is read at its own domain (the Host header).
"After a change" is then a status change on the page read; "after another
page's change" one on a different page, which must leave the page read
cached.

    .venv/bin/python bench/page.py                 # SQLite (in memory)
    .venv/bin/python bench/page.py --pages 10
    .venv/bin/python bench/page.py --monitors 10000   # one page of 10,000 (collapsed)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sp_bench .venv/bin/python bench/page.py

The target: under 150 ms uncached on 2 cores.
"""

import argparse
import gzip
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "statuspage.test_settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,  # noqa: E402
    setup_databases,
    teardown_databases,
)
from django.utils import timezone  # noqa: E402

from core import pagecache  # noqa: E402
from statuspage.gctuning import tune_for_serving  # noqa: E402

MONITORS_PER_PAGE, CATEGORIES_PER_PAGE, DAYS, INCIDENTS, OPEN_INCIDENTS = 500, 20, 90, 200, 3
RUNS = 25


def seed(pages: int = 1) -> list[int]:
    """The install; returns the ids of its pages (with ``pages`` > 1, one
    per 500 monitors, each at page<n>.example.test)."""
    from core.enums import IncidentStatus, Protocol, RecurUnit, Severity, Status
    from incidents.models import Incident, IncidentUpdate
    from maintenance.models import ScheduledMaintenance
    from monitors.models import Category, DailyRollup, Monitor
    from pages.models import PageCategory, StatusPage

    now, today = timezone.now(), timezone.localdate()
    monitor_count, category_count = MONITORS_PER_PAGE * pages, CATEGORIES_PER_PAGE * pages
    categories = Category.objects.bulk_create(
        Category(name=f"Region {n:02d}", display_order=n) for n in range(category_count)
    )
    statuses = [Status.UP] * 46 + [Status.DOWN, Status.MAINTENANCE, Status.PENDING, Status.UP]
    monitors = Monitor.objects.bulk_create(
        Monitor(
            name=f"Service {n:03d}", protocol=Protocol.HTTP, target=f"https://s{n}.example.test/",
            category=categories[n % category_count], status=statuses[n % len(statuses)],
            last_check=now, status_changed_at=now - timedelta(hours=n % 48),
        )
        for n in range(monitor_count)
    )  # fmt: skip
    for first in range(0, len(monitors), 500):  # in slices: 10,000 x 90 rows at once is GBs
        rollups = [
            DailyRollup(
                monitor=m, day=today - timedelta(days=d), checks=1440,
                successes=1440 - (0 if (m.pk + d) % 7 else (m.pk * d) % 90),
            )
            for m in monitors[first : first + 500]
            for d in range(DAYS)
        ]  # fmt: skip
        DailyRollup.objects.bulk_create(rollups, batch_size=5000)
    incidents = Incident.objects.bulk_create(
        Incident(
            name=f"Incident {n}: elevated errors",
            severity=[Severity.OUTAGE, Severity.DEGRADED][n % 2],
            status=IncidentStatus.INVESTIGATING if n < OPEN_INCIDENTS else IncidentStatus.RESOLVED,
            message="We are **looking** into it. See [details](https://example.test/).",
            created_at=now - timedelta(hours=n * 10 + 1),
            resolved_at=None if n < OPEN_INCIDENTS else now - timedelta(hours=n * 10 - 2),
        )
        for n in range(INCIDENTS)
    )  # fmt: skip
    IncidentUpdate.objects.bulk_create(
        IncidentUpdate(
            incident=incident, status=status, message=f"{status}: *details* of the work",
            created_at=incident.created_at + timedelta(minutes=30 * k),
        )
        for incident in incidents
        for k, status in enumerate(
            [IncidentStatus.INVESTIGATING, IncidentStatus.IDENTIFIED, IncidentStatus.MONITORING]
            + ([] if incident.resolved_at is None else [IncidentStatus.RESOLVED])
        )
    )  # fmt: skip
    Link = Incident.monitors.through
    Link.objects.bulk_create(
        Link(incident=incident, monitor=monitors[(n * 7 + k) % monitor_count])
        for n, incident in enumerate(incidents)
        for k in range(1 + n % 3)
    )
    for n in range(5):
        window = ScheduledMaintenance.objects.create(
            name=f"Maintenance {n}", starts_at=now + timedelta(days=n - 1, hours=n),
            duration_hours=2, message="Upgrading *things*", recurring=n == 4,
            recur_unit=RecurUnit.WEEK if n == 4 else "", recur_every=1 if n == 4 else None,
            recur_until=now + timedelta(days=90) if n == 4 else None,
        )  # fmt: skip
        window.monitors.set(monitors[n * 10 : n * 10 + 5])
    if pages == 1:
        return list(StatusPage.objects.values_list("pk", flat=True))
    ids = []
    for p in range(pages):
        page = StatusPage.objects.create(
            title=f"Product {p}", slug=f"product-{p}", domain=f"page{p}.example.test"
        )
        PageCategory.objects.bulk_create(
            PageCategory(page=page, category=categories[c], position=c)
            for c in range(p * CATEGORIES_PER_PAGE, (p + 1) * CATEGORIES_PER_PAGE)
        )
        ids.append(page.pk)
    return ids


def measure(client: Client, path: str, reset) -> tuple[list[float], list[float], int, bytes]:
    wall, cpu, queries, body = [], [], 0, b""
    client.get(path, secure=True)  # warm up templates, translations, URL resolvers
    for _ in range(RUNS):
        reset()
        with CaptureQueriesContext(connection) as captured:
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(path, secure=True)
            wall.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, response.status_code
        queries, body = len(captured), response.content
    return wall, cpu, queries, body


def report(name: str, wall: list[float], cpu: list[float], queries: int, body: bytes) -> None:
    wall.sort()
    p90 = wall[int(len(wall) * 0.9)]
    print(
        f"{name:<34} median {statistics.median(wall):6.1f} ms  p90 {p90:6.1f} ms"
        f"  min {wall[0]:6.1f} ms  cpu median {statistics.median(cpu):6.1f} ms  queries {queries}"
    )
    if body:
        unzipped = len(gzip.decompress(body)) / 1024
        print(f"{'':<34} size {unzipped:,.0f} KiB, {len(body) / 1024:,.0f} KiB sent gzipped")


def main() -> None:
    global MONITORS_PER_PAGE
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=1, help="status pages of 500 monitors")
    parser.add_argument(
        "--monitors", type=int, default=MONITORS_PER_PAGE, help="monitors a page (default 500)"
    )
    parser.add_argument(
        "--profile", action="store_true", help="print where a page after a change spends its time"
    )
    arguments = parser.parse_args()
    pages = arguments.pages
    MONITORS_PER_PAGE = arguments.monitors
    # No setup_test_environment(): its template instrumentation would copy
    # every context the page renders, which a real server never does.
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        started = time.perf_counter()
        ids = seed(pages)
        tune_for_serving()  # as statuspage/wsgi.py does in every web worker
        print(f"database: {connection.vendor}; seeded in {time.perf_counter() - started:.1f} s")
        print(f"{pages} page(s) of {MONITORS_PER_PAGE} monitors in {CATEGORIES_PER_PAGE} "
              f"categories, {DAYS} days, {INCIDENTS} incidents")  # fmt: skip
        # As a browser asks: gzip (GZipMiddleware) is part of the cost.
        host = "localhost" if pages == 1 else "page3.example.test"
        if pages > 1:
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".example.test"]
        client = Client(SERVER_NAME=host, HTTP_ACCEPT_ENCODING="gzip")
        this, other = ids[3 % len(ids)], ids[0]

        def change(page_id: int):
            return lambda: pagecache.changed(pages=[page_id])  # as a status change there does

        report(f"{host}/ cold", *measure(client, "/", cache.clear))
        report(f"{host}/ after a change", *measure(client, "/", change(this)))
        if arguments.profile:
            import cProfile
            import pstats

            change(this)()
            profiler = cProfile.Profile()
            profiler.runcall(client.get, "/", secure=True)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        if pages > 1:
            report(
                f"{host}/ after another page's change",
                *measure(client, "/", change(other))[:3],
                b"",
            )
        report(f"{host}/ cached", *measure(client, "/", lambda: None)[:3], b"")
        report("/api/v2/summary.json cold", *measure(client, "/api/v2/summary.json", cache.clear))
        print(f"nproc: {os.cpu_count()}; load average {os.getloadavg()[0]:.1f}")
    finally:
        teardown_databases(databases, verbosity=0)


if __name__ == "__main__":
    main()
