"""Subscribers' fan-out: one incident announced to SUBSCRIBERS confirmed
email subscribers (and WEBHOOKS webhook ones) through a real local SMTP sink
and HTTP receiver, as the Celery tasks do it, in one process one batch after
the other (a worker's share; more workers split the batches).

Seeds a throwaway test database (in-memory SQLite, or PostgreSQL's
test_<name> when DATABASE_URL is set); prints the time and the SQL queries
of the fan-out and of the sends.

    .venv/bin/python bench/subscribers.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sp_h19 .venv/bin/python bench/subscribers.py
"""

import logging
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "statuspage.test_settings")

import django  # noqa: E402

django.setup()
# aiosmtpd logs every SMTP command at INFO ("mail.log"), and the settings send
# INFO to the console: 10,000 messages would bury the figures.
logging.getLogger("mail.log").setLevel(logging.WARNING)

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_databases,
    teardown_databases,
)

SUBSCRIBERS, WEBHOOKS = 10_000, 200


def seed(hook_url: str) -> int:
    from django.db import transaction
    from django.utils import timezone

    from alerts.models import Subscriber
    from alerts.subscribers.subscribing import default_page
    from core.enums import Protocol, Severity
    from incidents.models import Incident
    from monitors.models import Category, Monitor

    now = timezone.now()
    web = Category.objects.create(name="Web")
    api = Monitor.objects.create(name="API", protocol=Protocol.HTTP, target="https://x.test/",
                                 category=web)  # fmt: skip
    page = default_page()  # everything shown: every subscriber hears of the API
    subscribers = Subscriber.objects.bulk_create(
        (
            Subscriber(
                kind="email",
                address=f"s{n}@example.test",
                token=f"bench-{n}",
                confirmed_at=now,
                language=["en", "sv"][n % 2],
                page=page,
            )  # fmt: skip
            for n in range(SUBSCRIBERS)
        ),
        batch_size=2000,
    )
    # A third chose everything, a third the category, a third the monitor.
    Subscriber.categories.through.objects.bulk_create(
        (Subscriber.categories.through(subscriber=s, category=web) for s in subscribers[1::3]),
        batch_size=2000,
    )
    Subscriber.monitors.through.objects.bulk_create(
        (Subscriber.monitors.through(subscriber=s, monitor=api) for s in subscribers[2::3]),
        batch_size=2000,
    )
    Subscriber.objects.bulk_create(
        Subscriber(
            kind="webhook",
            address=hook_url,
            token=f"hook-{n}",
            secret="k",
            confirmed_at=now,
            page=page,
        )  # fmt: skip
        for n in range(WEBHOOKS)
    )
    with transaction.atomic():
        incident = Incident.objects.create(name="API down", severity=Severity.OUTAGE, message="x")
        incident.monitors.add(api)
    from alerts.models import Notice

    return Notice.objects.get(incident=incident).pk


def main() -> None:
    from statuspage.celery import app

    # The incident's commit queues its fan-out, which the bench runs itself:
    # the message must not reach this machine's shared broker (var/broker),
    # where a `make run` worker would fan out its own database's notice 1.
    app.conf.broker_url, app.conf.broker_transport = "memory://localhost", "memory"
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        run()
    finally:
        teardown_databases(databases, verbosity=0)


def run() -> None:
    from tests.alert_servers import HttpReceiver, SmtpSink

    sink, receiver = SmtpSink(), HttpReceiver(statuses=[204])
    sink.start()
    receiver.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    try:
        notice_id = seed(receiver.url + "/hook")
        from alerts.subscribers.batch import send_batch
        from alerts.subscribers.fanout import fan_out

        with CaptureQueriesContext(connection) as fan_queries:
            start = time.perf_counter()
            batches = fan_out(notice_id)
            fan_s = time.perf_counter() - start
        with CaptureQueriesContext(connection) as send_queries:
            start = time.perf_counter()
            sent = sum(send_batch(batch).sent for batch in batches)
            send_s = time.perf_counter() - start
    finally:
        sink.stop()
        receiver.stop()
    total = SUBSCRIBERS + WEBHOOKS
    assert sent == total == len(sink.messages) + len(receiver.received), sent
    print(f"database: {connection.vendor}, cores (nproc): {os.cpu_count()}")
    print(f"{SUBSCRIBERS} email + {WEBHOOKS} webhook subscribers, one incident")
    print(f"  fan-out: {fan_s:.2f} s, {len(fan_queries)} queries, {len(batches)} batches")
    print(f"  send all batches in one process: {send_s:.1f} s, {len(send_queries)} queries "
          f"({len(send_queries) / len(batches):.1f} a batch; "
          f"{1000 * send_s / total:.2f} ms a message)")  # fmt: skip


if __name__ == "__main__":
    main()
