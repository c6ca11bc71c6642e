"""The subscribers' sending keeps off the staff's alerts and the probes: the
fan-out, the batches and the account mails go to the ``subscribers`` queue
(the tasks name it, so every ``.delay`` goes there), which every deployment's
main worker consumes; the periodic scan stays on the default queue and every
task has a time limit, so a stuck SMTP server cannot hold a worker for ever."""

import re
import shlex

from celery.signals import before_task_publish
from kombu import Connection

from alerts.subscribers.batch import SEND_TIME_LIMIT
from alerts.tasks import (
    SUBSCRIBERS_QUEUE,
    fan_out_notice,
    scan_subscribers,
    send_notice_batch,
    send_subscriber_mail,
)
from statuspage.celery import app
from tests.services import ROOT

SUBSCRIBER_TASKS = (fan_out_notice, send_notice_batch, send_subscriber_mail)


def test_the_subscriber_tasks_are_routed_to_their_own_queue():
    sent = []

    def record(sender, routing_key, **kwargs) -> None:
        sent.append((sender, routing_key))

    before_task_publish.connect(record)
    try:
        # kombu's own memory transport: app.connection_for_write("memory://")
        # would still use the settings' transport (the shared var/broker).
        with Connection("memory://localhost") as conn:
            fan_out_notice.apply_async(args=[1], connection=conn)
            send_notice_batch.apply_async(args=[[1, 2]], connection=conn)
            send_subscriber_mail.apply_async(args=[1, "confirm"], connection=conn)
            scan_subscribers.apply_async(connection=conn)
    finally:
        before_task_publish.disconnect(record)
    assert SUBSCRIBERS_QUEUE == "subscribers"
    assert dict(sent) == {
        fan_out_notice.name: "subscribers",
        send_notice_batch.name: "subscribers",
        send_subscriber_mail.name: "subscribers",
        scan_subscribers.name: "celery",  # periodic and short: beside the other scans
    }
    assert "subscribers" in app.amqp.queues  # declared, so a worker without -Q consumes it
    assert "subscribers" in app.amqp.queues.consume_from


def test_every_subscriber_task_has_a_time_limit_and_is_acknowledged_late():
    for task in (*SUBSCRIBER_TASKS, scan_subscribers):
        assert task.time_limit and task.soft_time_limit < task.time_limit, task.name
    for task in SUBSCRIBER_TASKS:  # a worker killed mid-batch leaves it to another
        assert task.acks_late, task.name
    # The batch's claim outlasts the task that holds it (batch.CLAIM).
    assert send_notice_batch.time_limit == SEND_TIME_LIMIT


def consumes_subscribers(command: str) -> bool:
    """Does this celery worker command consume the subscribers queue? Without
    -Q/--queues it consumes every declared queue but those it excludes."""
    words = shlex.split(command)
    listed: set[str] | None = None
    excluded: set[str] = set()
    for flag, value in zip(words, words[1:], strict=False):
        if flag in ("-Q", "--queues"):
            listed = set(value.split(","))
        elif flag in ("-X", "--exclude-queues"):
            excluded = set(value.split(","))
    if listed is None:
        return "subscribers" not in excluded
    return "subscribers" in listed


def test_every_deployment_has_a_worker_that_consumes_the_subscribers_queue():
    """`make run` (Procfile, whose main worker excludes only the probe queues)
    and systemd (whose main worker lists its queues with -Q)."""
    procfile = (ROOT / "Procfile").read_text()
    systemd = (ROOT / "deploy" / "systemd" / "statuspage-worker.service").read_text()
    workers = {
        "Procfile": re.findall(r"^\w+: (celery .* worker .*)$", procfile, re.M),
        "systemd": re.findall(r"^ExecStart=(\S*celery .* worker .*)$", systemd, re.M),
    }
    for where, commands in workers.items():
        assert commands, where
        assert any(map(consumes_subscribers, commands)), (where, commands)
    assert not consumes_subscribers("celery -A statuspage worker -Q celery,alerts")
