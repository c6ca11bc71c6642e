"""Claiming due monitors: atomic, on the monitor's own grid, never twice."""

import logging
import random
import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from monitors import claims_by_window, scheduling
from monitors.claims import Claim, lookahead
from monitors.claims_one_by_one import AT_ONCE, CLAIM_CHUNK
from monitors.models import Monitor, ScheduleCursor
from monitors.phase import grid_at_or_after, phase

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def claimed(now: datetime) -> dict[int, datetime]:
    return {c.monitor_id: c.slot for c in scheduling.claim_due(now)}


def running_until(now: datetime) -> None:
    """Every frequency's window claimed as an engine running until a tick
    before ``now`` leaves it."""
    tick = timedelta(seconds=2)
    for frequency in Monitor.objects.values_list("frequency", flat=True).distinct():
        ScheduleCursor.objects.update_or_create(
            frequency=frequency, defaults={"claimed_until": now - tick + lookahead()}
        )


def tick(now: datetime) -> dict[int, datetime]:
    """The claims of a tick at ``now`` of an engine that was running."""
    running_until(now)
    return claimed(now)


def schedule(monitor: Monitor) -> tuple[datetime | None, datetime | None]:
    monitor.refresh_from_db()
    return monitor.next_check_at, monitor.catch_up_at


def next_check(monitor: Monitor) -> datetime:
    return schedule(monitor)[0]


def grid(monitor: Monitor, at: datetime) -> datetime:
    """The monitor's first slot not before ``at``."""
    return grid_at_or_after(monitor.pk, timedelta(seconds=monitor.frequency), at)


def on_grid_since(at: datetime, **fields) -> None:
    """Monitors checked on their grids since ``at`` (never edited since)."""
    Monitor.objects.update(
        next_check_at=at, claimed_at=at, updated_at=at - timedelta(days=1), **fields
    )


@pytest.mark.django_db
def test_a_new_monitor_is_due_at_once_and_then_on_its_grid(make_monitor):
    monitor = make_monitor(frequency=60)
    assert claimed(T0) == {monitor.pk: T0}
    # Its grid's first slot at least an interval on: within 60 to 120 s.
    following = next_check(monitor)
    assert following == grid(monitor, T0 + timedelta(seconds=60))
    assert timedelta(seconds=60) <= following - T0 < timedelta(seconds=120)
    assert tick(following - timedelta(seconds=8)) == {}
    # Claimed a little ahead (the probe waits for its slot), on the slot itself.
    assert tick(following - timedelta(seconds=1.5)) == {monitor.pk: following}
    assert tick(following + timedelta(seconds=58.5)) == {
        monitor.pk: following + timedelta(seconds=60)
    }
    # Claims on the grid write nothing to the monitor's row.
    assert schedule(monitor) == (following, None)


@pytest.mark.django_db
def test_the_schedule_does_not_drift_however_late_the_ticks(make_monitor):
    monitors = [make_monitor(frequency=30) for _ in range(20)]
    now = T0
    claimed(now)  # new: checked at once, then on their grids
    rng = random.Random(6)
    slots: dict[int, list[datetime]] = {m.pk: [] for m in monitors}
    while now < T0 + timedelta(minutes=10):
        # Ticks every 2 s, some late by up to the lookahead, never lost.
        now += timedelta(seconds=2 + rng.choice([0, 0, 0, rng.uniform(0, 1)]))
        for pk, slot in claimed(now).items():
            slots[pk].append(slot)
    step = timedelta(seconds=30)
    for monitor in monitors:
        first = next_check(monitor)
        expected = [first + k * step for k in range(20) if first + k * step <= now + step / 10]
        assert slots[monitor.pk][: len(expected)] == expected


@pytest.mark.django_db
def test_monitors_made_at_once_fall_due_evenly_across_their_interval(make_monitor):
    """An import of a thousand monitors: a tick's worth checked at once, the
    rest at their grids' first slots, so no second of the first interval or
    any later one carries more than its share."""
    Monitor.objects.bulk_create(
        Monitor(name=f"m{n}", protocol="http", target="https://x.test/", frequency=30)
        for n in range(1000)
    )
    first = scheduling.claim_all(T0)
    assert len(first) == 1000
    assert sum(c.slot == T0 for c in first) == AT_ONCE
    checks = [c for c in first if not c.deferred]
    now = T0
    while now < T0 + timedelta(seconds=120):
        now += timedelta(seconds=2)
        checks += scheduling.claim_all(now)
    # Each monitor's checks: once at once or at its first slot, then every 30 s on its grid.
    step = timedelta(seconds=30)
    slots: dict[int, list[datetime]] = {}
    for claim in sorted(checks, key=lambda c: c.slot):
        slots.setdefault(claim.monitor_id, []).append(claim.slot)
    assert len(slots) == 1000
    for pk, taken in slots.items():
        on_grid = [at for at in taken if at != T0]
        assert on_grid[0] in (grid_at_or_after(pk, step, T0), grid_at_or_after(pk, step, T0 + step))
        assert all(b - a == step for a, b in zip(on_grid, on_grid[1:], strict=False))
        assert on_grid[-1] > now + lookahead() - step
    # Every second from the first on gets its share (1000 / 30), never more than twice it.
    per_second: dict[int, int] = {}
    for claim in checks:
        if claim.slot != T0 and claim.slot < now:
            second = int((claim.slot - T0).total_seconds())
            per_second[second] = per_second.get(second, 0) + 1
    assert max(per_second.values()) <= 2 * 1000 / 30
    assert min(per_second.get(second, 0) for second in range(1, 110)) >= 1000 / 30 / 2


@pytest.mark.django_db
def test_a_tick_checks_a_few_new_monitors_at_once_and_spreads_the_rest(make_monitor):
    """Beyond AT_ONCE a tick, a new monitor's first check is its grid's first
    slot; for a long interval, a time spread over five minutes, its grid from
    half an interval later."""
    quick = [make_monitor(frequency=60) for _ in range(3)]
    daily = make_monitor(frequency=86400)
    claims = {c.monitor_id: c for c in scheduling.claim_due(T0, at_once=1)}
    assert claims[quick[0].pk].slot == T0 and not claims[quick[0].pk].deferred
    for monitor in quick[1:]:
        at = grid(monitor, T0)
        assert claims[monitor.pk].slot == at
        assert claims[monitor.pk].deferred == (at > T0 + lookahead())
        assert schedule(monitor) == (
            at + timedelta(seconds=60),
            at if at > T0 + lookahead() else None,
        )
    at = claims[daily.pk].slot
    assert T0 < at < T0 + timedelta(minutes=5)
    assert schedule(daily) == (grid(daily, at + timedelta(hours=12)), at)
    # Claimed when its time comes, once, and left on its grid after.
    assert daily.pk not in claimed(at - timedelta(seconds=5))
    assert claimed(at - timedelta(seconds=1))[daily.pk] == at
    assert daily.pk not in claimed(at + timedelta(seconds=1))
    assert schedule(daily) == (grid(daily, at + timedelta(hours=12)), None)


@pytest.mark.django_db
def test_a_monitor_saved_while_a_chunk_of_catch_ups_is_claimed_is_still_checked_at_once():
    Monitor.objects.bulk_create(
        Monitor(name=f"m{n}", protocol="http", target="https://x.test/", frequency=30)
        for n in range(CLAIM_CHUNK)
    )
    on_grid_since(T0 - timedelta(minutes=1), catch_up_at=T0)  # a full chunk of catch-ups
    saved = Monitor.objects.create(name="new", protocol="http", target="https://x.test/")
    claims = {c.monitor_id: c.slot for c in scheduling.claim_all(T0)}
    assert len(claims) == CLAIM_CHUNK + 1
    assert claims[saved.pk] == T0


@pytest.mark.django_db
def test_a_monitor_far_behind_runs_once_at_a_catch_up_time_within_its_interval(
    make_monitor, caplog
):
    monitor = make_monitor(frequency=60)
    on_grid = grid(monitor, T0)
    # Checked on its grid until an hour ago, then the engine stopped.
    on_grid_since(on_grid - timedelta(hours=2))
    ScheduleCursor.objects.create(
        frequency=60, claimed_until=on_grid - timedelta(hours=1, seconds=1)
    )
    now = on_grid + timedelta(seconds=10)
    catch_up = now + phase(monitor.pk, timedelta(seconds=60))
    claims = scheduling.claim_due(now)
    assert [(c.monitor_id, c.slot) for c in claims] == [(monitor.pk, catch_up)]
    assert claims[0].skipped_slots == 60
    with caplog.at_level(logging.WARNING, logger="monitors.scheduling"):
        scheduling.report_skipped(claims, now)
    assert "skipped 60 checks" in caplog.text
    following = grid(monitor, catch_up + timedelta(seconds=30))
    if claims[0].deferred:  # beyond the lookahead: claimed when its time comes
        assert scheduling.batches(claims, now) == []
        assert schedule(monitor) == (following, catch_up)
        assert tick(catch_up - timedelta(seconds=1.5)) == {monitor.pk: catch_up}
    assert schedule(monitor) == (following, None)
    assert tick(catch_up + timedelta(seconds=1)) == {}
    assert tick(following - timedelta(seconds=1.5)) == {monitor.pk: following}


@pytest.mark.django_db
def test_after_a_stall_the_overdue_monitors_catch_up_spread_not_all_at_once(make_monitor):
    Monitor.objects.bulk_create(
        Monitor(name=f"m{n}", protocol="http", target=f"http://127.0.0.1/{n}", frequency=30)
        for n in range(1000)
    )
    # Checked until five minutes ago, then the engine stopped.
    on_grid_since(T0 - timedelta(hours=1))
    ScheduleCursor.objects.create(frequency=30, claimed_until=T0 - timedelta(minutes=5))
    claims = scheduling.claim_all(T0)
    assert len(claims) == len({c.monitor_id for c in claims}) == 1000
    sent = sum(len(batch.items) for batch in scheduling.batches(claims, T0))
    assert 70 <= sent <= 130  # the lookahead's share (3 s of 30), not a thousand at once
    per_3_seconds = [0] * 10
    for claim in claims:
        assert T0 <= claim.slot < T0 + timedelta(seconds=30)
        per_3_seconds[int((claim.slot - T0).total_seconds() // 3)] += 1
    assert all(70 <= n <= 130 for n in per_3_seconds), per_3_seconds
    # The rest are claimed as their times come, each once, then their grids hold.
    later, now = [], T0
    while now < T0 + timedelta(seconds=60):
        now += timedelta(seconds=2)
        later += scheduling.claim_all(now)
    caught_up = [c for c in later if c.slot < T0 + timedelta(seconds=30)]
    deferred = {c.monitor_id: c.slot for c in claims if c.deferred}
    assert {c.monitor_id: c.slot for c in caught_up} == deferred
    assert len(caught_up) == len(deferred)


@pytest.mark.django_db
def test_after_a_short_stall_a_late_check_is_not_followed_by_another_within_half_an_interval(
    make_monitor,
):
    # Due at a slot, claimed only 25 s later (a stall): the check runs within
    # the next 25 s, and the next one at least half an interval after it.
    monitor = make_monitor(frequency=30)
    slot = grid(monitor, T0)
    on_grid_since(slot - timedelta(hours=1))
    ScheduleCursor.objects.create(frequency=30, claimed_until=slot - timedelta(microseconds=1))
    now = slot + timedelta(seconds=25)
    catch_up = now + phase(monitor.pk, timedelta(seconds=25, microseconds=1))
    claims = scheduling.claim_due(now)
    assert [(c.monitor_id, c.slot, c.skipped_slots) for c in claims] == [(monitor.pk, catch_up, 0)]
    if claims[0].deferred:
        tick(catch_up)
    following = next_check(monitor)
    assert following == grid(monitor, catch_up + timedelta(seconds=15))
    assert tick(following - timedelta(seconds=1.5)) == {monitor.pk: following}
    assert tick(following + timedelta(seconds=28.5)) == {
        monitor.pk: following + timedelta(seconds=30)
    }


@pytest.mark.django_db
def test_only_active_monitors_with_a_slot_within_the_lookahead_are_claimed(settings):
    settings.PROBE_DISPATCH_INTERVAL = 2.0  # lookahead 3 s
    Monitor.objects.bulk_create(
        Monitor(name=f"m{n}", protocol="http", target="https://x.test/", frequency=30,
                is_active=n % 3 > 0)
        for n in range(300)
    )  # fmt: skip
    on_grid_since(T0 - timedelta(hours=1))
    ScheduleCursor.objects.create(frequency=30, claimed_until=T0)
    expected = {
        m.pk: slot
        for m in Monitor.objects.filter(is_active=True)
        if (slot := grid(m, T0 + timedelta(microseconds=1))) <= T0 + timedelta(seconds=3)
    }
    assert 15 <= len(expected) <= 45
    assert claimed(T0) == expected
    assert claimed(T0) == {}  # the window is claimed: the next tick carries on after it


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
def test_a_paused_monitor_is_not_claimed_and_a_resumed_one_is_due_at_once(
    admin_client, make_monitor
):
    monitor = make_monitor(is_active=False)
    on_grid_since(T0 - timedelta(days=3), is_active=False)
    assert claimed(T0) == {}
    admin_client.post(
        "/admin/monitors/monitor/", {"action": "resume", "_selected_action": [monitor.pk]}
    )
    now = timezone.now()
    assert claimed(now) == {monitor.pk: now}


@pytest.mark.django_db
def test_a_claim_read_by_another_dispatcher_first_is_not_taken_twice(make_monitor):
    monitor = make_monitor()
    seen = Monitor.objects.values_list("next_check_at", "claimed_at").get(pk=monitor.pk)
    assert claimed(T0) == {monitor.pk: T0}  # another dispatcher
    # The conditional update of the slower one must find the row changed.
    taken = Monitor.objects.filter(pk=monitor.pk, next_check_at=seen[0], claimed_at=seen[1]).update(
        next_check_at=T0 + timedelta(seconds=60)
    )
    assert taken == 0


@pytest.mark.django_db
def test_a_window_read_by_another_dispatcher_first_is_not_claimed_twice(make_monitor):
    monitor = make_monitor(frequency=30)
    on_grid_since(T0 - timedelta(hours=1))
    slot = grid(monitor, T0)
    until = slot - timedelta(seconds=1)
    ScheduleCursor.objects.create(frequency=30, claimed_until=until)
    now = slot - timedelta(seconds=1)
    assert [c.slot for c in claims_by_window.claim_window(30, until, now)] == [slot]
    assert (
        claims_by_window.claim_window(30, until, now) == []
    )  # the slower one read the same cursor


def test_batches_group_one_location_and_frequency_and_expire_after_an_interval(settings):
    claims = [
        Claim(pk, T0 + timedelta(seconds=pk), 30, ("USE", "UK"), T0) for pk in range(1, 6)
    ] + [Claim(9, T0, 300, ("USE",), T0)]
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
    late = Claim(1, T0 - timedelta(seconds=25), 30, ("USE",), T0 - timedelta(hours=1))
    assert scheduling.batches([late], now=T0)[0].expires == T0 + timedelta(seconds=30)


def test_engine_tasks_have_time_limits_and_their_beat_entries_expire(settings):
    from monitors import tasks

    engine = (tasks.dispatch, tasks.probe_batch, tasks.apply_maintenance, tasks.prune,
              tasks.make_rollups_ahead)  # fmt: skip
    for task in engine:
        assert task.soft_time_limit < task.time_limit, task.name
    entries = {
        name: entry
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if entry["task"].startswith("monitors.")
    }
    assert entries["monitors.dispatch"]["schedule"] == settings.PROBE_DISPATCH_INTERVAL
    for name in ("monitors.dispatch", "monitors.apply-maintenance", "monitors.make-rollups-ahead"):
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
        Monitor(name=f"m{i}", protocol="http", target="http://127.0.0.1/") for i in range(600)
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
    busy, free = make_monitor(), make_monitor()
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


@pytest.mark.django_db
def test_claims_among_30000_monitors_read_indexes_and_write_no_monitor_row_on_the_grid():
    """A tick's claims are a few statements however many monitors: the
    window's monitors are found by their phase keys and claimed without a
    write to their rows (which keeps the engine's updates in place), new
    ones through their small partial index."""
    need_postgresql()
    Monitor.objects.bulk_create(
        [
            Monitor(name=f"m{i}", protocol="http", target="http://127.0.0.1:9/")
            for i in range(30000)
        ],
        batch_size=5000,
    )
    on_grid_since(T0 - timedelta(hours=1), frequency=30)
    new = list(Monitor.objects.order_by("pk").values_list("pk", flat=True)[:100])
    Monitor.objects.filter(pk__in=new).update(next_check_at=None, claimed_at=None)
    ScheduleCursor.objects.create(frequency=30, claimed_until=T0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE monitors_monitor")
    with CaptureQueriesContext(connection) as queries:
        claims = scheduling.claim_due(T0)
    assert sorted(c.monitor_id for c in claims if c.slot == T0) == new
    assert 2500 <= len(claims) - len(new) <= 3500  # 3 s of the 30 s grid of 30,000
    statements = [q["sql"] for q in queries.captured_queries]
    assert len(statements) <= 12, statements
    written = [s for s in statements if re.search(r'UPDATE "?monitors_monitor\b', s)]
    assert len(written) == 1  # the new ones' schedules, in one statement
    with connection.cursor() as cursor:
        for sql in statements:
            if sql.startswith(("SELECT", "WITH")) and "UPDATE" not in sql:
                cursor.execute(f"EXPLAIN {sql}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
                assert "Seq Scan on monitors_monitor" not in plan, (sql, plan)
