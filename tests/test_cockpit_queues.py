"""The engine page's "messages waiting" per location, asked of the real broker:
the filesystem broker of the embedded default and Redis in production."""

import redis
from kombu import Connection

from statuspage.celery import app
from statuspage.cockpit import queues


def publish(url: str, options: dict, queue: str, count: int) -> None:
    with Connection(url, transport_options=options) as conn:
        producer = conn.Producer(serializer="json")
        for n in range(count):
            producer.publish({"n": n}, routing_key=queue, declare=[conn.SimpleQueue(queue).queue])


def point_at(monkeypatch, url: str) -> None:
    # Celery derives broker_read_url from the broker URL it was configured
    # with (CI's Redis): the page reads through it, so it moves too.
    monkeypatch.setitem(app.conf, "broker_url", url)
    monkeypatch.setitem(app.conf, "broker_read_url", url)


def test_messages_waiting_in_the_filesystem_brokers_folder(tmp_path, monkeypatch):
    folder = str(tmp_path)
    options = {"data_folder_in": folder, "data_folder_out": folder, "store_processed": False}
    point_at(monkeypatch, "filesystem://")
    monkeypatch.setitem(app.conf, "broker_transport_options", options)
    publish("filesystem://", options, "probes.USE", 3)
    assert queues.waiting(["USE", "UK"]) == {"USE": 3, "UK": 0}


def use_redis(monkeypatch, url: str) -> None:
    point_at(monkeypatch, url)
    monkeypatch.setitem(app.conf, "broker_transport", None)  # the embedded default names one


def test_messages_waiting_in_redis_are_its_list_lengths(throwaway_redis, monkeypatch):
    use_redis(monkeypatch, throwaway_redis.url)
    monkeypatch.setitem(app.conf, "broker_transport_options", {})
    publish(throwaway_redis.url, {}, "probes.UK", 2)
    assert redis.Redis.from_url(throwaway_redis.url).llen("probes.UK") == 2
    assert queues.waiting(["UK"]) == {"UK": 2}


def test_an_unreachable_broker_is_unknown_not_an_error(throwaway_redis, monkeypatch):
    throwaway_redis.stop()
    use_redis(monkeypatch, throwaway_redis.url)
    assert queues.waiting(["USE"]) == {"USE": None}
