"""A batch that waited in a busy queue starts late; the next slot's batch,
on time, must not check the same target again within half an interval."""

from datetime import UTC, datetime, timedelta

import pytest

from monitors.models import LocationResult
from monitors.tasks import probe_batch
from tests.probe_servers import closed_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def tcp_monitor(make_monitor):
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
