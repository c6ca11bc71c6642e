"""The embedded default's broker (kombu's file-system transport, with
statuspage/embedded_broker.py): a consumer reading while producer processes
write gets every message whole, never a torn one (which stopped a worker)."""

import multiprocessing

from kombu import Connection

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
