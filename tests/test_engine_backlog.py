"""A backlog is visible: lateness and overdue monitors per location, and
warnings in the worker's log when checks start late."""

import logging
from datetime import UTC, datetime, timedelta

import pytest

from monitors import backlog, tasks
from monitors.models import LocationResult, Monitor, ScheduleCursor
from monitors.probes.result import ProbeResult
from monitors.probes.runner import Outcome

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def checked(monitor, location: str, ago: float, late: float) -> None:
    at = NOW - timedelta(seconds=ago)
    LocationResult.objects.create(
        monitor=monitor, location=location, slot=at - timedelta(seconds=late), checked_at=at,
        ok=True, status="up",
    )  # fmt: skip


@pytest.mark.django_db
def test_each_location_shows_its_lateness_and_its_overdue_monitors(make_monitor):
    on_time = make_monitor(name="a", locations="USE,UK", frequency=60)
    late = make_monitor(name="b", locations="USE", frequency=60)
    make_monitor(name="never checked", locations="UK", frequency=60)
    make_monitor(name="paused", locations="UK", is_active=False)
    checked(on_time, "USE", ago=10, late=0.01)
    checked(on_time, "UK", ago=200, late=0.02)  # over two intervals + 30 s ago
    checked(late, "USE", ago=20, late=4.0)
    rows = backlog.by_location(NOW)
    assert list(rows) == ["UK", "USE"]
    assert (rows["USE"].monitors, rows["USE"].overdue) == (2, 0)
    assert (rows["USE"].late(0.5), rows["USE"].late(1.0)) == (4.0, 4.0)
    assert rows["USE"].late(0.0) == 0.01
    assert (rows["UK"].monitors, rows["UK"].overdue, rows["UK"].late(0.5)) == (2, 2, None)


@pytest.mark.django_db
def test_the_banners_count_of_overdue_monitors_agrees_with_the_engine_page(
    make_monitor, django_assert_num_queries
):
    on_time = make_monitor(name="a", locations="USE,UK", frequency=60)
    slow = make_monitor(name="b", locations="USE,UK", frequency=600)
    moved = make_monitor(name="moved off UK", locations="USE", frequency=60)
    make_monitor(name="never checked", locations="UK", frequency=60)
    make_monitor(name="paused", locations="UK", is_active=False)
    checked(on_time, "USE", ago=10, late=0.01)
    checked(on_time, "UK", ago=200, late=0.02)  # overdue at 60 s
    checked(slow, "USE", ago=200, late=0.5)  # not overdue at 600 s
    checked(slow, "UK", ago=1300, late=0.5)  # overdue at 600 s
    checked(moved, "USE", ago=5, late=0.1)
    checked(moved, "UK", ago=5, late=0.1)  # from before it left UK: not UK's any more
    with django_assert_num_queries(2):
        active, counted = backlog.overdue_by_location(NOW)
    read = backlog.by_location(NOW)
    assert active == 4
    assert (
        {c: (r.monitors, r.overdue) for c, r in counted.items()}
        == {c: (r.monitors, r.overdue) for c, r in read.items()}
        == {"UK": (3, 3), "USE": (3, 0)}
    )


@pytest.mark.django_db
def test_monitors_due_long_ago_and_not_claimed_are_counted(make_monitor):
    long_ago, just_now = NOW - timedelta(minutes=5), NOW - timedelta(seconds=5)
    on_grid = {"next_check_at": long_ago, "claimed_at": long_ago}
    # Their frequency's window last claimed five minutes ago: all of them count.
    make_monitor(frequency=60, **on_grid)
    make_monitor(frequency=60, is_active=False, **on_grid)
    ScheduleCursor.objects.create(frequency=60, claimed_until=long_ago)
    # This one's is claimed: only its monitors waiting to be claimed one by one count.
    make_monitor(frequency=30, **on_grid)
    ScheduleCursor.objects.create(frequency=30, claimed_until=NOW)
    new = make_monitor(frequency=30)
    catching_up = make_monitor(frequency=30, catch_up_at=just_now, **on_grid)
    Monitor.objects.update(updated_at=long_ago - timedelta(days=1))  # none edited since claimed
    Monitor.objects.filter(pk__in=[new.pk, catching_up.pk]).update(created_at=just_now)
    assert backlog.unclaimed(NOW) == 1
    Monitor.objects.filter(pk=new.pk).update(created_at=long_ago)
    Monitor.objects.filter(pk=catching_up.pk).update(catch_up_at=long_ago)
    assert backlog.unclaimed(NOW) == 3


def outcomes(*lateness: float) -> list[Outcome]:
    return [
        Outcome(pk, NOW, NOW + timedelta(seconds=s), ProbeResult.up("HTTP 200", 5))
        for pk, s in enumerate(lateness, 1)
    ]


def test_late_checks_are_a_warning_at_most_once_a_minute_per_location(caplog, monkeypatch):
    monkeypatch.setattr(tasks, "_last_late_warning", {})
    with caplog.at_level(logging.WARNING, logger="monitors.tasks"):
        tasks._report_lateness("USE", outcomes(0.1, 0.2))
        assert not caplog.records
        tasks._report_lateness("USE", outcomes(0.1, 3.0, 5.0))
        tasks._report_lateness("USE", outcomes(9.0))
        tasks._report_lateness("UK", outcomes(2.5))
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2
    assert messages[0].startswith("probes.USE is behind: 2 of 3 checks started over 2 s late")
    assert messages[1].startswith("probes.UK is behind")


def test_a_batch_expired_in_its_queue_is_a_warning_not_silence(caplog):
    from celery.contrib.testing.mocks import TaskMessage
    from celery.worker.request import Request

    from statuspage.celery import app

    expired = datetime.now(UTC) - timedelta(seconds=1)
    message = TaskMessage(
        tasks.probe_batch.name, args=("UK", [[7, expired.isoformat()], [8, expired.isoformat()]]),
        expires=expired.isoformat(),
    )  # fmt: skip
    request = Request(message, app=app)
    with caplog.at_level(logging.WARNING, logger="monitors.tasks"):
        assert request.revoked()  # what the worker asks before running a task
    assert "probes.UK: a batch of 2 checks expired in the queue" in caplog.text
