"""Notices reach each confirmed subscriber once, in batches, without a query
per subscriber; a redelivered task sends nothing twice; a failing webhook is
retried with backoff and disabled after SUBSCRIBER_WEBHOOK_MAX_FAILURES;
maintenance is announced when scheduled, started and completed, unless staff
untick "notify subscribers"; every attempt is counted for /metrics."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from prometheus_client import CollectorRegistry
from prometheus_client.multiprocess import MultiProcessCollector

from alerts.models import (
    DeliveryState,
    Notice,
    NoticeDelivery,
    NoticeKind,
    NoticeState,
    Subscriber,
)
from alerts.subscribers import fanout
from alerts.subscribers.batch import send_batch
from alerts.subscribers.notices import windows_opened_and_closed
from alerts.subscribers.retry import due_batches
from alerts.subscribers.subscribing import default_page
from core.enums import IncidentStatus, Severity
from incidents.models import Incident
from maintenance.models import ScheduledMaintenance
from tests.probe_servers import closed_port

pytestmark = pytest.mark.django_db


def confirmed(address: str, kind: str = "email", **fields) -> Subscriber:
    return Subscriber.objects.create(
        page=default_page(), kind=kind, address=address, confirmed_at=timezone.now(), **fields
    )


def incident_on(*monitors, name="Outage") -> Incident:
    incident = Incident.objects.create(name=name, severity=Severity.OUTAGE, message="Looking.")
    incident.monitors.add(*monitors)
    return incident


def the_notice(incident: Incident, kind=NoticeKind.INCIDENT_CREATED) -> Notice:
    return Notice.objects.get(incident=incident, kind=kind)


def test_a_thousand_subscribers_are_fanned_out_and_mailed_in_batches_with_few_queries(
    make_monitor, smtp_sink, django_assert_max_num_queries, settings
):
    web, page = make_monitor(name="Web"), default_page()
    Subscriber.objects.bulk_create(
        Subscriber(page=page, kind="email", address=f"s{n}@example.test", token=f"t{n}",
                   confirmed_at=timezone.now(), language=["en", "sv"][n % 2])
        for n in range(1000)
    )  # fmt: skip
    Subscriber.objects.create(page=page, kind="email", address="waiting@example.test")  # waits
    notice = the_notice(incident_on(web))
    with django_assert_max_num_queries(8):  # one INSERT ... SELECT for all of them
        batches = fanout.fan_out(notice.pk)
    assert [len(b) for b in batches] == [200] * 5
    with django_assert_max_num_queries(6):  # claim, load, one mail connection, record
        outcome = send_batch(batches[0])
    assert outcome.sent == 200
    assert len(smtp_sink.messages) == 200
    assert smtp_sink.connections == 1  # the batch's 200 mails share one SMTP connection
    assert "waiting@example.test" not in {r for e in smtp_sink.messages for r in e.rcpt_tos}


def test_a_redelivered_fan_out_or_batch_sends_nothing_twice(make_monitor, smtp_sink):
    web = make_monitor(name="Web")
    confirmed("ann@example.test")
    notice = the_notice(incident_on(web))
    first = fanout.fan_out(notice.pk)
    again = fanout.fan_out(notice.pk)  # the task ran twice
    assert first == again and NoticeDelivery.objects.count() == 1
    assert send_batch(first[0]).sent == 1
    assert send_batch(again[0]).sent == 0  # the copy finds it sent
    assert due_batches(timezone.now() + timedelta(hours=1)) == []
    assert len(smtp_sink.messages) == 1


def test_a_batch_abandoned_by_a_killed_worker_is_sent_by_the_scan_once(make_monitor, smtp_sink):
    web = make_monitor(name="Web")
    confirmed("ann@example.test")
    notice = the_notice(incident_on(web))
    [batch] = fanout.fan_out(notice.pk)
    now = timezone.now()
    NoticeDelivery.objects.update(state=DeliveryState.SENDING, claimed_until=now)  # died
    assert due_batches(now) == []  # the claim still holds
    later = now + timedelta(seconds=1)
    assert due_batches(later) == [batch]
    assert send_batch(batch, now=later).sent == 1
    assert len(smtp_sink.messages) == 1


def test_nothing_goes_to_components_not_chosen_or_to_the_unconfirmed(
    make_monitor, category, smtp_sink
):
    web, mail = make_monitor(name="Web", category=category), make_monitor(name="Mail")
    by_monitor = confirmed("m@example.test")
    by_monitor.monitors.add(web)
    by_category = confirmed("c@example.test")
    by_category.categories.add(category)
    confirmed("all@example.test")
    Subscriber.objects.create(page=default_page(), kind="email", address="unconfirmed@example.test")
    disabled = confirmed("off@example.test", disabled_at=timezone.now())
    assert disabled

    def audience(incident: Incident) -> set[str]:
        fanout.fan_out(the_notice(incident).pk)
        return set(
            NoticeDelivery.objects.filter(notice__incident=incident).values_list(
                "subscriber__address", flat=True
            )
        )

    assert audience(incident_on(web)) == {"m@example.test", "c@example.test", "all@example.test"}
    assert audience(incident_on(mail, name="Mail")) == {"all@example.test"}
    assert audience(incident_on(name="Nothing in particular")) == {"all@example.test"}


def test_a_failing_webhook_is_retried_with_backoff_then_disabled(
    make_monitor, http_receiver, settings
):
    settings.SUBSCRIBER_WEBHOOK_MAX_FAILURES = 3
    http_receiver.statuses = [500]
    web = make_monitor(name="Web")
    hook = confirmed(http_receiver.url + "/hook", kind="webhook", secret="k")
    incident = incident_on(web)
    [batch] = fanout.fan_out(the_notice(incident).pk)
    now = timezone.now()
    assert send_batch(batch, now=now).failed == 1
    delivery = NoticeDelivery.objects.get()
    assert delivery.state == DeliveryState.PENDING and "HTTP 500" in delivery.last_error
    assert due_batches(now + timedelta(seconds=9)) == []  # backoff: 10 s after the first
    assert due_batches(now + timedelta(seconds=10)) == [batch]
    send_batch(batch, now=now + timedelta(seconds=10))
    incident.status, incident.message = IncidentStatus.RESOLVED, "Fixed."
    incident.save()
    [second] = fanout.fan_out(the_notice(incident, NoticeKind.INCIDENT_RESOLVED).pk)
    send_batch(second, now=now + timedelta(seconds=11))  # the third failure in a row
    hook.refresh_from_db()
    assert hook.disabled_at is not None
    assert hook.disabled_reason.startswith("3 failed deliveries in a row; the last: HTTP 500")
    assert set(NoticeDelivery.objects.values_list("state", flat=True)) == {DeliveryState.FAILED}
    assert len(http_receiver.received) == 3
    assert all(r.signed_with("k") for r in http_receiver.received)


def test_a_webhook_that_recovers_starts_counting_failures_again(make_monitor, http_receiver):
    http_receiver.statuses = [500, 204]
    hook = confirmed(http_receiver.url, kind="webhook", secret="k")
    [batch] = fanout.fan_out(the_notice(incident_on(make_monitor())).pk)
    now = timezone.now()
    send_batch(batch, now=now)
    assert Subscriber.objects.get(pk=hook.pk).failures == 1
    assert send_batch(batch, now=now + timedelta(seconds=10)).sent == 1
    assert Subscriber.objects.get(pk=hook.pk).failures == 0


def test_a_webhook_url_that_now_points_at_a_link_local_address_is_not_called(make_monitor):
    confirmed("http://169.254.169.254/latest/meta-data", kind="webhook", secret="k")
    [batch] = fanout.fan_out(the_notice(incident_on(make_monitor())).pk)
    assert send_batch(batch).failed == 1
    assert "may not be sent to" in NoticeDelivery.objects.get().last_error


def test_maintenance_is_announced_when_scheduled_started_and_completed(make_monitor, http_receiver):
    web = make_monitor(name="Web")
    confirmed(http_receiver.url, kind="webhook", secret="k")
    start = timezone.now().replace(microsecond=0) + timedelta(days=1)
    row = ScheduledMaintenance.objects.create(name="DB upgrade", starts_at=start, duration_hours=1)
    row.monitors.add(web)
    for now in [start - timedelta(minutes=1), start + timedelta(minutes=1),
                start + timedelta(minutes=30), start + timedelta(hours=1, minutes=1),
                start + timedelta(hours=1, minutes=2)]:  # fmt: skip
        windows_opened_and_closed(now)
    for notice in Notice.objects.order_by("at"):
        for batch in fanout.fan_out(notice.pk):
            send_batch(batch)
    bodies = [r.json() for r in http_receiver.received]
    assert [b["event"] for b in bodies] == [
        "maintenance.scheduled", "maintenance.started", "maintenance.completed",
    ]  # fmt: skip
    assert bodies[0]["maintenance"]["starts_at"] == start.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert bodies[2]["maintenance"]["components"] == [{"id": web.pk, "name": "Web"}]


def test_a_notice_in_swedish_for_a_swedish_subscriber(make_monitor, smtp_sink):
    import email
    import email.policy

    confirmed("sv@example.test", language="sv")
    incident = incident_on(make_monitor(name="Webb"), name="Driftstörning")
    [batch] = fanout.fan_out(the_notice(incident).pk)
    send_batch(batch)
    message = email.message_from_bytes(smtp_sink.messages[0].content, policy=email.policy.default)
    assert message["Subject"] == "[Status] Ny incident: Driftstörning"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Avsluta prenumerationen:" in text and "Berör: Webb" in text


def test_an_address_never_confirmed_is_forgotten_once_its_link_expired(settings):
    from alerts.subscribers.subscribing import forget_unconfirmed

    settings.SUBSCRIBER_CONFIRM_HOURS = 48
    now = timezone.now()
    old = now - timedelta(hours=49)
    page = default_page()
    Subscriber.objects.create(page=page, kind="email", address="gone@example.test",
                              created_at=old, confirmation_sent_at=old)  # fmt: skip
    Subscriber.objects.create(page=page, kind="email", address="asked-again@example.test",
                              created_at=old,
                              confirmation_sent_at=now - timedelta(hours=1))  # fmt: skip
    confirmed("kept@example.test", created_at=old)
    assert forget_unconfirmed(now) == 1
    assert set(Subscriber.objects.values_list("address", flat=True)) == {
        "asked-again@example.test", "kept@example.test",
    }  # fmt: skip


def test_those_who_ask_hear_of_a_components_status_changes_once(
    make_monitor, category, http_receiver
):
    from alerts.events import process_new_events
    from core.enums import Status
    from tests.alerting import change_status

    web, other = make_monitor(name="Web", category=category), make_monitor(name="Other")
    asked = confirmed(http_receiver.url + "/asked", kind="webhook", secret="k",
                      component_updates=True)  # fmt: skip
    asked.categories.add(category)
    confirmed(http_receiver.url + "/not-asked", kind="webhook", secret="k")
    now = timezone.now()
    change_status(web, Status.UP, now)  # pending -> up: not news
    change_status(web, Status.DOWN, now + timedelta(minutes=1))
    change_status(other, Status.UP, now)
    change_status(other, Status.DOWN, now + timedelta(minutes=1))  # not chosen
    process_new_events(now + timedelta(minutes=2))
    process_new_events(now + timedelta(minutes=2))  # read again: nothing new
    [notice] = Notice.objects.filter(kind=NoticeKind.COMPONENT_UPDATED, monitor=web)
    for batch in fanout.fan_out(notice.pk):
        send_batch(batch)
    for other_notice in Notice.objects.exclude(pk=notice.pk):
        for batch in fanout.fan_out(other_notice.pk):
            send_batch(batch)
    [post] = http_receiver.received
    assert post.path == "/asked" and post.signed_with("k")
    body = post.json()
    assert body["event"] == "component.updated"
    assert body["component"] == {"id": web.pk, "name": "Web", "status": "down"}
    assert (body["component_update"]["old_status"], body["component_update"]["new_status"]) == (
        "up", "down",
    )  # fmt: skip


def test_markup_in_an_incident_is_text_in_the_html_part(make_monitor, smtp_sink):
    import email
    import email.policy

    confirmed("ann@example.test")
    incident = incident_on(make_monitor(), name="<script>alert(1)</script>")
    [batch] = fanout.fan_out(the_notice(incident).pk)
    send_batch(batch)
    message = email.message_from_bytes(smtp_sink.messages[0].content, policy=email.policy.default)
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def deliveries_counted(channel: str, result: str) -> float:
    """statuspage_subscriber_deliveries_total as a scrape of /metrics adds it
    up: from every process's files in PROMETHEUS_MULTIPROC_DIR."""
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    labels = {"channel": channel, "result": result}
    return registry.get_sample_value("statuspage_subscriber_deliveries_total", labels) or 0.0


def test_every_delivery_attempt_is_counted_by_channel_and_result(
    make_monitor, smtp_sink, http_receiver, settings
):
    kinds = [("email", "sent"), ("email", "failed"), ("webhook", "sent"), ("webhook", "failed")]
    before = {kind: deliveries_counted(*kind) for kind in kinds}
    confirmed("ann@example.test")
    confirmed("bob@example.test")
    confirmed(http_receiver.url + "/hook", kind="webhook", secret="k")
    confirmed(f"http://127.0.0.1:{closed_port()}/hook", kind="webhook", secret="k")
    for batch in fanout.fan_out(the_notice(incident_on(make_monitor())).pk):
        send_batch(batch)
    assert len(smtp_sink.messages) == 2 and len(http_receiver.received) == 1

    settings.EMAIL_PORT = closed_port()  # the next batch's mail connection is refused
    incident = Incident.objects.create(name="Again", severity=Severity.OUTAGE, message="m")
    batches = fanout.fan_out(the_notice(incident).pk)
    assert [send_batch(b).failed for b in batches] == [2, 1]  # emails, then webhooks

    grew = {kind: deliveries_counted(*kind) - before[kind] for kind in kinds}
    assert grew == {
        ("email", "sent"): 2, ("email", "failed"): 2,
        ("webhook", "sent"): 2, ("webhook", "failed"): 2,
    }  # fmt: skip


def maintenance_form(monitor, start, **fields) -> dict:
    local = timezone.localtime(start)
    return {
        "name": "DB upgrade", "message": "", "monitors": [monitor.pk],
        "starts_at_0": f"{local:%Y-%m-%d}", "starts_at_1": f"{local:%H:%M:%S}",
        "duration_hours": "1", "duration_minutes": "0", "recur_every": "", "recur_unit": "",
        "recur_until_0": "", "recur_until_1": "", **fields,
    }  # fmt: skip


@pytest.mark.usefixtures("celery_eager")
@pytest.mark.parametrize("ticked", [True, False])
def test_staff_choose_whether_a_maintenance_is_announced(
    https_admin_client, make_monitor, http_receiver, django_capture_on_commit_callbacks, ticked
):
    """The admin's "notify subscribers" box: ticked (what the form starts with),
    the window is announced when saved, started and completed; unticked,
    subscribers hear nothing of it at all."""
    web = make_monitor(name="Web")
    confirmed(http_receiver.url, kind="webhook", secret="k")
    add = "/admin/maintenance/scheduledmaintenance/add/"
    box = re.search(r'<input[^>]*name="notify_subscribers"[^>]*>', https_admin_client.get(add)
                    .content.decode()).group(0)  # fmt: skip
    assert " checked" in box  # on unless staff say no
    start = timezone.now().replace(microsecond=0) + timedelta(days=1)
    form = maintenance_form(web, start, **({"notify_subscribers": "on"} if ticked else {}))
    with django_capture_on_commit_callbacks(execute=True):
        response = https_admin_client.post(add, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    for now in [start + timedelta(minutes=1), start + timedelta(hours=1, minutes=1)]:
        with django_capture_on_commit_callbacks(execute=True):
            windows_opened_and_closed(now)  # the scan: each new notice fans out on commit

    events = [r.json()["event"] for r in http_receiver.received]
    states = set(Notice.objects.values_list("state", flat=True))
    assert Notice.objects.count() == 3  # scheduled, started, completed: noticed either way
    if ticked:
        assert events == [
            "maintenance.scheduled", "maintenance.started", "maintenance.completed",
        ]  # fmt: skip
        assert states == {NoticeState.QUEUED}
    else:
        assert events == [] and not NoticeDelivery.objects.exists()
        assert states == {NoticeState.SILENT}
