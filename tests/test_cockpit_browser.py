"""The staff cockpit in a real browser (Debian's chromium via Playwright):
staff log in, see what is down, open its detail with a chart, post two
incident updates in a row and find the newest first on the public page.
Screenshots of the overview, the detail and the monitor list go to artifacts/."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from core.enums import Protocol, Severity, Status
from incidents.models import Incident
from monitors.models import DailyRollup, FailedCheck, HourlyRollup, Monitor, StatusEvent
from tests.test_browser import ARTIFACTS, DESKTOP, browser, orm  # noqa: F401

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("page_cache")]


@pytest.fixture
def cockpit(transactional_db):
    User.objects.create_superuser("staff", "staff@example.test", "a long password 1")
    now = timezone.now()
    this_hour = now.replace(minute=0, second=0, microsecond=0)

    def monitor(name: str, status: str, **fields) -> Monitor:
        made = Monitor.objects.create(
            name=name, protocol=fields.pop("protocol", Protocol.HTTP),
            target=fields.pop("target", f"https://{name.lower().replace(' ', '-')}.example.test/"),
            status=status, status_changed_at=now - timedelta(minutes=23),
            last_check=now - timedelta(seconds=12), **fields,
        )  # fmt: skip
        HourlyRollup.objects.bulk_create(
            HourlyRollup(
                monitor=made,
                hour=this_hour - timedelta(hours=h),
                checks=60,
                successes=60 if h not in (0, 9) or status == Status.UP else 41,
                total_response_ms=60 * (180 + 40 * (h % 5) + made.pk * 7),
                max_response_ms=420 + 30 * (h % 7),
            )  # fmt: skip
            for h in range(24 * 7)
        )
        DailyRollup.objects.bulk_create(
            DailyRollup(
                monitor=made,
                day=timezone.localdate(now) - timedelta(days=d),
                checks=1440,
                successes=1440 - (d % 6) * 3,
                total_response_ms=1440 * (200 + (d * 37) % 90),
                max_response_ms=700 + (d * 53) % 400,
            )  # fmt: skip
            for d in range(90)
        )
        return made

    api = monitor("Checkout API", Status.DOWN, last_error="HTTP 503 Service Unavailable")
    api.locations = "USE,UK"
    api.save()
    FailedCheck.objects.bulk_create(
        FailedCheck(
            monitor=api,
            location=loc,
            checked_at=now - timedelta(minutes=m),
            last_checked_at=now - timedelta(minutes=m),
            error="HTTP 503 Service Unavailable",
        )  # fmt: skip
        for m in range(0, 24, 3)
        for loc in ("USE", "UK")
    )
    StatusEvent.objects.create(
        monitor=api, at=now - timedelta(minutes=23), from_status=Status.UP,
        to_status=Status.DOWN, reason="HTTP 503 Service Unavailable",
    )  # fmt: skip
    monitor("Website", Status.UP)
    monitor("Mail relay", Status.UP, protocol=Protocol.TCP, target="mx.example.test", port=25)
    monitor("Old FTP", Status.PENDING, is_active=False)
    incident = Incident.objects.create(
        name="Checkout errors", severity=Severity.OUTAGE, message="We are investigating."
    )
    incident.monitors.add(api)
    return {"api": api, "incident": incident}


def test_staff_see_what_is_down_open_its_detail_and_post_two_updates(
    cockpit,
    live_server,
    browser,  # noqa: F811
):
    errors: list[str] = []
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    # Nothing the cockpit draws needs an inline script or style (CSP 'self').
    page.on("console", lambda m: "Content Security Policy" in m.text and errors.append(m.text))
    page.goto(live_server.url + "/admin/")
    page.fill("#id_username", "staff")
    page.fill("#id_password", "a long password 1")
    page.click("input[type=submit]")

    page.wait_for_selector("#cockpit-live")
    assert page.locator("h1").first.inner_text() == "Overview"
    down = page.locator("section", has=page.locator("h2#down"))
    assert "Checkout API" in down.inner_text()
    assert "HTTP 503 Service Unavailable" in down.inner_text()
    page.screenshot(path=ARTIFACTS / "admin-overview.png", full_page=True)

    down.locator("a", has_text="Checkout API").click()
    page.wait_for_selector("figure#span-24h svg.chart polyline.avg")
    assert page.locator("svg.chart").count() == 4
    assert "Down" in page.locator("h1").inner_text()
    page.screenshot(path=ARTIFACTS / "admin-monitor-detail.png", full_page=True)

    page.goto(live_server.url + "/admin/monitors/monitor/")
    paused = page.locator("#result_list tr", has_text="Old FTP")
    assert "Paused" in paused.inner_text()
    assert "mx.example.test:25" in page.locator("#result_list").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    # Every column fits: the list does not scroll sideways, the last column shows.
    fits = "e => [e.scrollWidth, e.clientWidth]"
    scroll, client = page.locator("#changelist .results").evaluate(fits)
    assert scroll <= client, (scroll, client)
    assert page.locator("#result_list td.field-category").first.is_visible()
    page.screenshot(path=ARTIFACTS / "admin-monitor-list.png", full_page=True)

    incident = cockpit["incident"]
    for status, message in [("identified", "A bad deploy; **rolling back**."),
                            ("monitoring", "Rolled back; watching the error rate.")]:  # fmt: skip
        page.goto(f"{live_server.url}/admin/incidents/incident/{incident.pk}/change/")
        page.select_option("#id_status", status)
        page.fill("#id_message", message)
        page.wait_for_function(
            "text => document.getElementById('markdown-preview').textContent.includes(text)",
            arg=message.split(";")[0],
        )
        page.click("input[name=_continue]")
        page.wait_for_selector(".messagelist .success")

    page.goto(f"{live_server.url}/incidents/{incident.pk}")
    entries = page.locator(".timeline li").all_inner_texts()
    assert "Rolled back; watching the error rate." in entries[0]
    assert "rolling back" in entries[1]
    assert errors == []
    context.close()
