"""The state machine, table by table: retries, recovery, majority across
locations, maintenance windows (one-off and recurring, across month ends and
daylight-saving changes) and paused monitors."""

from datetime import UTC, datetime, timedelta

import pytest

from core.enums import Status
from maintenance.models import ScheduledMaintenance
from monitors import recording, state
from monitors.models import Monitor, StatusEvent
from monitors.probes.result import ProbeResult
from monitors.probes.runner import Outcome

UP, DOWN, PENDING, MAINTENANCE = Status.UP, Status.DOWN, Status.PENDING, Status.MAINTENANCE
T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
RESULTS = {
    True: ProbeResult.up("HTTP 200", 40),
    False: ProbeResult.down("connection refused"),
    None: ProbeResult.unknown("ICMP not permitted"),
}


def vote(status: str, failures: int = 0, age: int = 0) -> state.Vote:
    return state.Vote(status, failures, T0 - timedelta(seconds=age))


# --- one location's vote ------------------------------------------------------


@pytest.mark.parametrize(
    "previous, ok, retries, expected",
    [
        (None, True, 1, (UP, 0)),
        (None, False, 1, (PENDING, 1)),
        (None, False, 0, (DOWN, 1)),
        (vote(UP), False, 1, (UP, 1)),
        (vote(UP, 1), False, 1, (DOWN, 2)),
        (vote(UP, 2), False, 3, (UP, 3)),
        (vote(UP, 3), False, 3, (DOWN, 4)),
        (vote(DOWN, 5), True, 1, (UP, 0)),
        (vote(DOWN, 5), False, 1, (DOWN, 6)),
        (vote(UP, 1), None, 1, (UP, 1)),
        (None, None, 1, (PENDING, 0)),
    ],
)
def test_a_location_votes_down_only_after_more_failures_than_retries(
    previous, ok, retries, expected
):
    new = state.next_vote(previous, RESULTS[ok], retries, T0)
    assert (new.status, new.consecutive_failures) == expected


# --- majority across locations ---------------------------------------------------


@pytest.mark.parametrize(
    "votes, expected",
    [
        ([], None),
        ([vote(PENDING)], None),
        ([vote(UP)], UP),
        ([vote(DOWN)], DOWN),
        ([vote(UP), vote(DOWN), vote(DOWN)], DOWN),
        ([vote(UP), vote(UP), vote(DOWN)], UP),
        ([vote(UP), vote(DOWN)], UP),  # a tie: the service answers somewhere
        ([vote(DOWN), vote(PENDING), vote(PENDING)], DOWN),  # only verdicts count
        ([vote(UP), vote(DOWN, age=300), vote(DOWN, age=300)], UP),  # stale votes do not
        ([vote(DOWN, age=300)], None),
    ],
)
def test_the_status_is_the_majority_of_fresh_verdicts(votes, expected):
    assert state.majority(votes, frequency=60, now=T0) == expected


@pytest.mark.parametrize(
    "current, in_maintenance, verdict, expected",
    [
        (PENDING, False, None, None),
        (PENDING, False, UP, (UP, "why")),
        (UP, False, UP, None),
        (UP, False, DOWN, (DOWN, "why")),
        (DOWN, False, UP, (UP, "why")),
        (UP, True, DOWN, (MAINTENANCE, "maintenance window started")),
        (MAINTENANCE, True, DOWN, None),
        (MAINTENANCE, False, UP, (UP, "maintenance window ended")),
        (MAINTENANCE, False, DOWN, (DOWN, "why")),
        (MAINTENANCE, False, None, (PENDING, "maintenance window ended")),
    ],
)
def test_decisions(current, in_maintenance, verdict, expected):
    change = state.decide(current, in_maintenance=in_maintenance, verdict=verdict, reason="why")
    assert (change and (change.to_status, change.reason)) == expected


# --- results through recording, as the workers deliver them --------------------


class Probe:
    """Delivers results for one monitor a minute apart, as workers would."""

    def __init__(self, monitor: Monitor, start: datetime = T0) -> None:
        self.monitor, self.at = monitor, start

    def __call__(self, ok: bool | None, location: str = "USE", at: datetime | None = None) -> str:
        self.at = at or self.at + timedelta(minutes=1)
        outcome = Outcome(self.monitor.pk, self.at, self.at, RESULTS[ok])
        recording.record(location, [outcome], now=self.at + timedelta(seconds=1))
        self.monitor.refresh_from_db()
        return self.monitor.status


def transitions(monitor: Monitor) -> list[tuple[str, str, str]]:
    events = StatusEvent.objects.filter(monitor=monitor).order_by("at", "pk")
    return [(e.from_status, e.to_status, e.reason) for e in events]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "retries, results, statuses",
    [
        (1, [True], [UP]),
        (1, [True, False], [UP, UP]),
        (1, [True, False, False], [UP, UP, DOWN]),
        (1, [True, False, True, False], [UP, UP, UP, UP]),
        (0, [True, False], [UP, DOWN]),
        (3, [True, False, False, False, False], [UP, UP, UP, UP, DOWN]),
        (1, [False, False, True], [PENDING, DOWN, UP]),
        (1, [True, None, None, False], [UP, UP, UP, UP]),
        (1, [None, None], [PENDING, PENDING]),
    ],
)
def test_statuses_follow_results_with_retries_and_recovery(
    make_monitor, retries, results, statuses
):
    monitor = make_monitor(retries=retries)
    probe = Probe(monitor)
    assert [probe(ok) for ok in results] == statuses


@pytest.mark.django_db
def test_every_change_is_an_event_with_a_reason(make_monitor):
    monitor = make_monitor(retries=1)
    probe = Probe(monitor)
    for ok in [True, False, False, False, True]:
        probe(ok)
    assert transitions(monitor) == [
        (PENDING, UP, "HTTP 200"),
        (UP, DOWN, "connection refused"),
        (DOWN, UP, "HTTP 200"),
    ]
    assert monitor.status_changed_at == probe.at
    assert monitor.last_error == "" and monitor.consecutive_failures == 0


@pytest.mark.django_db
def test_a_result_that_could_not_be_taken_shows_why_but_changes_nothing(make_monitor):
    monitor = make_monitor(protocol="ping", target="127.0.0.1")
    probe = Probe(monitor)
    probe(True)
    assert probe(None) == UP
    assert monitor.last_error == "ICMP not permitted"
    assert transitions(monitor) == [(PENDING, UP, "HTTP 200")]


@pytest.mark.django_db
def test_a_monitor_reset_to_pending_forgets_its_old_failures(make_monitor):
    monitor = make_monitor(retries=1)
    probe = Probe(monitor)
    probe(False), probe(False)
    # The API resets a monitor whose target changed.
    Monitor.objects.filter(pk=monitor.pk).update(
        status=PENDING, status_changed_at=probe.at + timedelta(seconds=30)
    )
    assert probe(False) == PENDING  # one failure of the new target, one retry left
    assert probe(False) == DOWN


@pytest.mark.django_db
@pytest.mark.parametrize(
    "steps, expected",
    [
        # (location, ok) in order; retries 0 so one failure is a location's down vote
        ([("USE", True), ("UK", True), ("AU", True), ("USE", False)], UP),
        ([("USE", True), ("UK", True), ("AU", True), ("USE", False), ("UK", False)], DOWN),
        ([("USE", False), ("UK", True)], UP),
        ([("USE", False)], DOWN),
        ([("USE", False), ("UK", False), ("AU", True), ("USE", True)], UP),
    ],
)
def test_status_is_the_majority_across_locations(make_monitor, steps, expected):
    monitor = make_monitor(locations="USE,UK,AU", retries=0, frequency=60)
    probe = Probe(monitor)
    for location, ok in steps:
        status = probe(ok, location, at=probe.at + timedelta(seconds=5))
    assert status == expected


@pytest.mark.django_db
def test_a_location_gone_quiet_no_longer_votes(make_monitor):
    monitor = make_monitor(locations="USE,UK", retries=0, frequency=60)
    probe = Probe(monitor)
    probe(False, "UK")
    assert probe(True, "USE", at=probe.at + timedelta(seconds=1)) == UP  # a tie
    assert probe(False, "USE", at=probe.at + timedelta(minutes=10)) == DOWN  # UK is stale
    assert transitions(monitor)[-1] == (UP, DOWN, "USE: connection refused")


@pytest.mark.django_db
def test_a_location_the_monitor_no_longer_uses_is_ignored(make_monitor):
    monitor = make_monitor(locations="UK")
    assert Probe(monitor)(True, "USE") == PENDING


# --- maintenance windows --------------------------------------------------------


def window(monitor: Monitor, start: datetime, hours: int = 1, **recurrence) -> None:
    ScheduledMaintenance.objects.create(
        name="Window", starts_at=start, duration_hours=hours, **recurrence
    ).monitors.add(monitor)


@pytest.mark.django_db
def test_a_window_puts_the_monitor_in_maintenance_and_its_failures_do_not_count(make_monitor):
    monitor = make_monitor(retries=0)
    probe = Probe(monitor)
    probe(True)
    opens = probe.at + timedelta(minutes=1, seconds=30)
    window(monitor, opens)
    assert probe(True) == UP
    assert probe(False) == MAINTENANCE
    assert probe(False, at=opens + timedelta(minutes=59)) == MAINTENANCE
    assert state.sync_maintenance(opens + timedelta(hours=1, seconds=5)) == 1
    monitor.refresh_from_db()
    assert monitor.status == DOWN  # the window ended and the target is still failing
    assert transitions(monitor) == [
        (PENDING, UP, "HTTP 200"),
        (UP, MAINTENANCE, "maintenance window started"),
        (MAINTENANCE, DOWN, "connection refused"),
    ]


@pytest.mark.django_db
def test_windows_open_and_close_without_any_probe_result(make_monitor):
    monitor = make_monitor(status=UP)
    window(monitor, T0)
    assert state.sync_maintenance(T0 - timedelta(seconds=1)) == 0
    assert state.sync_maintenance(T0 + timedelta(seconds=5)) == 1
    monitor.refresh_from_db()
    assert monitor.status == MAINTENANCE
    assert state.sync_maintenance(T0 + timedelta(minutes=30)) == 0  # once only
    state.sync_maintenance(T0 + timedelta(hours=1, seconds=5))
    monitor.refresh_from_db()
    assert monitor.status == PENDING  # no verdict since: the next check decides
    assert [t[1] for t in transitions(monitor)] == [MAINTENANCE, PENDING]


@pytest.mark.django_db
def test_a_paused_monitor_keeps_its_status_through_a_window(make_monitor):
    monitor = make_monitor(status=DOWN, is_active=False)
    window(monitor, T0)
    assert state.sync_maintenance(T0 + timedelta(minutes=5)) == 0
    monitor.refresh_from_db()
    assert monitor.status == DOWN and not transitions(monitor)


def local(text: str, zone: str = "Europe/Stockholm") -> datetime:
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "recurrence, start, moments",
    [
        (  # monthly on the 31st at 22:00: the last day of shorter months
            {"recur_unit": "month", "recur_every": 1},
            "2026-01-31 22:00",
            [
                ("2026-02-28 22:30", True),
                ("2026-03-01 22:30", False),
                ("2026-03-31 22:30", True),
                ("2026-04-30 22:30", True),
                ("2026-04-30 23:30", False),
            ],
        ),
        (  # daily at 02:00 local, across the spring change (29 March 2026)
            {"recur_unit": "day", "recur_every": 1},
            "2026-03-27 02:00",
            [
                ("2026-03-28 02:30", True),
                # 02:00 does not exist that day: the window opens at 03:00 instead.
                ("2026-03-29 03:30", True),
                ("2026-03-29 04:30", False),
                ("2026-03-30 02:30", True),
                ("2026-03-30 03:30", False),
            ],
        ),
        (  # weekly at 01:00 local, across the autumn change (25 October 2026)
            {"recur_unit": "week", "recur_every": 1},
            "2026-10-18 01:00",
            [
                ("2026-10-25 01:30", True),
                ("2026-11-01 01:30", True),
                ("2026-11-01 00:59", False),
            ],
        ),
    ],
)
def test_recurring_windows_follow_the_local_calendar(
    make_monitor, settings, recurrence, start, moments
):
    settings.TIME_ZONE = "Europe/Stockholm"
    monitor = make_monitor(retries=0)
    window(
        monitor, local(start), recurring=True, recur_until=local("2027-01-01 00:00"), **recurrence
    )
    probe = Probe(monitor)
    for moment, in_window in moments:
        at = local(moment)
        state.sync_maintenance(at)
        monitor.refresh_from_db()
        assert (monitor.status == MAINTENANCE) is in_window, moment
        # A failing check at that moment is down only outside the window.
        assert probe(False, at=at) == (MAINTENANCE if in_window else DOWN), moment
