"""A batch that waited in a busy queue starts late; the next slot's batch,
on time, must not check the same target again within half an interval."""

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from core.enums import Protocol
from monitors.models import LocationResult, Monitor
from monitors.probes.runner import Job, ProbeLoop
from monitors.tasks import probe_batch
from tests.probe_servers import AnswerServer, closed_port


@pytest.fixture
def tcp_monitor(db, make_monitor):
    return make_monitor(
        name="Closed", protocol="tcp", target="127.0.0.1", port=closed_port(), retries=0,
        frequency=30, timeout=2,
    )  # fmt: skip


def checked(monitor, slot: datetime, at: datetime) -> None:
    LocationResult.objects.create(
        monitor=monitor, location="USE", slot=slot, checked_at=at, ok=False, status="down"
    )


def test_the_slot_after_a_late_check_is_left_out(tcp_monitor):
    slot = datetime.now(UTC).replace(microsecond=0)
    checked(tcp_monitor, slot - timedelta(seconds=30), at=slot - timedelta(seconds=3))
    assert probe_batch("USE", [[tcp_monitor.pk, slot.isoformat()]]) == 0


def test_the_slot_after_an_on_time_check_runs(tcp_monitor):
    slot = datetime.now(UTC).replace(microsecond=0)
    checked(tcp_monitor, slot - timedelta(seconds=30), at=slot - timedelta(seconds=29))
    assert probe_batch("USE", [[tcp_monitor.pk, slot.isoformat()]]) == 1


def test_a_new_grid_after_an_edit_runs_at_once_however_recent_the_last_check(tcp_monitor):
    slot = datetime.now(UTC)
    checked(tcp_monitor, slot - timedelta(seconds=17), at=slot - timedelta(seconds=2))
    assert probe_batch("USE", [[tcp_monitor.pk, slot.isoformat()]]) == 1


def test_a_late_batch_still_running_leaves_out_the_next_slot_of_the_same_target():
    # Nothing recorded yet: the late check of the first batch is still in
    # flight when the second batch, on time, starts the next slot.
    loop = ProbeLoop(10)
    try:
        server = AnswerServer()
        step = timedelta(seconds=4)
        monitor = Monitor(pk=7, protocol=Protocol.HTTP, target=server.url("/slow?s=1"), timeout=5)
        now = datetime.now(UTC)
        late = Job(monitor, now - timedelta(seconds=3), "USE", step)  # 3 s late: over half of 4
        on_time = Job(monitor, late.slot + step, "USE", step)
        first = threading.Thread(target=loop.run, args=([late],))
        first.start()
        time.sleep(0.2)
        assert loop.run([on_time]) == []
        first.join()
        elsewhere = Job(monitor, on_time.slot, "EUR", step)
        assert len(loop.run([elsewhere])) == 1  # another location has its own checks
    finally:
        loop.close()
        server.close()


def test_a_check_late_by_less_than_half_an_interval_keeps_the_next_slot():
    loop = ProbeLoop(10)
    try:
        server = AnswerServer()
        step = timedelta(seconds=4)
        monitor = Monitor(pk=8, protocol=Protocol.HTTP, target=server.url("/ok"), timeout=5)
        now = datetime.now(UTC)
        (first,) = loop.run([Job(monitor, now - timedelta(seconds=1), "USE", step)])
        (second,) = loop.run([Job(monitor, first.slot + step, "USE", step)])
        assert (second.started_at - first.started_at) >= step / 2
    finally:
        loop.close()
        server.close()
