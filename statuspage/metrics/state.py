"""What /metrics reads at scrape time rather than counts as it happens: the
monitors by status (one query) and the messages waiting in each queue of the
broker (one connection). A part that cannot be read says so in its ``_up``
gauge and the rest of the scrape still answers."""

import logging
from collections.abc import Iterator

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count
from kombu import Connection
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from core.enums import Status
from monitors import queue_depth
from monitors.models import Monitor

logger = logging.getLogger(__name__)
BROKER_TIMEOUT = 2  # seconds; a scrape must not hang on a broker that is gone
PAUSED = "paused"


def monitors_by_status() -> dict[str, int]:
    """Active monitors by status, and the paused ones as ``paused``."""
    counts = dict.fromkeys([*Status.values, PAUSED], 0)
    rows = Monitor.objects.values_list("is_active", "status").annotate(n=Count("id")).order_by()
    for active, status, n in rows:
        counts[status if active else PAUSED] += n
    return counts


def queue_lengths(connection: Connection) -> dict[str, int]:
    """Messages waiting in each queue the product declares (0 for a queue
    never used: the broker has not made it yet)."""
    connection.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT)
    names = [queue.name for queue in settings.CELERY_TASK_QUEUES]
    return {name: n or 0 for name, n in queue_depth.counted(connection, names).items()}


def broker_queue_lengths() -> dict[str, int]:
    from statuspage.celery import app  # the app's broker, as the workers use it

    with app.connection_for_read(connect_timeout=BROKER_TIMEOUT) as connection:
        return queue_lengths(connection)


class EngineState(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield from self._monitors()
        yield from self._queues()

    def _monitors(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily("statuspage_database_up", "1 if /metrics could read the database.")
        try:
            counts = monitors_by_status()
        except DatabaseError as error:  # one line a scrape while it is down, no traceback
            logger.warning("metrics: the database could not be read: %s", error)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        family = GaugeMetricFamily(
            "statuspage_monitors", "Monitors by status (paused: not active).", labels=["status"]
        )
        for status, n in counts.items():
            family.add_metric([status], n)
        yield family

    def _queues(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily("statuspage_broker_up", "1 if /metrics could read the broker.")
        try:
            lengths = broker_queue_lengths()
        except Exception as error:  # any broker's failure: the scrape must still answer
            logger.warning("metrics: the broker could not be read: %r", error)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        family = GaugeMetricFamily(
            "statuspage_queue_messages", "Messages waiting in each broker queue.", labels=["queue"]
        )
        for name, n in lengths.items():
            family.add_metric([name], n)
        yield family
