"""The monitor form in a real browser (Debian's chromium, as test_browser.py):
its script shows only the sections of the chosen protocol; without JavaScript
every section shows and the form still saves."""

import pytest

from monitors.models import Monitor
from tests.test_browser import browser, orm  # noqa: F401 (the fixture)

pytestmark = pytest.mark.slow


def log_in(context, live_server):
    page = context.new_page()
    page.goto(live_server.url + "/admin/login/?next=/admin/monitors/monitor/add/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "password")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/monitors/monitor/add/", timeout=30_000)
    return page


def test_the_form_shows_the_sections_the_protocol_asks_for_and_saves_without_javascript(
    transactional_db,
    admin_user,
    live_server,
    browser,  # noqa: F811
):
    # One browser for both halves: starting chromium is the slow part.
    page = log_in(browser.new_context(), live_server)
    http, tcp = "fieldset.for-protocol-http", "fieldset.for-protocol-tcp"
    page.select_option("#id_protocol", "http")
    assert page.is_visible(http) and page.is_hidden(tcp)
    page.select_option("#id_protocol", "tcp")
    assert page.is_visible(tcp) and page.is_hidden(http)
    page.select_option("#id_protocol", "ping")
    assert page.is_hidden(tcp) and page.is_hidden(http)

    page = log_in(browser.new_context(java_script_enabled=False), live_server)
    assert page.is_visible(http) and page.is_visible(tcp)
    page.fill("#id_name", "Database")
    page.select_option("#id_protocol", "tcp")
    page.fill("#id_target", "db.example.test")
    page.fill("#id_port", "5432")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/monitors/monitor/", timeout=30_000)
    assert orm(lambda: Monitor.objects.get().port) == 5432
