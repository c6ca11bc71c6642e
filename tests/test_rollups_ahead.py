"""Rollup rows made before their hour and day begin (so the engine's updates
of them stay in place), counted into as checks come, and read as nothing
until then."""

from datetime import UTC, date, datetime, timedelta

import pytest

from monitors import performance, recording, rollups_ahead, uptime
from monitors.models import DailyRollup, HourlyRollup, Monitor
from monitors.probes.result import ProbeResult
from monitors.probes.runner import Outcome

AT = datetime(2026, 3, 2, 12, 50, tzinfo=UTC)
NEXT_HOUR = datetime(2026, 3, 2, 13, tzinfo=UTC)


def hourly() -> list[tuple]:
    return list(
        HourlyRollup.objects.order_by("monitor_id", "location").values_list(
            "monitor_id", "hour", "location", "checks"
        )
    )


@pytest.mark.django_db
def test_the_next_hours_rows_are_made_ahead_for_each_active_monitor_and_location(make_monitor):
    one, two = make_monitor(locations="USE"), make_monitor(locations="USE,UK")
    make_monitor(is_active=False)
    assert rollups_ahead.make_ahead(AT) == {"hourly": 3, "daily": 0}
    assert hourly() == [
        (one.pk, NEXT_HOUR, "USE", 0), (two.pk, NEXT_HOUR, "UK", 0), (two.pk, NEXT_HOUR, "USE", 0)
    ]  # fmt: skip
    # Made once: the next runs of the task find them.
    assert rollups_ahead.make_ahead(AT + timedelta(minutes=5)) == {"hourly": 0, "daily": 0}
    # Checks count into them.
    result = ProbeResult.up("HTTP 200", 40)
    checked = NEXT_HOUR + timedelta(minutes=1)
    recording.record("UK", [Outcome(two.pk, checked, checked, result)], now=checked)
    assert (two.pk, NEXT_HOUR, "UK", 1) in hourly() and len(hourly()) == 3


@pytest.mark.django_db
def test_the_next_days_rows_are_made_in_the_last_hour_of_the_sites_day(make_monitor, settings):
    settings.TIME_ZONE = "Asia/Kolkata"  # UTC+5:30: its days begin half-way through a UTC hour
    monitor = make_monitor()
    evening = datetime(
        2026, 3, 2, 17, 50, tzinfo=UTC
    )  # 23:20 in Kolkata: the next hour is not tomorrow
    assert rollups_ahead.make_ahead(evening)["daily"] == 0
    late = datetime(2026, 3, 2, 18, 5, tzinfo=UTC)  # 23:35: the next UTC hour begins tomorrow
    assert rollups_ahead.make_ahead(late)["daily"] == 1
    assert list(DailyRollup.objects.values_list("monitor_id", "day", "checks")) == [
        (monitor.pk, date(2026, 3, 3), 0)
    ]
    assert rollups_ahead.make_ahead(late + timedelta(minutes=5))["daily"] == 0


@pytest.mark.django_db
def test_rows_made_ahead_and_never_checked_read_as_no_checks(make_monitor):
    """A monitor paused (or in maintenance) through an hour and a day made
    ahead: its uptime, bars and charts show nothing there, as before."""
    monitor = make_monitor()
    HourlyRollup.objects.create(monitor=monitor, hour=NEXT_HOUR, location="USE")
    DailyRollup.objects.create(monitor=monitor, day=date(2026, 3, 2))
    later = NEXT_HOUR + timedelta(minutes=30)
    today = date(2026, 3, 2)
    assert uptime.last_hours([monitor.pk], 24, later) == {}
    assert uptime.last_days([monitor.pk], 30, today) == {}
    assert uptime.daily([monitor.pk], 90, today) == {}
    assert uptime.daily_by_category([monitor.pk], 90, today) == {}
    assert performance.last_day_by_hour([monitor.pk], later) == {}
    assert all(not span.points for span in performance.spans(monitor.pk, later))
    assert Monitor.objects.get(pk=monitor.pk).status == "pending"


@pytest.mark.django_db(transaction=True)
def test_a_monitor_deleted_while_its_rows_are_made_is_left_out_not_an_error(make_monitor):
    kept, gone = make_monitor(), make_monitor()
    rows = [(pk, NEXT_HOUR, "USE", 0, 0, 0, 0) for pk in (kept.pk, gone.pk)]
    gone.delete()  # after the task read the active monitors
    assert rollups_ahead._insert(rollups_ahead._HOURLY, rows) == 1
    assert hourly() == [(kept.pk, NEXT_HOUR, "USE", 0)]
