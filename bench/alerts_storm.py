"""An outage storm: how long the alert pipeline takes when many monitors go
down at once, and what the periodic scan costs while they stay down.

Seeds a throwaway test database (in-memory SQLite, or PostgreSQL's test_<name>
when DATABASE_URL is set) with MONITORS monitors in CATEGORIES categories and
three channels (everyone, one category, ten chosen monitors), writes a down
StatusEvent for each as the probe engine would, then times:

- reading the events and raising the alerts (process_new_events, in batches),
  for the outage and for the recovery;
- the scan (announce_still_down + certificate warnings) with every monitor down;
- sending deliveries one after the other to a local HTTP receiver (the send
  task's own cost per message: claim, POST, log, finish).

    .venv/bin/python bench/alerts_storm.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sp_alerts .venv/bin/python bench/alerts_storm.py
"""

import os
import sys
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "statuspage.test_settings")

import django  # noqa: E402

django.setup()

from django.test.utils import setup_databases, teardown_databases  # noqa: E402

MONITORS, CATEGORIES, SENDS = 10_000, 20, 500


def receiver() -> str:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/hook"


def seed(url: str) -> None:
    from django.utils import timezone

    from alerts.models import NotificationChannel
    from core.enums import Protocol, Status
    from monitors.models import Category, Monitor, StatusEvent

    now = timezone.now()
    categories = Category.objects.bulk_create(
        Category(name=f"Category {n}", display_order=n) for n in range(CATEGORIES)
    )
    monitors = Monitor.objects.bulk_create(
        (
            Monitor(
                name=f"node {n:05d}",
                protocol=Protocol.HTTP,
                target=f"https://n{n}.test/",
                status=Status.DOWN,
                status_changed_at=now,
                resend_every=600,
                ssl_alert_days=7,
                cert_expires_at=now + timedelta(days=60),
                category=categories[n % CATEGORIES],
            )  # fmt: skip
            for n in range(MONITORS)
        ),
        batch_size=1000,
    )
    everyone = NotificationChannel.objects.create(name="all", kind="webhook", target=url)
    one_category = NotificationChannel.objects.create(name="cat", kind="webhook", target=url)
    one_category.categories.add(categories[0])
    chosen = NotificationChannel.objects.create(name="ten", kind="webhook", target=url)
    chosen.monitors.add(*monitors[:10])
    assert everyone.pk
    StatusEvent.objects.bulk_create(
        (
            StatusEvent(
                monitor=m, at=now, from_status=Status.UP, to_status=Status.DOWN, reason="HTTP 503"
            )  # fmt: skip
            for m in monitors
        ),
        batch_size=2000,
    )


def main() -> None:
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        run()
    finally:
        teardown_databases(databases, verbosity=0)


def run() -> None:
    url = receiver()
    seed(url)

    from django.utils import timezone

    from alerts.certificates import warn_of_expiring_certificates
    from alerts.delivery import attempt_delivery
    from alerts.events import process_new_events
    from alerts.resend import announce_still_down

    now = timezone.now()
    start = time.perf_counter()
    deliveries, rounds = [], 0
    while batch := process_new_events(now):
        deliveries += batch
        rounds += 1
    decide_s = time.perf_counter() - start

    start = time.perf_counter()
    again = announce_still_down(now + timedelta(seconds=30), in_maintenance=set())
    again += warn_of_expiring_certificates(now + timedelta(seconds=30), in_maintenance=set())
    scan_s = time.perf_counter() - start
    assert again == []

    start = time.perf_counter()
    for delivery_id in deliveries[:SENDS]:
        assert attempt_delivery(delivery_id).sent
    send_s = time.perf_counter() - start

    from core.enums import Status
    from monitors.models import Monitor, StatusEvent

    back = now + timedelta(minutes=5)
    StatusEvent.objects.bulk_create(
        (
            StatusEvent(
                monitor_id=pk,
                at=back,
                from_status=Status.DOWN,
                to_status=Status.UP,
                reason="HTTP 200",
            )  # fmt: skip
            for pk in Monitor.objects.values_list("pk", flat=True)
        ),
        batch_size=2000,
    )
    Monitor.objects.update(status=Status.UP, status_changed_at=back)
    start = time.perf_counter()
    recovered = []
    while batch := process_new_events(back):
        recovered += batch
    recover_s = time.perf_counter() - start

    from django.db import connection

    print(f"database: {connection.vendor}, cores: {os.cpu_count()}")
    print(f"{MONITORS} monitors down at once -> {len(deliveries)} deliveries in {rounds} reads")
    print(f"  read events + raise alerts: {decide_s:.2f} s "
          f"({1000 * decide_s / MONITORS:.2f} ms per monitor)")  # fmt: skip
    print(f"  all back up -> {len(recovered)} deliveries in {recover_s:.2f} s")
    print(f"  scan with all {MONITORS} down (nothing due): {scan_s * 1000:.0f} ms")
    print(f"  send {SENDS} webhooks one by one: {send_s:.2f} s "
          f"({1000 * send_s / SENDS:.1f} ms each, per worker process)")  # fmt: skip


if __name__ == "__main__":
    main()
