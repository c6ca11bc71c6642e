"""Claiming due monitors: atomic, on the monitor's own grid, never twice."""

import logging
import random
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, connections, transaction

from monitors import scheduling
from monitors.models import Monitor
from monitors.phase import grid_at_or_after, phase

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def claimed(now: datetime) -> dict[int, datetime]:
    return {c.monitor_id: c.slot for c in scheduling.claim_due(now)}


def next_check(monitor: Monitor) -> datetime:
    monitor.refresh_from_db()
    return monitor.next_check_at


def grid(monitor: Monitor, at: datetime) -> datetime:
    """The monitor's first slot not before ``at``."""
    return grid_at_or_after(monitor.pk, timedelta(seconds=monitor.frequency), at)


@pytest.mark.django_db
def test_a_new_monitor_is_due_at_once_and_then_on_its_grid(make_monitor):
    monitor = make_monitor(frequency=60)
    assert claimed(T0) == {monitor.pk: T0}
    # Its grid's first slot at least an interval on: within 60 to 120 s.
    following = next_check(monitor)
    assert following == grid(monitor, T0 + timedelta(seconds=60))
    assert timedelta(seconds=60) <= following - T0 < timedelta(seconds=120)
    assert claimed(following - timedelta(seconds=8)) == {}
    # Claimed a little ahead (the probe waits for its slot), on the slot itself.
    assert claimed(following - timedelta(seconds=2)) == {monitor.pk: following}
    assert next_check(monitor) == following + timedelta(seconds=60)


@pytest.mark.django_db
def test_the_schedule_does_not_drift_however_late_the_ticks(make_monitor):
    start = T0 + timedelta(seconds=7)
    monitor = make_monitor(frequency=30)
    monitor.next_check_at = first = grid(monitor, start)
    monitor.save()
    claimed(first - timedelta(seconds=60))  # the save re-anchors it: claimed at once, then
    first = next_check(monitor)
    rng = random.Random(6)
    slots = []
    for k in range(200):
        tick = first + timedelta(seconds=30 * k + rng.uniform(-2.5, 2.5))
        slots += claimed(tick).values()
    assert slots == [first + timedelta(seconds=30 * k) for k in range(200)]
    assert next_check(monitor) == first + timedelta(seconds=30 * 200)


@pytest.mark.django_db
def test_monitors_made_at_once_fall_due_evenly_across_their_interval(make_monitor):
    """An import of a thousand monitors: the first checks come at once, every
    later round is spread flat over the interval, and stays so."""
    Monitor.objects.bulk_create(
        Monitor(name=f"m{n}", protocol="http", target="https://x.test/", frequency=30)
        for n in range(1000)
    )
    assert len(scheduling.claim_all(T0)) == 1000
    due = Monitor.objects.values_list("next_check_at", flat=True)
    seconds = [(at - T0).total_seconds() for at in due]
    assert min(seconds) >= 30 and max(seconds) < 60
    # Every second of the interval gets its share, never more than twice it.
    per_second = [0] * 30
    for second in seconds:
        per_second[int(second - 30)] += 1
    assert max(per_second) <= 2 * 1000 / 30 and min(per_second) >= 1000 / 30 / 2
    # A round later (a restart in between changes nothing: the grid is in the rows'
    # ids), each is due exactly one interval on.
    claims, tick = [], T0 + timedelta(seconds=30) - scheduling.lookahead()
    while len(claims) < 1000:
        claims += scheduling.claim_all(tick)
        tick += timedelta(seconds=1)
    assert tick <= T0 + timedelta(seconds=61) - scheduling.lookahead()
    assert len({c.monitor_id for c in claims}) == len(claims) == 1000
    assert sorted(Monitor.objects.values_list("next_check_at", flat=True)) == sorted(
        at + timedelta(seconds=30) for at in due
    )


@pytest.mark.django_db
def test_a_monitor_far_behind_runs_once_at_a_catch_up_time_within_its_interval(
    make_monitor, caplog
):
    monitor = make_monitor(frequency=60)
    on_grid = grid(monitor, T0)
    Monitor.objects.filter(pk=monitor.pk).update(
        next_check_at=on_grid - timedelta(hours=1), claimed_at=T0, updated_at=T0 - timedelta(days=1)
    )
    now = on_grid + timedelta(seconds=10)
    catch_up = now + phase(monitor.pk, timedelta(seconds=60))
    claims = scheduling.claim_due(now)
    assert [(c.monitor_id, c.slot) for c in claims] == [(monitor.pk, catch_up)]
    assert claims[0].skipped_slots == 60
    with caplog.at_level(logging.WARNING, logger="monitors.scheduling"):
        scheduling.report_skipped(claims, now)
    assert "skipped 60 checks" in caplog.text
    if claims[0].deferred:  # beyond the lookahead: claimed when its time comes
        assert scheduling.batches(claims, now) == []
        assert next_check(monitor) == catch_up
        assert claimed(catch_up - timedelta(seconds=1)) == {monitor.pk: catch_up}
    assert next_check(monitor) == grid(monitor, catch_up + timedelta(seconds=30))
    assert claimed(catch_up + timedelta(seconds=1)) == {}


@pytest.mark.django_db
def test_after_a_stall_the_overdue_monitors_catch_up_spread_not_all_at_once(make_monitor):
    Monitor.objects.bulk_create(
        Monitor(name=f"m{n}", protocol="http", target=f"http://127.0.0.1/{n}", frequency=30)
        for n in range(1000)
    )
    # Checked until five minutes ago, then the engine stopped.
    Monitor.objects.update(
        next_check_at=T0 - timedelta(minutes=5), claimed_at=T0, updated_at=T0 - timedelta(days=1)
    )
    claims = scheduling.claim_all(T0)
    assert len(claims) == 1000
    sent = sum(len(batch.items) for batch in scheduling.batches(claims, T0))
    assert 70 <= sent <= 130  # the lookahead's share (3 s of 30), not a thousand at once
    per_3_seconds = [0] * 10
    for claim in claims:
        assert T0 <= claim.slot < T0 + timedelta(seconds=30)
        per_3_seconds[int((claim.slot - T0).total_seconds() // 3)] += 1
    assert all(70 <= n <= 130 for n in per_3_seconds), per_3_seconds


@pytest.mark.django_db
def test_after_a_short_stall_a_late_check_is_not_followed_by_another_within_half_an_interval(
    make_monitor,
):
    # Due at a slot, claimed only 25 s later (a stall): the check runs within
    # the next 25 s, and the next one at least half an interval after it.
    monitor = make_monitor(frequency=30)
    slot = grid(monitor, T0)
    Monitor.objects.filter(pk=monitor.pk).update(
        next_check_at=slot, claimed_at=T0, updated_at=T0 - timedelta(days=1)
    )
    now = slot + timedelta(seconds=25)
    catch_up = now + phase(monitor.pk, timedelta(seconds=25))
    claims = scheduling.claim_due(now)
    assert [(c.monitor_id, c.slot, c.skipped_slots) for c in claims] == [(monitor.pk, catch_up, 0)]
    if claims[0].deferred:
        claimed(catch_up)
    following = next_check(monitor)
    assert following == grid(monitor, catch_up + timedelta(seconds=15))
    # Late by less than the lookahead, the check runs at once and the grid holds.
    assert claimed(following + timedelta(seconds=2)) == {monitor.pk: following}
    assert next_check(monitor) == following + timedelta(seconds=30)


@pytest.mark.django_db
def test_only_active_monitors_due_within_the_lookahead_are_claimed(make_monitor, settings):
    settings.PROBE_DISPATCH_INTERVAL = 2.0  # lookahead 3 s
    soon = make_monitor(next_check_at=T0 + timedelta(seconds=2.5))
    make_monitor(next_check_at=T0 + timedelta(seconds=4))
    make_monitor(next_check_at=T0 - timedelta(seconds=5), is_active=False)
    assert claimed(T0) == {soon.pk: T0 + timedelta(seconds=2.5)}


@pytest.mark.django_db
def test_an_edited_monitor_is_due_on_the_next_tick_with_its_new_frequency(make_monitor):
    monitor = make_monitor(frequency=86400)
    claimed(T0)
    assert timedelta(days=1) <= next_check(monitor) - T0 < timedelta(days=2)
    monitor.frequency = 30
    monitor.save()  # as the admin or the API would
    now = monitor.updated_at + timedelta(seconds=1)
    assert claimed(now) == {monitor.pk: now}
    assert next_check(monitor) == grid(monitor, now + timedelta(seconds=30))
    assert claimed(now + timedelta(seconds=2)) == {}


@pytest.mark.django_db
def test_a_paused_monitor_is_not_claimed_and_a_resumed_one_is_due_at_once(make_monitor):
    monitor = make_monitor(next_check_at=T0 - timedelta(days=3), is_active=False)
    assert claimed(T0) == {}
    # As the admin's Resume action does: due at once, not at a catch-up time.
    Monitor.objects.filter(pk=monitor.pk).update(is_active=True, next_check_at=T0, updated_at=T0)
    assert claimed(T0) == {monitor.pk: T0}


@pytest.mark.django_db
def test_a_claim_read_by_another_dispatcher_first_is_not_taken_twice(make_monitor):
    monitor = make_monitor(next_check_at=T0)
    seen = Monitor.objects.values_list("next_check_at", "claimed_at").get(pk=monitor.pk)
    assert claimed(T0) == {monitor.pk: T0}  # another dispatcher
    # The conditional update of the slower one must find the row changed.
    taken = Monitor.objects.filter(pk=monitor.pk, next_check_at=seen[0], claimed_at=seen[1]).update(
        next_check_at=T0 + timedelta(seconds=60)
    )
    assert taken == 0


def test_batches_group_one_location_and_frequency_and_expire_after_an_interval(settings):
    claims = [
        scheduling.Claim(pk, T0 + timedelta(seconds=pk), 30, ("USE", "UK"), T0)
        for pk in range(1, 6)
    ] + [scheduling.Claim(9, T0, 300, ("USE",), T0)]
    batches = scheduling.batches(claims, now=T0, size=3)
    summary = [(b.location, [pk for pk, _ in b.items], b.expires) for b in batches]
    assert summary == [
        ("UK", [1, 2, 3], T0 + timedelta(seconds=3 + 30)),
        ("UK", [4, 5], T0 + timedelta(seconds=5 + 30)),
        ("USE", [1, 2, 3], T0 + timedelta(seconds=3 + 30)),
        ("USE", [4, 5], T0 + timedelta(seconds=5 + 30)),
        ("USE", [9], T0 + timedelta(seconds=300)),
    ]
    assert batches[0].items[0] == (1, (T0 + timedelta(seconds=1)).isoformat())
    # Slots caught up on after a stop get a whole interval from now.
    late = scheduling.Claim(1, T0 - timedelta(seconds=25), 30, ("USE",), T0 - timedelta(hours=1))
    assert scheduling.batches([late], now=T0)[0].expires == T0 + timedelta(seconds=30)


def test_engine_tasks_have_time_limits_and_their_beat_entries_expire(settings):
    from monitors import tasks

    for task in (tasks.dispatch, tasks.probe_batch, tasks.apply_maintenance, tasks.prune):
        assert task.soft_time_limit < task.time_limit, task.name
    entries = {
        name: entry
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if entry["task"].startswith("monitors.")
    }
    assert entries["monitors.dispatch"]["schedule"] == settings.PROBE_DISPATCH_INTERVAL
    for name in ("monitors.dispatch", "monitors.apply-maintenance"):
        assert entries[name]["options"]["expires"] <= entries[name]["schedule"]


# --- concurrency (PostgreSQL: SKIP LOCKED) ----------------------------------------


def need_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises writers (BEGIN IMMEDIATE)")


def in_thread(target, *args):
    result, errors = [], []

    def run():
        try:
            result.append(target(*args))
        except Exception as exc:  # reported to the test below
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result, errors


@pytest.mark.django_db(transaction=True)
def test_dispatchers_claiming_at_once_never_claim_a_slot_twice(make_monitor):
    need_postgresql()
    Monitor.objects.bulk_create(
        Monitor(name=f"m{i}", protocol="http", target="http://127.0.0.1/", next_check_at=T0)
        for i in range(600)
    )

    def dispatcher() -> list[int]:
        ids = []
        while chunk := scheduling.claim_due(T0, limit=50):
            ids += [c.monitor_id for c in chunk]
        return ids

    runs = [in_thread(dispatcher) for _ in range(4)]
    ids = []
    for thread, result, errors in runs:
        thread.join(60)
        assert not errors
        ids += result[0]
    assert len(ids) == 600 and len(set(ids)) == 600
    assert sum(1 for _, result, _ in runs if result[0]) > 1  # they really overlapped


@pytest.mark.django_db(transaction=True)
def test_a_monitor_locked_by_a_recording_worker_is_skipped_not_waited_for(make_monitor):
    need_postgresql()
    busy, free = make_monitor(next_check_at=T0), make_monitor(next_check_at=T0)
    locked, release = threading.Event(), threading.Event()

    def hold_lock() -> None:
        with transaction.atomic():
            list(Monitor.objects.select_for_update().filter(pk=busy.pk))
            locked.set()
            release.wait(10)

    thread, _, errors = in_thread(hold_lock)
    assert locked.wait(10)
    try:
        assert claimed(T0) == {free.pk: T0}
    finally:
        release.set()
        thread.join(10)
    assert not errors
    assert claimed(T0) == {busy.pk: T0}
