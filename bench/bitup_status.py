"""How long /api.php takes over 10,000 monitors, per action.

Seeds a throwaway database (SQLite in a temporary directory by default, or the
PostgreSQL database named by --postgres, dropped and created afresh) with
MONITORS active monitors in CATEGORIES categories (plus some paused and some
without category), 30 days of daily rollups each and INCIDENTS incidents, then
times full requests through the Django stack (middleware, key lookup, JSON):

    .venv/bin/python bench/bitup_status.py
    .venv/bin/python bench/bitup_status.py --postgres postgres://postgres@127.0.0.1:5432/sp_bitup_bench
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MONITORS, CATEGORIES, PAUSED, INCIDENTS, DAYS = 10_000, 20, 200, 300, 30
ACTIONS = [
    {"action": "status"},
    {"action": "status", "format": "simple"},
    {"action": "status", "format": "grouped"},
    {"action": "categories"},
    {"action": "category", "category_id": "1"},
    {"action": "incidents"},
    {"action": "stats"},
]


def configure(postgres: str | None) -> None:
    os.environ.update(
        VAR_DIR=tempfile.mkdtemp(prefix="bitup-bench-"),
        DJANGO_SETTINGS_MODULE="statuspage.settings",
        ALLOWED_HOSTS="testserver",
        CACHE_URL="locmemcache://",
        RATE_LIMIT_PER_KEY="0",
        RATE_LIMIT_PER_ADDRESS="0",
        RATE_LIMIT_FAILED_KEYS="0",
        LOG_LEVEL="WARNING",
    )
    if postgres:
        import psycopg

        name = postgres.rsplit("/", 1)[1]
        with psycopg.connect(postgres.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ.update(DATABASE_URL=postgres, SECRET_KEY="bench", HTTPS_ONLY="false")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed() -> str:
    from django.utils import timezone

    from core.enums import IncidentStatus, Protocol, Severity, Status
    from incidents.models import Incident, IncidentUpdate
    from monitors.models import Category, DailyRollup, Monitor
    from statuspage.models import ApiKey

    now, today = timezone.now(), timezone.localdate()
    categories = Category.objects.bulk_create(
        Category(name=f"Kategori {n:02d} – Webbhotell", display_order=n) for n in range(CATEGORIES)
    )
    statuses = [Status.UP] * 96 + [Status.DOWN] * 2 + [Status.PENDING, Status.MAINTENANCE]
    monitors = Monitor.objects.bulk_create(
        (
            Monitor(
                name=f"Nätverksnod {n:05d}",
                protocol=Protocol.HTTP if n % 3 else Protocol.TCP,
                target=f"node{n}.bitup.se",
                port=None if n % 3 else 443,
                status=statuses[n % len(statuses)],
                last_check=now - timedelta(seconds=n % 60),
                is_active=n < MONITORS,
                category=None if n % 25 == 0 else categories[n % CATEGORIES],
            )
            for n in range(MONITORS + PAUSED)
        ),
        batch_size=1000,
    )
    DailyRollup.objects.bulk_create(
        (
            DailyRollup(
                monitor=m, day=today - timedelta(days=d), checks=1440, successes=1440 - m.pk % 7
            )
            for m in monitors
            for d in range(DAYS)
        ),
        batch_size=5000,
    )
    incidents = Incident.objects.bulk_create(
        Incident(
            name=f"Nätverksfördröjning {n}",
            severity=Severity.OUTAGE if n % 2 else Severity.DEGRADED,
            status=IncidentStatus.RESOLVED if n % 4 else IncidentStatus.MONITORING,
            resolved_at=now - timedelta(days=n // 4) if n % 4 else None,
            message="Felet är åtgärdat", created_at=now - timedelta(days=n // 4, hours=2),
        )
        for n in range(INCIDENTS)
    )  # fmt: skip
    links = Incident.monitors.through
    links.objects.bulk_create(
        links(incident=incident, monitor=monitors[(i * 7 + k) % MONITORS])
        for i, incident in enumerate(incidents)
        for k in range(3)
    )
    IncidentUpdate.objects.bulk_create(
        IncidentUpdate(incident=incident, status=IncidentStatus.INVESTIGATING, message=f"Steg {k}",
                       created_at=incident.created_at + timedelta(minutes=10 * k))
        for incident in incidents
        for k in range(3)
    )  # fmt: skip
    return ApiKey.generate("bench", read_only=True)[1]


def timed(client, key: str, params: dict, runs: int) -> tuple[float, float, int]:
    times, size = [], 0
    for _ in range(runs + 1):  # the first run warms caches and is not counted
        start = time.perf_counter()
        response = client.get("/api.php", {"key": key, **params}, secure=True)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.content[:200]
        size = len(response.content)
    return statistics.median(times[1:]), min(times[1:]), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", help="a PostgreSQL URL to a database to drop and refill")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    configure(args.postgres)
    start = time.perf_counter()
    key = seed()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    print(
        f"{connection.vendor}, nproc {os.cpu_count()}: {MONITORS} active monitors "
        f"(+{PAUSED} paused) in {CATEGORIES} categories, {DAYS} days of rollups, "
        f"{INCIDENTS} incidents; seeded in {time.perf_counter() - start:.1f} s"
    )
    client = Client()
    print(f"{'request':<38} {'median':>9} {'best':>9} {'bytes':>10} {'queries':>8}")
    for params in ACTIONS:
        with CaptureQueriesContext(connection) as queries:
            median, best, size = timed(client, key, params, args.runs)
        label = "&".join(f"{k}={v}" for k, v in params.items())
        per_request = len(queries) // (args.runs + 1)
        print(
            f"{label:<38} {median * 1000:7.1f}ms {best * 1000:7.1f}ms {size:>10} {per_request:>8}"
        )


if __name__ == "__main__":
    main()
