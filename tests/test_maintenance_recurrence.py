"""When a maintenance window is open: one-off, daily, weekly and monthly windows,
across month ends and daylight-saving changes."""

from datetime import UTC, datetime, timedelta

import pytest

from core.enums import RecurUnit
from maintenance.recurrence import Schedule, final_end, next_window, window_at, windows_between


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


ONE_OFF = Schedule(start=utc(2026, 3, 1, 9), duration=timedelta(hours=3, minutes=30))


@pytest.mark.parametrize(
    "when,open_",
    [
        (utc(2026, 3, 1, 8, 59), False),
        (utc(2026, 3, 1, 9), True),
        (utc(2026, 3, 1, 12, 29), True),
        (utc(2026, 3, 1, 12, 30), False),
        (utc(2027, 3, 1, 9), False),
    ],
)
def test_a_one_off_window_is_open_from_its_start_for_its_duration(when, open_):
    assert (window_at(ONE_OFF, when) is not None) is open_


def test_a_daily_window_repeats_until_its_end():
    daily = Schedule(
        start=utc(2026, 1, 1, 2), duration=timedelta(hours=1), unit=RecurUnit.DAY, every=2,
        until=utc(2026, 1, 10),
    )  # fmt: skip
    assert window_at(daily, utc(2026, 1, 3, 2, 30)) == (utc(2026, 1, 3, 2), utc(2026, 1, 3, 3))
    assert window_at(daily, utc(2026, 1, 4, 2, 30)) is None  # every second day
    assert window_at(daily, utc(2026, 1, 9, 2, 30)) is not None
    assert window_at(daily, utc(2026, 1, 11, 2, 30)) is None  # after the end
    assert final_end(daily) == utc(2026, 1, 9, 3)


def test_a_weekly_window_without_an_end_repeats_for_ever():
    weekly = Schedule(start=utc(2026, 1, 5, 22), duration=timedelta(hours=4), unit=RecurUnit.WEEK)
    assert window_at(weekly, utc(2030, 1, 8, 1)) == (utc(2030, 1, 7, 22), utc(2030, 1, 8, 2))
    assert final_end(weekly) is None


@pytest.mark.parametrize(
    "month,day",
    [((2026, 2), 28), ((2028, 2), 29), ((2026, 3), 31), ((2026, 4), 30)],
)
def test_a_monthly_window_on_the_31st_falls_on_the_last_day_of_short_months(month, day):
    monthly = Schedule(start=utc(2026, 1, 31, 1), duration=timedelta(hours=2), unit=RecurUnit.MONTH)
    assert window_at(monthly, utc(*month, day, 2)) == (utc(*month, day, 1), utc(*month, day, 3))
    assert window_at(monthly, utc(*month, day - 1, 2)) is None


def test_a_window_longer_than_its_period_stays_open(settings):
    overlapping = Schedule(start=utc(2026, 1, 1), duration=timedelta(hours=30), unit=RecurUnit.DAY)
    assert window_at(overlapping, utc(2026, 1, 5, 5)) == (utc(2026, 1, 5), utc(2026, 1, 6, 6))


def test_a_daily_window_keeps_its_local_time_across_daylight_saving(settings):
    settings.TIME_ZONE = "Europe/Stockholm"
    # 02:30 local: UTC+1 in winter (01:30Z), UTC+2 in summer (00:30Z).
    daily = Schedule(start=utc(2026, 3, 27, 1, 30), duration=timedelta(hours=1), unit=RecurUnit.DAY)
    assert window_at(daily, utc(2026, 3, 28, 1, 45))[0] == utc(2026, 3, 28, 1, 30)
    assert window_at(daily, utc(2026, 3, 30, 0, 45))[0] == utc(2026, 3, 30, 0, 30)
    assert window_at(daily, utc(2026, 3, 30, 1, 45)) is None
    # ... and back in autumn.
    assert window_at(daily, utc(2026, 10, 26, 1, 45))[0] == utc(2026, 10, 26, 1, 30)


def test_next_window_is_the_open_one_or_the_next_to_open():
    weekly = Schedule(
        start=utc(2026, 1, 5, 22), duration=timedelta(hours=1), unit=RecurUnit.WEEK,
        until=utc(2026, 1, 20),
    )  # fmt: skip
    assert next_window(weekly, utc(2026, 1, 1)) == (utc(2026, 1, 5, 22), utc(2026, 1, 5, 23))
    assert next_window(weekly, utc(2026, 1, 5, 22, 30))[0] == utc(2026, 1, 5, 22)
    assert next_window(weekly, utc(2026, 1, 6))[0] == utc(2026, 1, 12, 22)
    assert next_window(weekly, utc(2026, 1, 19, 23)) is None
    assert next_window(ONE_OFF, utc(2026, 3, 2)) is None


def test_windows_between_lists_every_overlapping_window():
    weekly = Schedule(
        start=utc(2026, 1, 5, 22), duration=timedelta(hours=1), unit=RecurUnit.WEEK,
        until=utc(2026, 2, 1),
    )  # fmt: skip
    starts = [w[0] for w in windows_between(weekly, utc(2026, 1, 1), utc(2026, 3, 1))]
    assert starts == [utc(2026, 1, d, 22) for d in (5, 12, 19, 26)]
    assert list(windows_between(ONE_OFF, utc(2026, 1, 1), utc(2026, 2, 1))) == []
