"""The embedded default's broker (kombu's file-system transport, with
statuspage/embedded_broker.py): a consumer reading while producer processes
write gets every message whole, never a torn one (which stopped a worker)."""

import multiprocessing

from django.conf import settings
from kombu import Connection

from statuspage.embedded import embedded_broker_options
from statuspage.embedded_broker import Transport

MESSAGES = 800


def connection(folder) -> Connection:
    options = {"data_folder_in": str(folder), "data_folder_out": str(folder)}
    return Connection("filesystem://", transport=Transport, transport_options=options)


def produce(folder, first: int) -> None:
    with connection(folder) as conn:
        queue = conn.SimpleQueue("celery")
        for number in range(first, MESSAGES, 2):
            queue.put({"number": number, "padding": "x" * 20_000})
        queue.close()


def test_a_consumer_reading_while_producers_write_gets_every_message_whole(tmp_path):
    # Spawned, not forked: a fork copies the locks that the suite's other
    # threads hold at that moment, and a producer stuck on one sent nothing.
    spawn = multiprocessing.get_context("spawn")
    producers = [spawn.Process(target=produce, args=(tmp_path, first)) for first in (0, 1)]
    for producer in producers:
        producer.start()
    received = []
    with connection(tmp_path) as conn:
        queue = conn.SimpleQueue("celery")
        while len(received) < MESSAGES:
            message = queue.get(timeout=30)  # raises on a torn message, or Empty if one is lost
            received.append(message.payload["number"])
            assert len(message.payload["padding"]) == 20_000
            message.ack()
        queue.close()
    for producer in producers:
        producer.join(timeout=30)
        assert producer.exitcode == 0
    assert sorted(received) == list(range(MESSAGES))


def test_the_embedded_broker_polls_an_empty_queue_ten_times_a_tick():
    # Beat's dispatch expires after one tick: a second's poll of an empty
    # folder (kombu's default) made a dispatch sent just after a poll wait
    # past its expiry (the soak test's log: 40 dispatches discarded in 150 s).
    with Connection(
        "filesystem://", transport=Transport, transport_options=embedded_broker_options()
    ) as conn:
        assert conn.transport.polling_interval <= settings.PROBE_DISPATCH_INTERVAL / 10
