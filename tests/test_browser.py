"""The page in a real browser: Debian's chromium, headless, driven by
Playwright against a live server. Skips where chromium is missing, fails in CI.
Screenshots (desktop, phone, dark, Swedish) go to artifacts/ for a person to look at."""

import os
import re
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

import pytest
from django.db import connections
from django.utils import timezone

from core.enums import IncidentStatus, Protocol, Severity, Status
from incidents.models import Incident
from maintenance.models import ScheduledMaintenance
from monitors.models import Category, DailyRollup, Monitor

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
T = TypeVar("T")
DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("page_cache")]


def need_chromium() -> None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = "Playwright for Python is not installed"
    else:
        missing = None if os.access(CHROMIUM, os.X_OK) else f"{CHROMIUM} is not installed"
    if missing is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{missing}, and CI must run every test")
    pytest.skip(missing)


@pytest.fixture
def browser(settings):
    need_chromium()
    from playwright.sync_api import sync_playwright

    # The live server speaks plain HTTP on 127.0.0.1.
    settings.SECURE_SSL_REDIRECT = False
    settings.CSRF_COOKIE_SECURE = settings.SESSION_COOKIE_SECURE = False
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def status_page(transactional_db):
    web = Category.objects.create(name="Web services", display_order=1)
    mail = Category.objects.create(name="Mail", display_order=2)

    def monitor(name: str, category, status: str) -> Monitor:
        return Monitor.objects.create(
            name=name, protocol=Protocol.HTTP, target="https://example.test/",
            category=category, status=status,
        )  # fmt: skip

    site = monitor("Website", web, Status.UP)
    api = monitor("Public API", web, Status.DOWN)
    smtp = monitor("SMTP relay", mail, Status.UP)
    monitor("Status webhooks", None, Status.PENDING)
    today = timezone.localdate()
    DailyRollup.objects.bulk_create(
        DailyRollup(monitor=m, day=today - timedelta(days=d), checks=1440, successes=s)
        for m in (site, api, smtp)
        for d in range(60)
        for s in [1440 if d % 9 else 1400 - 30 * (m.pk % 3)]
    )
    now = timezone.now()
    incident = Incident.objects.create(
        name="Errors on the public API", severity=Severity.OUTAGE,
        message="We are investigating **elevated errors**.", created_at=now - timedelta(minutes=40),
    )  # fmt: skip
    incident.monitors.add(api)
    incident.status = IncidentStatus.IDENTIFIED
    incident.message = (
        "A faulty deploy; rolling back. Details: [changelog](https://example.test/log)"
    )
    incident.save()
    old = Incident.objects.create(
        name="Slow mail delivery", severity=Severity.DEGRADED, message="Queues are long.",
        created_at=now - timedelta(days=2, hours=3),
    )  # fmt: skip
    old.monitors.add(smtp)
    old.status, old.message = IncidentStatus.RESOLVED, "Queues are back to normal."
    old.save()
    ScheduledMaintenance.objects.create(
        name="Database upgrade", starts_at=now + timedelta(days=1, hours=2), duration_hours=1,
        message="Short read-only period.",
    ).monitors.add(site, api)  # fmt: skip
    return {"api": api}


def orm(work: Callable[[], T]) -> T:
    """Runs ORM code while the browser is open. Playwright's sync API keeps an
    event loop running in this thread, where Django refuses the ORM (and would
    open a connection no one closes); a thread of its own has neither problem."""
    done: dict = {}

    def run() -> None:
        try:
            done["value"] = work()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return done["value"]


def row(page, name: str):
    return page.locator("li.monitor", has=page.locator(".mname", has_text=name))


def test_a_visitor_sees_the_state_of_everything_and_can_read_it_in_swedish(
    status_page, live_server, browser
):
    errors: list[str] = []
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    # A Content-Security-Policy violation is a console error ("Refused to ...").
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(live_server.url + "/")

    assert page.locator(".banner h1").inner_text() == "Partial outage"
    groups = page.locator("details.group summary .gname").all_inner_texts()
    assert groups == ["Web services", "Mail", "Other"]
    api = row(page, "Public API")
    assert api.locator(".state").inner_text() == "Major outage"  # a word, not only a colour
    assert row(page, "Website").locator(".state").inner_text() == "Operational"
    assert page.locator("#h-active + article h3").inner_text() == "Errors on the public API"
    assert "rolling back" in page.locator("#h-active + article .timeline li").first.inner_text()
    assert "Database upgrade" in page.locator("#h-maint-next ~ article").first.inner_text()

    # A day bar is reachable from the keyboard and tells its date and uptime.
    today = api.locator(".bars i[tabindex='0']").element_handle()
    today.focus()
    label = today.get_attribute("aria-label")
    assert re.fullmatch(
        r"\d+ \w+ \d{4}\n(100|\d\d\.\d\d)% uptime\nIncidents: Errors on the public API", label
    )
    tooltip = page.evaluate("e => getComputedStyle(e, '::after').content", today)
    assert "uptime" in tooltip  # shown on focus, not only on hover
    page.keyboard.press("ArrowLeft")
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert "uptime" in focused and focused.split("\n")[0] != label.split("\n")[0]
    page.screenshot(path=ARTIFACTS / "status-desktop.png", full_page=True)
    page.screenshot(path=ARTIFACTS / "status-desktop-top.png")

    page.select_option("#language", "sv")  # submits at once
    page.wait_for_load_state()
    page.wait_for_selector("html[lang=sv]")
    assert page.locator(".banner h1").inner_text() == "Delvis avbrott"
    assert row(page, "Public API").locator(".state").inner_text() == "Större avbrott"
    assert "Tider visas i tidszonen UTC." in page.locator("footer").inner_text()

    page.set_viewport_size(PHONE)
    visible = api.locator(".bars i:visible").count()
    assert visible == 30  # the last 30 days on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=ARTIFACTS / "status-phone-sv.png", full_page=True)
    page.screenshot(path=ARTIFACTS / "status-phone-sv-top.png")
    assert errors == []
    context.close()


def test_the_status_part_refreshes_itself_without_reloading(status_page, live_server, browser):
    context = browser.new_context(viewport=DESKTOP, color_scheme="dark")
    page = context.new_page()
    page.clock.install()
    page.goto(live_server.url + "/")
    page.evaluate("window.notReloaded = true")
    assert page.locator(".banner h1").inner_text() == "Partial outage"
    page.screenshot(path=ARTIFACTS / "status-desktop-dark.png", full_page=True)

    def recover() -> None:
        api = status_page["api"]
        api.status = Status.UP
        api.save()
        incident = orm(lambda: Incident.objects.get(name="Errors on the public API"))
        incident.status, incident.message = IncidentStatus.RESOLVED, "Rolled back."
        incident.save()

    orm(recover)
    page.clock.run_for(61_000)
    # A function, not an expression: Playwright evals an expression, which the
    # page's Content-Security-Policy (script-src 'self') refuses.
    page.wait_for_function(
        "() => document.querySelector('.banner h1').textContent.trim() !== 'Partial outage'"
    )
    assert page.locator(".banner h1").inner_text() == "All systems operational"
    assert page.evaluate("window.notReloaded") is True
    context.close()


def test_the_page_works_without_javascript(status_page, live_server, browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert page.locator(".banner h1").inner_text() == "Partial outage"
    page.locator("details.group summary").first.click()  # categories fold natively
    assert page.locator("details.group").first.get_attribute("open") is None
    page.select_option("#language", "sv")
    page.locator(".lang button").click()
    page.wait_for_selector("html[lang=sv]")
    assert page.locator(".banner h1").inner_text() == "Delvis avbrott"
    incident = orm(lambda: Incident.objects.get(name="Errors on the public API"))
    page.goto(f"{live_server.url}/incidents/{incident.pk}")
    assert page.locator("h1").inner_text() == "Errors on the public API"
    assert "Identifierat" in page.locator(".timeline").inner_text()
    page.screenshot(path=ARTIFACTS / "incident-phone-sv-nojs.png", full_page=True)
    context.close()


def test_swagger_ui_and_the_admin_work_under_the_content_security_policy(
    transactional_db, live_server, browser, django_user_model
):
    orm(lambda: django_user_model.objects.create_superuser("boss", "b@example.test", "a-long-pw"))
    errors: list[str] = []
    context = browser.new_context(viewport=DESKTOP)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    # The browser's own favicon.ico request is a 404 on the admin: count violations only.
    page.on("console", lambda m: "Content Security Policy" in m.text and errors.append(m.text))

    for docs in ("/v1/docs", "/api.php/docs"):
        page.goto(live_server.url + docs)
        page.wait_for_selector(".swagger-ui .info .title")
        page.wait_for_selector(".swagger-ui .opblock")  # the operations, from the schema

    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "a-long-pw")
    page.click("input[type=submit]")
    page.goto(live_server.url + "/admin/statuspage/apikey/add/")
    page.fill("#id_name", "grafana")
    page.click("input[name=_save]")
    page.click("#copy-key")  # the admin's script, now a static file
    page.wait_for_selector("#copied:not([hidden])")
    assert page.evaluate("getComputedStyle(document.getElementById('raw-key')).fontFamily") == (
        "monospace"
    )
    assert errors == []
    context.close()
