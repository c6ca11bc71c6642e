"""Sending: each channel kind reaches a real local server; a failing webhook
is retried with backoff and every attempt is logged; a delivery is sent once
however often its task runs."""

from datetime import UTC, datetime, timedelta

import pytest

from alerts.delivery import MAX_ATTEMPTS, attempt_delivery, backoff, lost_deliveries
from alerts.models import Attempt, Delivery, DeliveryState
from alerts.tasks import send_delivery
from core.enums import Status
from tests.alerting import change_status, decide

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def down(make_monitor):
    """A monitor that just went down; decide() queues its deliveries."""
    monitor = make_monitor(name="API", status=Status.UP)
    change_status(monitor, Status.DOWN, T0, "Connection refused")
    return monitor


def test_the_webhook_body_is_signed_and_the_receiver_can_verify_it(
    make_channel, http_receiver, down
):
    make_channel("webhook", http_receiver.url + "/hooks/status", secret="s3cret")
    make_channel("webhook", http_receiver.url + "/unsigned")
    for delivery_id in decide(T0 + timedelta(seconds=5)):
        send_delivery.apply(args=[delivery_id])
    signed, unsigned = sorted(http_receiver.received, key=lambda r: r.path)
    assert signed.path == "/hooks/status"
    assert signed.signed_with("s3cret")
    assert not signed.signed_with("another secret")
    assert signed.headers["Content-Type"] == "application/json"
    assert "X-Signature-SHA256" not in unsigned.headers
    assert signed.json() == {
        "monitor": {"id": down.pk, "name": "API"},
        "event": "down",
        "reason": "Connection refused",
        "at": "2026-03-02T10:00:00Z",
        "down_for_seconds": None,
    }


def test_a_failing_webhook_is_retried_with_backoff_and_every_attempt_logged(
    make_channel, http_receiver, down
):
    channel = make_channel("webhook", http_receiver.url)
    http_receiver.statuses = [500, 502, 200]
    [delivery_id] = decide(T0 + timedelta(seconds=5))

    now = T0 + timedelta(seconds=5)
    first = attempt_delivery(delivery_id, now)
    assert first.retry_in == 10 and not first.sent
    assert Delivery.objects.get().next_attempt_at == now + timedelta(seconds=10)
    second = attempt_delivery(delivery_id, now + timedelta(seconds=10))
    assert second.retry_in == 20
    third = attempt_delivery(delivery_id, now + timedelta(seconds=30))
    assert third.sent

    log = list(Attempt.objects.order_by("at", "pk").values_list("ok", "error", "event"))
    assert [(ok, error[:8], event) for ok, error, event in log] == [
        (False, "HTTP 500", "down"), (False, "HTTP 502", "down"), (True, "", "down"),
    ]  # fmt: skip
    assert Attempt.objects.filter(channel=channel, monitor=down).count() == 3
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == (DeliveryState.SENT, 3)
    assert len(http_receiver.received) == 3


def test_the_send_task_retries_through_celery_until_the_webhook_answers(
    make_channel, http_receiver, down
):
    make_channel("webhook", http_receiver.url)
    http_receiver.statuses = [503, 503, 204]
    [delivery_id] = decide(T0 + timedelta(seconds=5))
    send_delivery.apply(args=[delivery_id])  # eager: Celery runs each retry at once
    assert Delivery.objects.get().state == DeliveryState.SENT
    assert list(Attempt.objects.order_by("pk").values_list("ok", flat=True)) == [
        False, False, True,
    ]  # fmt: skip


def test_a_webhook_that_never_answers_is_given_up_after_the_last_attempt(
    make_channel, http_receiver, down
):
    make_channel("webhook", http_receiver.url)
    http_receiver.statuses = [500]
    [delivery_id] = decide(T0 + timedelta(seconds=5))
    now = T0
    for _ in range(MAX_ATTEMPTS):
        outcome = attempt_delivery(delivery_id, now)
        now += timedelta(seconds=outcome.retry_in or 0)
    assert outcome.retry_in is None and not outcome.sent
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_error[:8]) == (
        DeliveryState.FAILED, MAX_ATTEMPTS, "HTTP 500",
    )  # fmt: skip
    assert attempt_delivery(delivery_id, now + timedelta(hours=1)).retry_in is None
    assert len(http_receiver.received) == MAX_ATTEMPTS == Attempt.objects.count()
    assert [backoff(n) for n in range(1, 6)] == [10, 20, 40, 80, 160]


def test_an_unreachable_webhook_is_logged_with_the_network_error(make_channel, down):
    from tests.probe_servers import closed_port

    make_channel("webhook", f"http://127.0.0.1:{closed_port()}/nobody-listens")
    [delivery_id] = decide(T0 + timedelta(seconds=5))
    assert attempt_delivery(delivery_id, T0).retry_in == 10
    assert "ConnectionError" in Attempt.objects.get().error


def test_running_the_send_task_twice_sends_once(make_channel, http_receiver, smtp_sink, down):
    make_channel("webhook", http_receiver.url)
    make_channel("email", "ops@example.test")
    ids = decide(T0 + timedelta(seconds=5))
    for delivery_id in ids + ids:  # every message redelivered
        send_delivery.apply(args=[delivery_id])
    assert len(http_receiver.received) == 1 and len(smtp_sink.messages) == 1
    assert Attempt.objects.count() == 2


def test_a_delivery_held_by_a_live_worker_is_not_sent_again(make_channel, http_receiver, down):
    from alerts.delivery import claim

    make_channel("webhook", http_receiver.url)
    [delivery_id] = decide(T0 + timedelta(seconds=5))
    assert claim(delivery_id, T0) is not None  # a worker is sending it
    assert not attempt_delivery(delivery_id, T0 + timedelta(seconds=30)).sent
    assert http_receiver.received == []


def test_a_delivery_whose_worker_died_is_picked_up_by_the_scan(make_channel, http_receiver, down):
    from alerts.delivery import CLAIM, claim

    make_channel("webhook", http_receiver.url)
    [delivery_id] = decide(T0 + timedelta(seconds=5))
    claim(delivery_id, T0)  # then the worker was killed
    assert lost_deliveries(T0 + timedelta(seconds=30)) == []
    later = T0 + CLAIM + timedelta(seconds=1)
    assert lost_deliveries(later) == [delivery_id]
    assert attempt_delivery(delivery_id, later).sent
    assert len(http_receiver.received) == 1


def test_a_delivery_whose_message_was_lost_is_sent_by_the_scan(make_channel, http_receiver, down):
    from alerts.delivery import LOST_AFTER

    make_channel("webhook", http_receiver.url)
    [delivery_id] = decide(T0 + timedelta(seconds=5))  # its task never ran
    assert lost_deliveries(T0 + timedelta(minutes=1)) == []
    later = T0 + LOST_AFTER + timedelta(minutes=1)
    assert lost_deliveries(later) == [delivery_id]
    assert lost_deliveries(later + timedelta(seconds=15)) == []  # not flooded with copies
    send_delivery.apply(args=[delivery_id])
    assert len(http_receiver.received) == 1


def test_an_apprise_url_reaches_the_service(make_channel, http_receiver, down):
    make_channel("apprise", http_receiver.url.replace("http://", "json://") + "/notify")
    for delivery_id in decide(T0 + timedelta(seconds=5)):
        send_delivery.apply(args=[delivery_id])
    [received] = http_receiver.received
    assert received.path == "/notify"
    assert received.json()["title"] == "API is down"
    assert "Connection refused" in received.json()["message"]
    assert Attempt.objects.get().ok


def test_an_apprise_service_that_fails_is_logged(make_channel, http_receiver, down):
    make_channel("apprise", http_receiver.url.replace("http://", "json://"))
    http_receiver.statuses = [500]
    [delivery_id] = decide(T0 + timedelta(seconds=5))
    assert attempt_delivery(delivery_id, T0).retry_in == 10
    attempt = Attempt.objects.get()
    assert not attempt.ok and "500" in attempt.error


def test_an_email_that_the_server_refuses_is_logged(make_channel, settings, down):
    from tests.probe_servers import closed_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    make_channel("email", "ops@example.test")
    [delivery_id] = decide(T0 + timedelta(seconds=5))
    assert attempt_delivery(delivery_id, T0).retry_in == 10
    assert "ConnectionRefusedError" in Attempt.objects.get().error


def test_a_channel_switched_off_after_the_alert_sends_nothing(make_channel, http_receiver, down):
    channel = make_channel("webhook", http_receiver.url)
    [delivery_id] = decide(T0 + timedelta(seconds=5))
    channel.is_active = False
    channel.save()
    send_delivery.apply(args=[delivery_id])
    assert http_receiver.received == []
    assert Delivery.objects.get().state == DeliveryState.FAILED
