"""Staff hear about each transition once, by email (a real SMTP sink) and
webhook (a real HTTP receiver); never for pending → up, inactive monitors or
monitors in maintenance; and still when a window ends with the monitor down."""

from datetime import UTC, datetime, timedelta

import pytest

from alerts.models import Alert, Delivery, DeliveryState
from core.enums import Status
from maintenance.models import ScheduledMaintenance
from tests.alerting import change_status, decide, send, tick

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def channels(make_channel, smtp_sink, http_receiver):
    make_channel("email", "ops@example.test, oncall@example.test")
    make_channel("webhook", http_receiver.url + "/hook")
    return smtp_sink, http_receiver


def test_a_monitor_going_down_and_up_sends_one_message_per_transition(channels, make_monitor):
    sink, receiver = channels
    monitor = make_monitor(name="Web-node-se01", status=Status.UP)

    change_status(monitor, Status.DOWN, T0, "HTTP 503")
    tick(T0 + timedelta(seconds=5))
    tick(T0 + timedelta(seconds=10))  # nothing new: nothing more sent
    change_status(monitor, Status.UP, T0 + timedelta(minutes=7, seconds=30), "HTTP 200")
    tick(T0 + timedelta(minutes=8))
    tick(T0 + timedelta(minutes=9))

    subjects = [_subject(m) for m in sink.messages]
    assert subjects == ["Web-node-se01 is down", "Web-node-se01 is up"]
    assert sorted(sink.messages[0].rcpt_tos) == ["oncall@example.test", "ops@example.test"]
    assert "Down for 7 min 30 s." in sink.messages[1].content.decode()
    bodies = [r.json() for r in receiver.received]
    assert [(b["event"], b["reason"], b["down_for_seconds"]) for b in bodies] == [
        ("down", "HTTP 503", None),
        ("up", "HTTP 200", 450),
    ]
    assert bodies[0]["monitor"] == {"id": monitor.pk, "name": "Web-node-se01"}
    assert bodies[0]["at"] == "2026-03-02T10:00:00Z"


def test_the_probe_engine_finding_a_service_down_and_back_reaches_staff_once_each(
    channels, make_monitor
):
    """The whole path: the engine's real HTTP probe and recorder write the
    changes (down only after the monitor's retries), the alerts follow."""
    from tests.alerting import probe_and_record
    from tests.probe_servers import AnswerServer

    sink, receiver = channels
    server = AnswerServer()
    try:
        monitor = make_monitor(target=f"{server.scheme}://127.0.0.1:{server.port}/status/503",
                               retries=1, timeout=5)  # fmt: skip
        for n in range(2):  # the first failure is forgiven (one retry), the second is down
            probe_and_record(monitor, T0 + timedelta(minutes=n))
            tick(T0 + timedelta(minutes=n, seconds=5))
        assert monitor.status == Status.DOWN
        monitor.target = monitor.target.replace("/status/503", "/ok")
        monitor.save()
        for n in range(2, 5):
            probe_and_record(monitor, T0 + timedelta(minutes=n))
            tick(T0 + timedelta(minutes=n, seconds=5))
    finally:
        server.close()
    assert [(r.json()["event"], r.json()["down_for_seconds"]) for r in receiver.received] == [
        ("down", None),
        ("up", 60),
    ]
    assert "503" in receiver.received[0].json()["reason"]
    assert [_subject(m) for m in sink.messages] == ["Web is down", "Web is up"]


def test_a_first_check_that_finds_the_monitor_up_is_not_an_alert(channels, make_monitor):
    sink, receiver = channels
    monitor = make_monitor()  # pending
    change_status(monitor, Status.UP, T0)
    assert tick(T0 + timedelta(seconds=5)) == []
    assert sink.messages == [] and receiver.received == []


def test_inactive_monitors_raise_no_alert(channels, make_monitor):
    sink, receiver = channels
    monitor = make_monitor(status=Status.UP, is_active=False)
    change_status(monitor, Status.DOWN, T0)
    assert tick(T0 + timedelta(seconds=5)) == []
    assert tick(T0 + timedelta(hours=1)) == []
    assert sink.messages == [] and receiver.received == []


def _window(monitor, starts_at, hours=1) -> ScheduledMaintenance:
    window = ScheduledMaintenance.objects.create(
        name="Patch", starts_at=starts_at, duration_hours=hours
    )
    window.monitors.add(monitor)
    return window


def test_no_alert_during_maintenance_and_one_when_the_window_ends_with_the_monitor_down(
    channels, make_monitor
):
    sink, receiver = channels
    monitor = make_monitor(status=Status.UP)
    _window(monitor, T0)
    # The engine shows the window, then finds the monitor down as it ends.
    change_status(monitor, Status.MAINTENANCE, T0)
    assert tick(T0 + timedelta(minutes=30)) == []
    change_status(monitor, Status.DOWN, T0 + timedelta(hours=1), "Connection refused")
    tick(T0 + timedelta(hours=1, seconds=5))
    assert [_subject(m) for m in sink.messages] == ["Web is down"]
    assert [r.json()["reason"] for r in receiver.received] == ["Connection refused"]


def test_a_down_seen_inside_a_window_is_announced_once_the_window_is_over(channels, make_monitor):
    sink, receiver = channels
    monitor = make_monitor(status=Status.UP)
    _window(monitor, T0)
    change_status(monitor, Status.DOWN, T0 + timedelta(minutes=10), "Timeout")
    assert tick(T0 + timedelta(minutes=10, seconds=5)) == []
    assert tick(T0 + timedelta(minutes=59)) == []
    tick(T0 + timedelta(hours=1, seconds=15))
    tick(T0 + timedelta(hours=1, seconds=30))
    assert [_subject(m) for m in sink.messages] == ["Web is down"]
    assert len(receiver.received) == 1


def test_a_monitor_that_recovers_inside_its_window_raises_nothing(channels, make_monitor):
    sink, receiver = channels
    monitor = make_monitor(status=Status.UP)
    _window(monitor, T0)
    change_status(monitor, Status.DOWN, T0 + timedelta(minutes=10))
    tick(T0 + timedelta(minutes=11))
    change_status(monitor, Status.UP, T0 + timedelta(minutes=20))
    tick(T0 + timedelta(minutes=21))
    tick(T0 + timedelta(hours=2))
    assert sink.messages == [] and receiver.received == []


def test_channels_hear_about_their_monitors_and_categories_only(
    make_channel, http_receiver, make_monitor, category
):
    web = make_monitor(name="Web", status=Status.UP, category=category)
    db = make_monitor(name="DB", status=Status.UP)
    everyone = make_channel("webhook", http_receiver.url + "/all")
    by_category = make_channel("webhook", http_receiver.url + "/category")
    by_category.categories.add(category)
    by_monitor = make_channel("webhook", http_receiver.url + "/db")
    by_monitor.monitors.add(db)
    make_channel("webhook", http_receiver.url + "/off", is_active=False)

    change_status(web, Status.DOWN, T0)
    change_status(db, Status.DOWN, T0)
    tick(T0 + timedelta(seconds=5))

    heard = sorted((r.path, r.json()["monitor"]["name"]) for r in http_receiver.received)
    assert heard == [("/all", "DB"), ("/all", "Web"), ("/category", "Web"), ("/db", "DB")]
    assert everyone.deliveries.count() == 2


def test_reading_the_same_events_twice_raises_nothing_new(channels, make_monitor):
    sink, receiver = channels
    monitor = make_monitor(status=Status.UP)
    change_status(monitor, Status.DOWN, T0)
    first = decide(T0 + timedelta(seconds=5))
    # A second beat, or the same task redelivered, forgetting what was read.
    from alerts.models import EventCursor, HandledEvent

    HandledEvent.objects.all().delete()
    EventCursor.objects.update(last_event_id=0)
    assert decide(T0 + timedelta(seconds=6)) == []
    send(first + first)
    assert len(sink.messages) == 1 and len(receiver.received) == 1
    assert Alert.objects.count() == 1
    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.SENT}


def test_an_event_that_commits_late_with_a_smaller_id_is_not_skipped(channels, make_monitor):
    """Ids are handed out at insert, commits come in any order: the reader
    must not step over an older id that becomes visible after a newer one."""
    from alerts.models import HandledEvent
    from monitors.models import StatusEvent

    sink, _ = channels
    early, late = make_monitor(name="A", status=Status.UP), make_monitor(name="B", status=Status.UP)
    hidden = change_status(early, Status.DOWN, T0)
    visible = change_status(late, Status.DOWN, T0)
    # As if `hidden` were still uncommitted when the reader ran: it sees only `visible`.
    hidden_row = StatusEvent.objects.filter(pk=hidden.pk)
    hidden_values = hidden_row.values().get()
    hidden_row.delete()
    tick(T0 + timedelta(seconds=5))
    StatusEvent.objects.create(**hidden_values)  # the late commit, same id
    tick(T0 + timedelta(seconds=10))
    assert sorted(_subject(m) for m in sink.messages) == ["A is down", "B is down"]
    assert HandledEvent.objects.filter(event_id=visible.pk).exists()


def test_the_cursor_moves_past_settled_events_and_forgets_their_marks(channels, make_monitor):
    from alerts.events import SETTLE
    from alerts.models import EventCursor, HandledEvent

    monitor = make_monitor(status=Status.UP)
    event = change_status(monitor, Status.DOWN, T0)
    tick(T0 + timedelta(seconds=5))
    assert EventCursor.objects.get().last_event_id < event.pk
    tick(T0 + SETTLE + timedelta(seconds=10))
    assert EventCursor.objects.get().last_event_id == event.pk
    assert not HandledEvent.objects.exists()


def test_an_outage_behind_an_imports_first_checks_is_alerted_in_the_same_beat(
    channels, make_monitor
):
    """1,200 monitors made at once all go from pending to up: the beat reads
    them all (500 a batch) and reaches the down behind them, not minutes later."""
    from alerts.tasks import process_events
    from monitors.models import Monitor, StatusEvent

    sink, _ = channels
    web = make_monitor(name="Web", status=Status.UP)
    imported = Monitor.objects.bulk_create(
        Monitor(name=f"m{n}", protocol="http", target="https://x.test/", status=Status.UP)
        for n in range(1200)
    )
    StatusEvent.objects.bulk_create(
        StatusEvent(monitor=m, at=T0, from_status=Status.PENDING, to_status=Status.UP)
        for m in imported
    )
    change_status(web, Status.DOWN, T0 + timedelta(seconds=1), "HTTP 503")
    assert process_events.apply().get() == 2  # the down, to both channels
    assert list(Alert.objects.values_list("monitor__name", flat=True)) == ["Web"]
    send(list(Delivery.objects.values_list("pk", flat=True)))
    assert [_subject(m) for m in sink.messages] == ["Web is down"]


@pytest.mark.parametrize("count", [5, 40])
def test_reading_events_and_raising_their_alerts_takes_a_fixed_number_of_queries(
    make_channel, http_receiver, make_monitor, category, django_assert_max_num_queries, count
):
    from alerts.events import process_new_events
    from alerts.models import AutoIncidentRule

    make_channel("webhook", http_receiver.url)
    make_channel("webhook", http_receiver.url).categories.add(category)
    AutoIncidentRule.objects.create(category=category)  # a rule that applies to none of them
    monitors = [make_monitor(name=f"m{i}", status=Status.UP) for i in range(count)]
    for monitor in monitors:
        change_status(monitor, Status.DOWN, T0)
    for monitor in monitors[: count // 2]:
        change_status(monitor, Status.UP, T0 + timedelta(seconds=30))
    # 22: one of them asks whether any subscriber wants components' status changes.
    with django_assert_max_num_queries(22):
        ids = process_new_events(T0 + timedelta(minutes=1))
    assert len(ids) == count + count // 2


def _subject(envelope) -> str:
    for line in envelope.content.decode().splitlines():
        if line.startswith("Subject: "):
            return line.removeprefix("Subject: ")
    raise AssertionError("no subject")
