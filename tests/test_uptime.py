from datetime import UTC, date, datetime

import pytest

from monitors import uptime
from monitors.models import DailyRollup, HourlyRollup

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 2, 14, 22, 30, tzinfo=UTC)


def test_uptime_sums_the_rollups_inside_the_window(make_monitor, django_assert_num_queries):
    web, db = make_monitor(name="web"), make_monitor(name="db")
    HourlyRollup.objects.create(
        monitor=web, hour=datetime(2026, 2, 14, 22, tzinfo=UTC), checks=120, successes=119
    )
    HourlyRollup.objects.create(
        monitor=web, hour=datetime(2026, 2, 13, 23, tzinfo=UTC), checks=120, successes=120
    )
    HourlyRollup.objects.create(
        monitor=web, hour=datetime(2026, 2, 13, 22, tzinfo=UTC), checks=120, successes=0
    )
    with django_assert_num_queries(1):
        counts = uptime.last_hours([web.pk, db.pk], 24, now=NOW)
    assert counts == {web.pk: uptime.Counts(240, 239)}
    assert round(counts[web.pk].percent, 1) == 99.6
    assert uptime.Counts().percent is None


def test_day_bars_and_multi_day_uptime_come_from_daily_rollups(make_monitor):
    web = make_monitor(name="web")
    DailyRollup.objects.create(monitor=web, day=date(2026, 2, 14), checks=100, successes=90)
    DailyRollup.objects.create(monitor=web, day=date(2026, 2, 1), checks=100, successes=100)
    DailyRollup.objects.create(monitor=web, day=date(2025, 11, 1), checks=100, successes=0)
    today = date(2026, 2, 14)
    assert uptime.last_days(None, 30, today=today) == {web.pk: uptime.Counts(200, 190)}
    bars = uptime.daily([web.pk], 90, today=today)
    assert bars[web.pk] == {
        date(2026, 2, 14): uptime.Counts(100, 90),
        date(2026, 2, 1): uptime.Counts(100, 100),
    }
    assert uptime.total(bars[web.pk].values()).percent == 95.0


def test_no_monitors_have_no_day_bars(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert uptime.daily([], 90) == {}
