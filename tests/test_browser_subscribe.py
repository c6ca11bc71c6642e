"""Subscribing from the page in a real browser (Debian's chromium, headless):
the Subscribe button's dialog with JavaScript, the plain form without it,
then the confirmation link from the mail. Skips where chromium is missing,
fails in CI."""

import re

import pytest

from alerts.models import Subscriber
from tests.test_browser import ARTIFACTS, DESKTOP, PHONE, browser, orm, status_page  # noqa: F401

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("page_cache", "celery_eager")]


def confirmation_path(sink, address: str) -> str:
    [envelope] = [e for e in sink.messages if e.rcpt_tos == [address]]
    text = envelope.content.decode()
    return re.search(r"https://status\.example\.test(/subscriptions/confirm/[^\s<\"]+)", text)[1]


def test_a_visitor_subscribes_from_the_dialog_and_confirms(
    status_page,  # noqa: F811
    live_server,
    browser,  # noqa: F811
    smtp_sink,  # noqa: F811
):
    errors: list[str] = []
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Subscribe to updates").click()
    dialog = page.locator("dialog.subscribe-dialog")
    dialog.wait_for(state="visible")
    assert page.url == live_server.url + "/"  # a dialog, not a new page
    assert dialog.locator("#sub-url").is_hidden()  # email is the default kind
    dialog.locator("#sub-email").fill("ann@example.test")
    dialog.get_by_label("Public API").check()
    page.screenshot(path=ARTIFACTS / "subscribe-dialog.png")
    dialog.get_by_role("button", name="Subscribe").click()
    page.wait_for_selector("text=Check your inbox")
    assert errors == []

    page.goto(live_server.url + confirmation_path(smtp_sink, "ann@example.test"))
    assert page.locator("h1").inner_text() == "You are subscribed"
    ann = orm(lambda: Subscriber.objects.get(address="ann@example.test"))
    assert ann.confirmed_at is not None
    chosen = orm(lambda: list(ann.monitors.values_list("name", flat=True)))
    assert chosen == ["Public API"]
    context.close()


def test_without_javascript_the_button_leads_to_the_same_form(
    status_page,  # noqa: F811
    live_server,
    browser,  # noqa: F811
    smtp_sink,  # noqa: F811
):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Subscribe to updates").click()
    page.wait_for_url("**/subscribe")
    page.locator("#sub-email").fill("bob@example.test")
    page.get_by_role("button", name="Subscribe").click()
    page.wait_for_selector("text=Check your inbox")
    page.screenshot(path=ARTIFACTS / "subscribed-phone-nojs.png", full_page=True)
    assert confirmation_path(smtp_sink, "bob@example.test")
    context.close()
