"""Sending stays off the probing path: its own queue, consumed by any worker
started without -Q, and periodic tasks that expire rather than pile up."""

import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from celery.signals import before_task_publish
from django.conf import settings
from django.utils import timezone

from alerts.tasks import (
    fan_out_notice,
    process_events,
    scan,
    scan_subscribers,
    send_delivery,
    send_notice_batch,
    send_subscriber_mail,
)
from core.enums import Status
from statuspage.celery import app
from tests.alerting import change_status
from tests.services import ROOT, need_postgres, need_redis

ALERTS_REDIS = "redis://127.0.0.1:6379/5"


def test_sending_has_its_own_queue_that_a_worker_without_q_consumes():
    published = []

    def record(sender, routing_key, **kwargs) -> None:
        published.append((sender, routing_key))

    before_task_publish.connect(record)
    try:
        with app.connection_for_write("memory://") as conn:
            send_delivery.apply_async(args=[1], connection=conn)
            process_events.apply_async(connection=conn)
    finally:
        before_task_publish.disconnect(record)
    routes = dict(published)
    assert routes[send_delivery.name] == "alerts"
    assert routes[process_events.name] == "celery"
    # With no -Q a worker consumes every queue in task_queues.
    assert "alerts" in app.amqp.queues.consume_from
    assert "celery" in app.amqp.queues.consume_from


def test_every_alerts_task_has_a_time_limit_and_every_beat_entry_expires():
    tasks = (process_events, scan, send_delivery, scan_subscribers, fan_out_notice)
    for task in (*tasks, send_notice_batch, send_subscriber_mail):
        assert task.time_limit and task.soft_time_limit < task.time_limit
    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"].startswith("alerts.")]
    assert {e["task"] for e in entries} == {process_events.name, scan.name, scan_subscribers.name}
    for entry in entries:
        assert entry["options"]["expires"] <= entry["schedule"]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_without_q_reads_the_change_and_sends_it(
    make_channel, make_monitor, http_receiver
):
    """The whole path through Redis: the beat task on the default queue, the
    send task on ``alerts``, one worker started without -Q running both."""
    from django.db import connection

    need_redis()
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs a database server it can share")
    need_postgres()
    make_channel("webhook", http_receiver.url, secret="k")
    monitor = make_monitor(status=Status.UP)
    change_status(monitor, Status.DOWN, timezone.now() - timedelta(seconds=1), "Timeout")

    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "statuspage.test_settings",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:"
        f"{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": ALERTS_REDIS,
    }
    app.connection_for_write(ALERTS_REDIS).default_channel.client.flushdb()
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "statuspage", "worker", "--pool", "solo",
         "--loglevel", "WARNING", "--without-heartbeat", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        with app.connection_for_write(ALERTS_REDIS) as conn:
            process_events.apply_async(connection=conn)
        deadline = time.monotonic() + 60
        while not http_receiver.received and time.monotonic() < deadline:
            assert worker.poll() is None, worker.stdout.read()
            time.sleep(0.2)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0]
    assert len(http_receiver.received) == 1, output
    assert http_receiver.received[0].json()["event"] == "down"
    assert http_receiver.received[0].signed_with("k")
