"""ResendFrequency: while a monitor stays down, staff are told again at its
interval (time passed explicitly), never with "never", and not after it recovers."""

from datetime import UTC, datetime, timedelta

import pytest

from alerts.models import Alert
from core.enums import Status
from tests.alerting import change_status, decide, send, tick

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def receiver(make_channel, http_receiver):
    make_channel("webhook", http_receiver.url)
    return http_receiver


def _events(receiver) -> list[tuple[str, int | None]]:
    return [(r.json()["event"], r.json()["down_for_seconds"]) for r in receiver.received]


def test_a_monitor_that_stays_down_is_announced_again_at_its_interval(receiver, make_monitor):
    monitor = make_monitor(status=Status.UP, resend_every=300)
    change_status(monitor, Status.DOWN, T0, "HTTP 500")
    for seconds in range(5, 16 * 60, 15):  # a beat every 15 s for 16 minutes
        tick(T0 + timedelta(seconds=seconds))
    assert _events(receiver) == [("down", None), ("down", 305), ("down", 605), ("down", 905)]
    assert receiver.received[1].json()["reason"] == "HTTP 500"


def test_no_resend_when_the_interval_is_never(receiver, make_monitor):
    monitor = make_monitor(status=Status.UP, resend_every=0)
    change_status(monitor, Status.DOWN, T0)
    for minutes in range(0, 120, 5):
        tick(T0 + timedelta(minutes=minutes, seconds=5))
    assert _events(receiver) == [("down", None)]


def test_resends_stop_when_the_monitor_recovers(receiver, make_monitor):
    monitor = make_monitor(status=Status.UP, resend_every=60)
    change_status(monitor, Status.DOWN, T0)
    tick(T0 + timedelta(seconds=5))
    tick(T0 + timedelta(seconds=65))
    change_status(monitor, Status.UP, T0 + timedelta(seconds=90))
    tick(T0 + timedelta(seconds=95))
    tick(T0 + timedelta(minutes=10))
    assert _events(receiver) == [("down", None), ("down", 65), ("up", 90)]


def test_two_beats_deciding_the_same_resend_send_it_once(receiver, make_monitor):
    monitor = make_monitor(status=Status.UP, resend_every=60)
    change_status(monitor, Status.DOWN, T0)
    tick(T0 + timedelta(seconds=5))
    first = decide(T0 + timedelta(seconds=70))
    second = decide(T0 + timedelta(seconds=70))
    assert len(first) == 1 and second == []
    send(first + first)
    assert _events(receiver) == [("down", None), ("down", 70)]
    assert Alert.objects.filter(is_resend=True).count() == 1


def test_resends_pause_during_maintenance(receiver, make_monitor):
    from maintenance.models import ScheduledMaintenance

    monitor = make_monitor(status=Status.UP, resend_every=60)
    change_status(monitor, Status.DOWN, T0)
    tick(T0 + timedelta(seconds=5))
    window = ScheduledMaintenance.objects.create(
        name="Fix", starts_at=T0 + timedelta(minutes=1), duration_hours=1
    )
    window.monitors.add(monitor)
    for minutes in range(1, 60, 5):
        tick(T0 + timedelta(minutes=minutes, seconds=30))
    assert _events(receiver) == [("down", None)]
    tick(T0 + timedelta(hours=1, minutes=2))
    assert _events(receiver) == [("down", None), ("down", 3720)]


def test_the_scan_takes_a_fixed_number_of_queries(
    receiver, make_monitor, django_assert_max_num_queries
):
    from alerts.resend import announce_still_down

    for i in range(20):
        monitor = make_monitor(name=f"m{i}", status=Status.UP, resend_every=600)
        change_status(monitor, Status.DOWN, T0)
    tick(T0 + timedelta(seconds=5))
    with django_assert_max_num_queries(4):
        assert announce_still_down(T0 + timedelta(minutes=1), in_maintenance=set()) == []
