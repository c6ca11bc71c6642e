"""Staff end a maintenance window now, or extend it, from the admin; an ended
occurrence of a recurring window does not stop the ones after it."""

from datetime import UTC, datetime, timedelta

import pytest

from core.enums import RecurUnit
from maintenance.models import ScheduledMaintenance
from maintenance.windows import monitors_in_maintenance

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 4, 7, 2, 30, tzinfo=UTC)


@pytest.fixture
def nightly(make_monitor, time_machine):
    time_machine.move_to(NOW, tick=False)
    row = ScheduledMaintenance.objects.create(
        name="Nightly backup", starts_at=datetime(2026, 4, 1, 2, tzinfo=UTC), duration_hours=1,
        recurring=True, recur_unit=RecurUnit.DAY, recur_every=1,
    )  # fmt: skip
    row.monitors.add(make_monitor())
    return row


def test_ending_a_window_now_from_its_form_takes_its_monitors_out_at_once(admin_client, nightly):
    assert monitors_in_maintenance(NOW)
    page = admin_client.get(f"/admin/maintenance/scheduledmaintenance/{nightly.pk}/change/")
    assert "End now" in page.content.decode()
    admin_client.post(f"/admin/maintenance/scheduledmaintenance/{nightly.pk}/end-now/")
    nightly.refresh_from_db()
    assert nightly.ended_early_at == NOW
    assert not monitors_in_maintenance(NOW)
    # Tomorrow's window runs as planned.
    tomorrow = NOW + timedelta(days=1)
    assert monitors_in_maintenance(tomorrow)
    assert nightly.next_window(NOW) == (
        datetime(2026, 4, 8, 2, tzinfo=UTC),
        datetime(2026, 4, 8, 3, tzinfo=UTC),
    )


def test_a_one_off_window_ended_from_the_list_is_finished(admin_client, make_monitor, nightly):
    once = ScheduledMaintenance.objects.create(
        name="Switch swap", starts_at=NOW - timedelta(minutes=10), duration_hours=2
    )
    once.monitors.add(make_monitor(name="Core switch"))
    admin_client.post(
        "/admin/maintenance/scheduledmaintenance/",
        {"action": "end_now", "_selected_action": [once.pk]},
    )
    once.refresh_from_db()
    assert once.window_at(NOW) is None and once.next_window(NOW) is None
    assert once.ends_at == NOW  # no longer among the open or upcoming windows


def test_extending_a_window_by_an_hour(admin_client, nightly):
    admin_client.post(f"/admin/maintenance/scheduledmaintenance/{nightly.pk}/extend/")
    nightly.refresh_from_db()
    assert nightly.window_at(NOW) == (NOW - timedelta(minutes=30), NOW + timedelta(minutes=90))


def test_the_buttons_only_answer_a_post(admin_client, nightly):
    url = f"/admin/maintenance/scheduledmaintenance/{nightly.pk}/end-now/"
    assert admin_client.get(url).status_code == 405
    nightly.refresh_from_db()
    assert nightly.ended_early_at is None
