"""Staff edit channels in the admin, send a test notification, and read the
attempt log (read only, filtered)."""

from datetime import timedelta

import pytest

from alerts.models import Attempt, NotificationChannel
from core.enums import Status

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", ["alerts/notificationchannel", "alerts/attempt", "alerts/autoincidentrule"]
)
def test_every_alerts_admin_page_opens(https_admin_client, make_channel, model):
    make_channel("webhook", "https://hooks.example.test/x")
    assert https_admin_client.get(f"/admin/{model}/").status_code == 200
    assert https_admin_client.get(f"/admin/{model}/?q=zz").status_code == 200


def _channel_form(**fields) -> dict:
    return {"name": "Ops", "kind": "webhook", "target": "", "secret": "", "is_active": "on",
            **fields}  # fmt: skip


def test_staff_add_a_webhook_channel_for_chosen_monitors(
    https_admin_client, make_monitor, category
):
    web = make_monitor(name="Web")
    response = https_admin_client.post(
        "/admin/alerts/notificationchannel/add/",
        _channel_form(target="https://hooks.example.test/status", secret="k",
                      monitors=[web.pk], categories=[category.pk]),
    )  # fmt: skip
    assert response.status_code == 302
    channel = NotificationChannel.objects.get()
    assert (channel.kind, channel.secret) == ("webhook", "k")
    assert list(channel.monitors.all()) == [web] and list(channel.categories.all()) == [category]
    page = https_admin_client.get(f"/admin/alerts/notificationchannel/{channel.pk}/change/")
    assert page.status_code == 200
    assert (
        "1 monitor, 1 category"
        in https_admin_client.get("/admin/alerts/notificationchannel/").content.decode()
    )


@pytest.mark.parametrize(
    "kind,target,complaint",
    [
        ("webhook", "ftp://example.test/", "http:// or https://"),
        ("email", "ops@example.test, not-an-address", "is not an email address"),
        ("apprise", "nosuchservice://whatever", "Apprise does not recognise"),
    ],
)
def test_a_target_the_kind_cannot_use_is_refused(https_admin_client, kind, target, complaint):
    response = https_admin_client.post(
        "/admin/alerts/notificationchannel/add/", _channel_form(kind=kind, target=target)
    )
    assert response.status_code == 200
    assert complaint in response.content.decode()
    assert not NotificationChannel.objects.exists()


def test_every_kind_accepts_its_own_target(https_admin_client):
    for kind, target in [
        ("webhook", "https://hooks.example.test/status"),
        ("email", "ops@example.test; oncall@example.test"),
        ("apprise", "ntfy://status-alerts"),
    ]:
        response = https_admin_client.post(
            "/admin/alerts/notificationchannel/add/", _channel_form(kind=kind, target=target)
        )
        assert response.status_code == 302, kind
    assert NotificationChannel.objects.count() == 3


def test_the_test_notification_action_sends_and_logs(
    https_admin_client, make_channel, http_receiver, smtp_sink
):
    from tests.probe_servers import closed_port

    hook = make_channel("webhook", http_receiver.url + "/t", secret="k", name="Hook")
    mail = make_channel("email", "ops@example.test", name="Mail")
    dead = make_channel("webhook", f"http://127.0.0.1:{closed_port()}/", name="Dead")
    response = https_admin_client.post(
        "/admin/alerts/notificationchannel/",
        {"action": "send_test_notification", "_selected_action": [hook.pk, mail.pk, dead.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "Hook: sent." in page and "Mail: sent." in page and "Dead: ConnectionError" in page
    [received] = http_receiver.received
    assert received.json()["event"] == "test" and received.signed_with("k")
    assert "Test notification" in smtp_sink.messages[0].content.decode()
    log = dict(Attempt.objects.values_list("channel__name", "ok"))
    assert log == {"Hook": True, "Mail": True, "Dead": False}
    assert set(Attempt.objects.values_list("event", flat=True)) == {"test"}


def test_the_attempt_log_is_read_only_and_filters(
    https_admin_client, make_channel, make_monitor, django_assert_max_num_queries
):
    from django.utils import timezone

    channel = make_channel("webhook", "https://hooks.example.test/")
    monitor = make_monitor(name="Web", status=Status.DOWN)
    now = timezone.now()
    for i in range(30):
        Attempt.objects.create(channel=channel, monitor=monitor, event="down", ok=i % 3 == 0,
                               error="" if i % 3 == 0 else "HTTP 500",
                               at=now - timedelta(minutes=i))  # fmt: skip
    with django_assert_max_num_queries(12):
        page = https_admin_client.get("/admin/alerts/attempt/").content.decode()
    assert "HTTP 500" in page and "Web" in page
    failed = https_admin_client.get("/admin/alerts/attempt/?ok__exact=0").context["cl"].result_count
    assert failed == 20
    attempt = Attempt.objects.first()
    assert https_admin_client.get("/admin/alerts/attempt/add/").status_code == 403
    change = https_admin_client.get(f"/admin/alerts/attempt/{attempt.pk}/change/")
    assert change.status_code == 200 and b'name="error"' not in change.content  # view only
    assert https_admin_client.post(f"/admin/alerts/attempt/{attempt.pk}/delete/").status_code == 403


def test_the_channel_list_runs_a_fixed_number_of_queries(
    https_admin_client, make_channel, make_monitor, django_assert_max_num_queries
):
    monitor = make_monitor()
    for i in range(30):
        make_channel("webhook", f"https://hooks.example.test/{i}").monitors.add(monitor)
    with django_assert_max_num_queries(12):
        https_admin_client.get("/admin/alerts/notificationchannel/")
