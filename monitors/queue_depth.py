"""Messages waiting in the broker's queues: the one way the engine's
readers (engine_status, the cockpit, /health, /metrics) ask.

LLEN on Redis, the files in the filesystem broker's folder (the embedded
default), the count on AMQP: every transport's channel answers a queue
declare. Not a passive one: Redis keeps no key for an empty queue (a passive
declare says "not found") and kombu's EXISTS ignores a global key prefix;
a declare only counts and creates nothing."""

import math
from collections.abc import Iterable
from typing import Any

from celery import current_app
from kombu import Connection

CONNECT_TIMEOUT = 2.0  # seconds: no reader may hang on a dead broker


def waiting(queues: Iterable[str], timeout: float = CONNECT_TIMEOUT) -> dict[str, int | None]:
    """Per queue name, the messages waiting; None where the broker cannot say
    (every queue, when it cannot be reached)."""
    names = list(queues)
    found: dict[str, int | None] = dict.fromkeys(names)
    try:
        with current_app.connection_for_read(connect_timeout=timeout) as conn:
            conn.ensure_connection(max_retries=1, timeout=math.ceil(timeout))
            return counted(conn, names)
    except Exception:  # noqa: BLE001 - kombu raises its own and the transport's errors
        return found


def counted(conn: Connection, names: list[str]) -> dict[str, int | None]:
    """Per queue name, the messages waiting, on an open connection (None for
    a queue the broker refuses to count)."""
    found: dict[str, int | None] = dict.fromkeys(names)
    channel: Any = conn.default_channel
    for name in names:
        try:
            found[name] = channel.queue_declare(queue=name).message_count
        except conn.channel_errors:  # this queue alone: unknown
            channel = conn.channel()
    return found
