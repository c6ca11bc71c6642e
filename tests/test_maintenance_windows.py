from datetime import UTC, datetime

import pytest

from maintenance.models import ScheduledMaintenance
from maintenance.windows import monitors_in_maintenance

pytestmark = pytest.mark.django_db


def test_monitors_in_an_open_window_are_in_maintenance(make_monitor, django_assert_num_queries):
    covered, other = make_monitor(name="db"), make_monitor(name="web")
    weekly = ScheduledMaintenance.objects.create(
        name="Patch", starts_at=datetime(2026, 1, 5, 22, tzinfo=UTC), recurring=True,
        recur_unit="week", recur_every=1, recur_until=datetime(2026, 6, 1, tzinfo=UTC),
    )  # fmt: skip
    weekly.monitors.add(covered)
    ScheduledMaintenance.objects.create(
        name="Old", starts_at=datetime(2025, 1, 1, tzinfo=UTC)
    ).monitors.add(other)
    with django_assert_num_queries(2):
        assert monitors_in_maintenance(datetime(2026, 1, 12, 22, 30, tzinfo=UTC)) == {covered.pk}
    assert monitors_in_maintenance(datetime(2026, 1, 13, 22, 30, tzinfo=UTC)) == set()
    assert monitors_in_maintenance(datetime(2026, 6, 8, 22, 30, tzinfo=UTC)) == set()
