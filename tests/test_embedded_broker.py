"""The embedded default's broker (kombu's file-system transport, with
statuspage/embedded_broker.py): a consumer reading while producer processes
write gets every message whole, never a torn one (which stopped a worker)."""

import multiprocessing
import threading
import time

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


def test_a_waiting_consumer_gets_a_message_within_a_fraction_of_a_second(tmp_path):
    # Beat's dispatch expires after one tick: a second's poll of an empty
    # folder (kombu's default) lost ticks to expiry on the embedded default.
    options = embedded_broker_options() | {
        "data_folder_in": str(tmp_path), "data_folder_out": str(tmp_path),
    }  # fmt: skip
    delays = []
    with Connection("filesystem://", transport=Transport, transport_options=options) as conn:
        consumer, producer = conn.SimpleQueue("celery"), conn.clone().SimpleQueue("celery")
        sent: list[float] = []

        def send() -> None:
            sent.append(time.monotonic())
            producer.put({})

        # Sent at moments spread over a second of the consumer's polling.
        for attempt in range(5):
            timer = threading.Timer(0.33 + 0.17 * attempt, send)
            timer.start()
            consumer.get(timeout=10).ack()
            delays.append(time.monotonic() - sent[-1])
            timer.join()
        producer.close()
    assert max(delays) < 0.5, delays  # a second's polling: ~1 s for one of them
