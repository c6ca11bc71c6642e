"""A probe worker killed with SIGKILL in the middle of a batch, beside a
second probe worker, on a PostgreSQL and a Redis of their own: every monitor
is checked again within an interval and a tick of the kill, the killed
worker's batches are redelivered by the broker and run by the other worker,
and no check is counted twice. The broker here hands out unacknowledged
messages again after a few seconds (tests/fault_settings.py), so the batches
of the living worker are redelivered too: recording must drop those copies."""

import base64
import json
import os
import re
import signal
import time
from datetime import UTC, datetime, timedelta

import pytest
import redis

from tests.product_processes import (  # noqa: F401
    CountingTarget,
    Reader,
    batches_in_hand,
    collected_static_fixture,
    counted_more_than_probed,
    product_fixture,
    within,
)

pytestmark = pytest.mark.slow

FREQUENCY = 10
TICK = 1  # PROBE_DISPATCH_INTERVAL
PROBE_SECONDS = 1.5  # how long the target takes to answer
VISIBILITY_TIMEOUT = 3


def unacknowledged(broker: redis.Redis, prefix: str) -> dict[str, list]:
    """The items (monitor id, slot) of every batch handed out and not yet acknowledged."""
    found = {}
    for raw in broker.hvals(f"{prefix}unacked"):
        message = json.loads(raw)[0]
        if message["headers"]["task"] == "monitors.tasks.probe_batch":  # not dispatch, say
            location, items = json.loads(base64.b64decode(message["body"]))[0]
            found[message["headers"]["id"]] = items
    return found


SUCCEEDED = re.compile(r"probe_batch\[([0-9a-f-]+)\] succeeded in [0-9.]+s: (\d+)$", re.M)


def test_a_probe_worker_killed_mid_batch_loses_no_check_and_counts_none_twice(
    product, throwaway_redis
):
    target = CountingTarget(delay=PROBE_SECONDS)
    product.env |= {"FAULT_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT), "PROBE_BATCH_SIZE": "3"}
    product.start_main_worker()
    victim, survivor = product.start_probe_worker("probes1"), product.start_probe_worker("probes2")
    product.start_beat()
    product.wait_for_dispatch()
    monitors = product.create_monitors(target.urls(30), FREQUENCY)
    db = Reader(product.env["DATABASE_URL"])
    broker = redis.Redis.from_url(throwaway_redis.url)
    prefix = product.env["ENGINE_KEY_PREFIX"]
    started = time.monotonic()
    checked = lambda: set(target.checks(monitors)) >= set(monitors)  # noqa: E731
    assert within(started + 40, checked) is not None

    def probing() -> bool:  # the victim holds a batch whose probes are under way
        held = unacknowledged(broker, prefix)
        in_hand, now = batches_in_hand(product.log("probes1")), datetime.now(UTC)
        begun = [now - datetime.fromisoformat(items[0][1]) for task_id, items in held.items()
                 if task_id in in_hand]  # fmt: skip
        return any(timedelta(seconds=0.2) < since < timedelta(seconds=1) for since in begun)

    assert within(time.monotonic() + 20, probing, every=0.05) is not None
    held = unacknowledged(broker, prefix)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(10)
    killed_at = db.now()
    lost = batches_in_hand(product.log("probes1")) & set(held)
    assert lost, "the worker held no batch when it was killed"

    time.sleep(FREQUENCY + TICK + PROBE_SECONDS + 2)
    # When the target was asked: after the kill, only by the living worker.
    first_after = {pk: min(times) for pk, times in target.checks(monitors, killed_at).items()}
    unchecked = [pk for pk in monitors if pk not in first_after]
    late = {pk: (at - killed_at).total_seconds() for pk, at in first_after.items()
            if at - killed_at > timedelta(seconds=FREQUENCY + TICK)}  # fmt: skip
    assert unchecked == [] and late == {}, "monitors not checked within an interval and a tick"

    # The killed worker's batches were redelivered to the other worker, which
    # probed their checks at their slots and recorded every one (the killed
    # worker's probes reached the target too, but it never recorded them).
    survivor_log = product.log("probes2")
    assert all(f"probe_batch[{task_id}] received" in survivor_log for task_id in lost)
    by_survivor = {task_id: 0 for task_id in lost}
    for task_id, recorded in SUCCEEDED.findall(survivor_log):
        if task_id in lost:
            by_survivor[task_id] += int(recorded)
    assert by_survivor == {task_id: len(held[task_id]) for task_id in lost}, "lost with the worker"
    checks = target.checks(monitors)
    for task_id in lost:
        for pk, slot in held[task_id]:
            due = datetime.fromisoformat(slot)
            on_time = [
                at for at in checks[pk] if due <= at < due + timedelta(seconds=FREQUENCY / 2)
            ]
            assert on_time, f"monitor {pk}'s check due at {slot} was lost with the killed worker"
    # A batch the broker handed out twice (a copy of one already recorded, when
    # the copy's timing allows one) records its checks in one run only...
    runs: dict[str, list[int]] = {}
    for log in (product.log("probes1"), survivor_log):
        for task_id, recorded in SUCCEEDED.findall(log):
            runs.setdefault(task_id, []).append(int(recorded))
    assert {t: r for t, r in runs.items() if sum(n > 0 for n in r) > 1} == {}
    # ... so no check is counted twice: no monitor's rollups count more checks
    # than slots of its grid the target was asked for (a copy probed again
    # asks twice for one slot; the killed worker's probes once more).
    assert counted_more_than_probed(db, target, monitors, step=FREQUENCY) == {}
    assert survivor.poll() is None
    recorded, probes = sum(db.rollup_checks().values()), sum(map(len, checks.values()))
    print(f"killed {len(lost)} batches in hand; {recorded} checks recorded of {probes} probes "
          f"in {time.monotonic() - started:.0f} s")  # fmt: skip
