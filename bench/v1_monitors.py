"""How long GET /v1/monitors takes with 10,000 monitors.

Seeds 10,000 monitors of all three protocols into a throwaway test database
(SQLite in memory, or test_<name> beside the PostgreSQL database that
DATABASE_URL names), then times full requests through the Django stack
(middleware, key lookup, serialisation, JSON) and prints the times, the body
size, the query count and nproc:

    .venv/bin/python bench/v1_monitors.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sp_v1_bench \
        .venv/bin/python bench/v1_monitors.py

The target: well under a second.
"""

import os
import statistics
import sys
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "statuspage.test_settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

MONITORS, RUNS = 10_000, 15


def seed() -> str:
    """The monitors, and a key to read them with."""
    from core.enums import Location, Protocol
    from monitors.models import Monitor
    from statuspage.models import ApiKey

    locations = list(Location.values)

    def monitor(n: int) -> Monitor:
        kind = (Protocol.HTTP, Protocol.HTTP, Protocol.TCP, Protocol.PING)[n % 4]
        return Monitor(
            name=f"Service {n:05d}",
            protocol=kind,
            target=f"https://s{n}.example.test/health" if kind == Protocol.HTTP else f"h{n}.test",
            port=443 if kind == Protocol.TCP else None,
            locations=",".join(locations[n % 9 : n % 9 + 2]),
            expected_status_codes="200,301" if n % 3 else "",
            http_headers="Accept: application/json" if kind == Protocol.HTTP else "",
        )

    Monitor.objects.bulk_create((monitor(n) for n in range(MONITORS)), batch_size=1000)
    return ApiKey.generate("bench")[1]


def measure(client: Client) -> None:
    # HTTPS: production settings (a DATABASE_URL) redirect plain HTTP.
    get = partial(client.get, "/v1/monitors", secure=True)
    response = get()  # warm: connection, key's last use, code paths
    assert response.status_code == 200 and len(response.json()) == MONITORS, response.status_code
    queries = []

    def count(execute, sql, *args):
        queries.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(count):
        get()
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = get()
        times.append(time.perf_counter() - started)
    print(f"GET /v1/monitors, {MONITORS:,} monitors, {connection.vendor}, nproc {os.cpu_count()}")
    print(f"  {len(response.content) / 1e6:.1f} MB of JSON, {len(queries)} queries")
    print(
        f"  median {statistics.median(times) * 1000:.0f} ms, "
        f"min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms over {RUNS} requests"
    )


def main() -> None:
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        key = seed()
        measure(Client(headers={"X-API-Key": key}, SERVER_NAME="localhost"))
    finally:
        teardown_databases(databases, verbosity=0)


if __name__ == "__main__":
    main()
