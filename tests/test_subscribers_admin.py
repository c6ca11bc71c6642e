"""Staff manage subscribers in the admin: filter them, export and import
them as CSV, resend a confirmation, read each notice's delivery log, see why
a webhook was disabled, and choose per incident whether subscribers hear of it."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from alerts.models import (
    DeliveryState,
    Notice,
    NoticeDelivery,
    NoticeKind,
    NoticeState,
    Subscriber,
)
from alerts.subscribers.subscribing import default_page
from incidents.models import Incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribers(make_monitor, category):
    now, page = timezone.now(), default_page()
    web = make_monitor(name="Web", category=category)
    ann = Subscriber.objects.create(
        page=page, kind="email", address="ann@example.test", confirmed_at=now
    )
    ann.monitors.add(web)
    bob = Subscriber.objects.create(
        page=page, kind="email", address="bob@example.test", language="sv"
    )
    hook = Subscriber.objects.create(
        page=page, kind="webhook", address="https://hooks.example.test/x", secret="s" * 64,
        confirmed_at=now, failures=10, disabled_at=now,
        disabled_reason="10 failed deliveries in a row; the last: HTTP 500: oops",
    )  # fmt: skip
    hook.categories.add(category)
    return {"ann": ann, "bob": bob, "hook": hook, "web": web}


@pytest.mark.parametrize(
    "url", ["/admin/alerts/subscriber/", "/admin/alerts/notice/", "/admin/alerts/noticedelivery/"]
)
def test_every_subscribers_admin_page_opens(https_admin_client, subscribers, url):
    assert https_admin_client.get(url).status_code == 200
    assert https_admin_client.get(url + "?q=zz").status_code == 200


def test_the_subscriber_list_filters_and_shows_why_a_webhook_was_disabled(
    https_admin_client, subscribers, django_assert_num_queries
):
    https_admin_client.get("/admin/alerts/subscriber/")  # session and permissions warm
    with django_assert_num_queries(9):  # 8, and the status pages for their filter
        page = https_admin_client.get("/admin/alerts/subscriber/").content.decode()
    assert "HTTP 500: oops" in page and "1 monitor(s), 0 categor(y/ies)" in page
    confirmed = https_admin_client.get("/admin/alerts/subscriber/?confirmed=yes").content.decode()
    assert "ann@example.test" in confirmed and "bob@example.test" not in confirmed
    assert "hooks.example.test" not in confirmed  # disabled
    waiting = https_admin_client.get("/admin/alerts/subscriber/?confirmed=no").content.decode()
    assert "bob@example.test" in waiting and "ann@example.test" not in waiting
    hooks = https_admin_client.get("/admin/alerts/subscriber/?kind__exact=webhook").content
    assert b"hooks.example.test" in hooks and b"ann@" not in hooks
    by_monitor = https_admin_client.get(
        f"/admin/alerts/subscriber/?monitors__id__exact={subscribers['web'].pk}"
    ).content
    assert b"ann@" in by_monitor and b"bob@" not in by_monitor


def test_export_then_import_brings_the_same_subscribers_back(https_admin_client, subscribers):
    response = https_admin_client.post(
        "/admin/alerts/subscriber/",
        {"action": "export_csv", "_selected_action": [s.pk for s in Subscriber.objects.all()]},
    )
    assert response["Content-Type"].startswith("text/csv")
    exported = response.content
    assert exported.startswith(
        b"kind,address,language,confirmed_at,monitors,categories,component_updates,page\r\n"
    )
    assert b"s" * 64 not in exported  # a webhook's secret is shown once, not exported
    Subscriber.objects.all().delete()

    response = https_admin_client.post(
        "/admin/alerts/subscriber/import/",
        {"file": SimpleUploadedFile("s.csv", exported, content_type="text/csv")},
    )
    assert response.status_code == 302
    ann = Subscriber.objects.get(address="ann@example.test")
    assert ann.confirmed_at is not None and list(ann.monitors.all()) == [subscribers["web"]]
    assert Subscriber.objects.get(address="bob@example.test").language == "sv"
    hook = Subscriber.objects.get(kind="webhook")
    assert re.fullmatch(r"[0-9a-f]{64}", hook.secret) and hook.secret != "s" * 64
    # The new secret is shown once, on the page the import leads to.
    shown = https_admin_client.get(response["Location"]).content.decode()
    assert f"https://hooks.example.test/x {hook.secret}" in shown
    assert hook.secret not in https_admin_client.get(response["Location"]).content.decode()


def test_an_import_keeps_a_webhook_secret_the_file_gives(https_admin_client, db):
    """Moving from another page, whose receivers already check that secret."""
    form = https_admin_client.get("/admin/alerts/subscriber/import/").content.decode()
    assert "a webhook row without a secret gets a new one, shown once" in form
    text = "kind,address,secret\nwebhook,https://hooks.example.test/y,known-to-the-receiver\n"
    response = https_admin_client.post(
        "/admin/alerts/subscriber/import/",
        {"file": SimpleUploadedFile("s.csv", text.encode(), content_type="text/csv")},
    )
    assert response.status_code == 302
    assert Subscriber.objects.get().secret == "known-to-the-receiver"
    shown = https_admin_client.get(response["Location"]).content.decode()
    assert "Imported 1" in shown and "known-to-the-receiver" not in shown


def test_an_import_with_a_wrong_line_saves_nothing_and_names_the_line(https_admin_client, db):
    text = "kind,address\nemail,a@example.test\nemail,not an address\n"
    response = https_admin_client.post(
        "/admin/alerts/subscriber/import/",
        {"file": SimpleUploadedFile("s.csv", text.encode(), content_type="text/csv")},
    )
    assert response.status_code == 400
    assert "line 3: Enter a valid email address." in response.content.decode()
    assert not Subscriber.objects.exists()


def test_resend_confirmation_mails_only_the_unconfirmed(
    https_admin_client, subscribers, smtp_sink, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        https_admin_client.post(
            "/admin/alerts/subscriber/",
            {"action": "resend_confirmation",
             "_selected_action": [s.pk for s in Subscriber.objects.all()]},
        )  # fmt: skip
    assert [e.rcpt_tos for e in smtp_sink.messages] == [["bob@example.test"]]
    assert b"Bekr" in smtp_sink.messages[0].content  # Bob reads Swedish
    assert Subscriber.objects.get(address="bob@example.test").confirmation_sent_at is not None


def test_each_notice_has_its_delivery_log(https_admin_client, subscribers, make_monitor):
    incident = Incident.objects.create(name="Down", severity="outage", message="x")
    notice = Notice.objects.create(
        kind=NoticeKind.INCIDENT_CREATED, key="k", incident=incident, at=timezone.now(),
        state=NoticeState.QUEUED,
    )  # fmt: skip
    NoticeDelivery.objects.create(notice=notice, subscriber=subscribers["ann"],
                                  state=DeliveryState.SENT, sent_at=timezone.now())  # fmt: skip
    NoticeDelivery.objects.create(
        notice=notice, subscriber=subscribers["hook"], state=DeliveryState.FAILED,
        last_error="HTTP 500: oops", next_attempt_at=timezone.now() + timedelta(seconds=10),
    )  # fmt: skip
    listing = https_admin_client.get("/admin/alerts/notice/").content.decode()
    assert f"?notice__id__exact={notice.pk}" in listing
    log = https_admin_client.get(
        f"/admin/alerts/noticedelivery/?notice__id__exact={notice.pk}"
    ).content.decode()
    assert "ann@example.test" in log and "HTTP 500: oops" in log


def test_staff_can_keep_an_incident_from_subscribers(
    https_admin_client, subscribers, smtp_sink, celery_eager, django_capture_on_commit_callbacks
):
    form = {
        "name": "Quiet fix", "severity": "outage", "status": "investigating", "message": "m",
        "monitors": [subscribers["web"].pk], "show_on_status_page": "on",
        "created_at_0": "2026-01-01", "created_at_1": "10:00:00",
        "updates-TOTAL_FORMS": "0", "updates-INITIAL_FORMS": "0",
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = https_admin_client.post("/admin/incidents/incident/add/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Notice.objects.get().state == NoticeState.SILENT
    assert smtp_sink.messages == []

    form |= {"name": "Loud fix", "notify_subscribers": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        https_admin_client.post("/admin/incidents/incident/add/", form)
    assert [e.rcpt_tos for e in smtp_sink.messages] == [["ann@example.test"]]
    page = https_admin_client.get("/admin/incidents/incident/add/").content.decode()
    assert re.search(r'name="notify_subscribers"[^>]* checked', page)  # on unless staff say no
