"""Messages waiting in each location's probe queue, asked of the broker: LLEN
on Redis, the files in the folder of the filesystem broker (the embedded
default). Both answer a passive queue declare."""

from typing import Any

from core.locations import probe_queue
from statuspage.celery import app

CONNECT_TIMEOUT = 2  # seconds: the admin page must not hang on a dead broker


def waiting(locations: list[str]) -> dict[str, int | None]:
    """Per location code, the messages waiting; None when the broker cannot say."""
    found: dict[str, int | None] = dict.fromkeys(locations)
    try:
        with app.connection_for_read(connect_timeout=CONNECT_TIMEOUT) as conn:
            conn.ensure_connection(max_retries=1, timeout=CONNECT_TIMEOUT)
            channel: Any = conn.default_channel
            for code in locations:
                try:
                    found[code] = channel.queue_declare(
                        queue=probe_queue(code), passive=True
                    ).message_count
                except Exception:  # noqa: BLE001 - a queue not declared yet: unknown
                    channel = conn.channel()
    except Exception:  # noqa: BLE001 - an unreachable broker: every count unknown
        return dict.fromkeys(locations)
    return found
