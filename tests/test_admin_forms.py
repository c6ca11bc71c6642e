"""Admin forms that fit what staff edit: a monitor's sections follow its
protocol, help texts speak the staff's language, recurrences read as words."""

import re
from datetime import UTC, datetime

import pytest

from maintenance.models import ScheduledMaintenance

pytestmark = pytest.mark.django_db

API_AND_ENGINE_WORDS = ["Celery", "queue", "ApplyToStatusPagesOfAffectedMonitors", "v1 API"]


def scripts(page: str) -> list[str]:
    return re.findall(r"<script\b[^>]*>", page)


def test_the_monitor_form_groups_fields_by_protocol_for_its_script(admin_client):
    page = admin_client.get("/admin/monitors/monitor/add/").content.decode()
    http_section = re.search(
        r'<fieldset class="[^"]*for-protocol-http[^"]*".*?</fieldset>', page, re.S
    )
    tcp_section = re.search(
        r'<fieldset class="[^"]*for-protocol-tcp[^"]*".*?</fieldset>', page, re.S
    )
    assert http_section and 'name="http_headers"' in http_section.group()
    assert 'name="port"' not in http_section.group()
    assert tcp_section and 'name="port"' in tcp_section.group()
    assert 'name="http_headers"' not in tcp_section.group()
    assert any("monitors/protocol_fieldsets.js" in tag for tag in scripts(page))


@pytest.mark.parametrize(
    "path", ["/admin/monitors/monitor/add/", "/admin/incidents/incident/add/",
             "/admin/maintenance/scheduledmaintenance/add/"],
)  # fmt: skip
def test_admin_forms_run_no_inline_script_and_speak_the_staff_language(admin_client, path):
    page = admin_client.get(path).content.decode()
    for tag in scripts(page):  # a coming CSP allows script-src 'self' only
        assert "src=" in tag or 'type="application/json"' in tag, tag
    help_texts = " ".join(re.findall(r'<div class="help"[^>]*>(.*?)</div>', page, re.S))
    assert help_texts
    for word in API_AND_ENGINE_WORDS:
        assert word not in help_texts, word


def test_the_monitor_form_says_what_a_location_is(admin_client):
    page = admin_client.get("/admin/monitors/monitor/add/").content.decode()
    assert "Where the checks are made from" in page and "UK (United Kingdom)" in page


def test_the_maintenance_list_says_every_1_week(admin_client):
    start = datetime(2026, 1, 1, 2, tzinfo=UTC)
    for count, unit in [(1, "week"), (2, "week"), (1, "day"), (3, "month")]:
        ScheduledMaintenance.objects.create(
            name=f"Patch {count} {unit}", starts_at=start, recurring=True,
            recur_unit=unit, recur_every=count, recur_until=datetime(2027, 1, 1, tzinfo=UTC),
        )  # fmt: skip
    page = admin_client.get("/admin/maintenance/scheduledmaintenance/").content.decode()
    for text in ["every 1 week<", "every 2 weeks<", "every 1 day<", "every 3 months<"]:
        assert text in page
    assert "Weeks" not in page.split("<tbody>")[1]
