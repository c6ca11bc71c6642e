"""Webhook URLs are held to the probe targets' network rule
(PROBE_ALLOWED_NETWORKS minus PROBE_BLOCKED_NETWORKS, monitors/networks.py):
when subscribing, before each send, and at connect time, on the address of
the socket actually connected, so a name that answers a public address to
the checks and a blocked one to the connect (DNS rebinding) is not called."""

import socket
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from alerts.models import Notice, NoticeDelivery, NoticeKind, Subscriber
from alerts.subscribers import fanout
from alerts.subscribers.batch import send_batch
from alerts.subscribers.subscribing import default_page
from core.enums import Severity
from incidents.models import Incident
from monitors.networks import DEFAULT_BLOCKED

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

LOOPBACK_BLOCKED = [*DEFAULT_BLOCKED, "127.0.0.0/8"]
REFUSED = "This URL points at an address webhooks may not be sent to."


def subscribe_webhook(url: str):
    return Client().post("/subscribe", {"kind": "webhook", "url": url})


def announce(make_monitor) -> list[int]:
    """A new incident's one batch of webhook deliveries."""
    incident = Incident.objects.create(name="Down", severity=Severity.OUTAGE, message="m")
    incident.monitors.add(make_monitor())
    notice = Notice.objects.get(incident=incident, kind=NoticeKind.INCIDENT_CREATED)
    [batch] = fanout.fan_out(notice.pk)
    return batch


@pytest.mark.parametrize(
    "rule",
    [
        {"PROBE_BLOCKED_NETWORKS": LOOPBACK_BLOCKED},
        {"PROBE_ALLOWED_NETWORKS": ["192.0.2.0/24", "2001:db8::/32"]},
    ],
    ids=["loopback-blocked", "only-a-test-net-allowed"],
)
def test_the_probe_network_settings_decide_what_is_accepted_and_called(
    http_receiver, make_monitor, rule
):
    url = http_receiver.url + "/hook"  # 127.0.0.1: allowed by default
    assert subscribe_webhook(url).status_code == 200
    [hook] = Subscriber.objects.filter(kind="webhook")
    batch = announce(make_monitor)
    now = timezone.now()
    with override_settings(**rule):
        refused = subscribe_webhook(url + "?another")
        assert refused.status_code == 400 and REFUSED in refused.content.decode()
        assert send_batch(batch, now=now).failed == 1
    assert http_receiver.received == []
    assert REFUSED in NoticeDelivery.objects.get(subscriber=hook).last_error
    # The default rule again: the retry gets through, the form takes the URL.
    assert send_batch(batch, now=now + timedelta(seconds=10)).sent == 1
    assert [r.path for r in http_receiver.received] == ["/hook"]
    assert subscribe_webhook(url + "?another").status_code == 200


def test_an_emptied_blocked_list_lets_a_link_local_url_subscribe():
    """What is refused is the settings', not a list of its own."""
    url = "http://169.254.169.254/latest/hook"
    assert subscribe_webhook(url).status_code == 400
    with override_settings(PROBE_BLOCKED_NETWORKS=[]):
        assert subscribe_webhook(url).status_code == 200
    assert Subscriber.objects.filter(address=url).exists()


class RebindingDns:
    """``socket.getaddrinfo`` for NAME: each lookup takes the next of
    ``answers`` (none left: it fails, so an unforeseen lookup shows);
    other names resolve as usual."""

    NAME = "hooks.rebind.test"

    def __init__(self) -> None:
        self.answers: list[str] = []
        self.real = socket.getaddrinfo

    def __call__(self, host, port, *args, **kwargs):
        if host != self.NAME:
            return self.real(host, port, *args, **kwargs)
        if not self.answers:
            raise socket.gaierror(socket.EAI_NONAME, "no answer left")
        address = self.answers.pop(0)
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]


@pytest.fixture
def dns(monkeypatch) -> RebindingDns:
    fake = RebindingDns()
    monkeypatch.setattr(socket, "getaddrinfo", fake)  # urllib3 and webhook_urls call it here
    return fake


PUBLIC = "203.0.113.7"  # TEST-NET-3: allowed by the default rule, never connected to


def test_a_name_rebound_to_a_blocked_address_is_refused_at_connect_time(
    dns, http_receiver, make_monitor, settings
):
    port = http_receiver.server.server_address[1]
    dns.answers = [PUBLIC]  # the form's check
    assert subscribe_webhook(f"http://{dns.NAME}:{port}/hook").status_code == 200
    hook = Subscriber.objects.get(kind="webhook")

    # Loopback allowed: the name's second answer is where the POST goes.
    dns.answers = [PUBLIC, "127.0.0.1"]  # the send's check, then the connect
    assert send_batch(announce(make_monitor)).sent == 1
    assert len(http_receiver.received) == 1 and http_receiver.received[0].signed_with(hook.secret)

    # Loopback blocked after the URL was accepted: the check before the send
    # still sees the public address; only the connected socket shows the truth.
    settings.PROBE_BLOCKED_NETWORKS = LOOPBACK_BLOCKED
    dns.answers = [PUBLIC, "127.0.0.1"]
    batch = announce(make_monitor)
    assert send_batch(batch).failed == 1
    assert dns.answers == []  # both lookups made: the check passed, the connect was refused
    assert len(http_receiver.received) == 1  # nothing more
    error = NoticeDelivery.objects.get(pk=batch[0]).last_error
    assert error == f"RefusedAddress: {REFUSED} (127.0.0.1, at connect time)"


def test_an_https_url_is_refused_at_connect_time_before_tls(
    dns, http_receiver, make_monitor, settings
):
    port = http_receiver.server.server_address[1]
    Subscriber.objects.create(page=default_page(), kind="webhook", address=f"https://{dns.NAME}:{port}/hook",
                              secret="k", confirmed_at=timezone.now())  # fmt: skip
    settings.PROBE_BLOCKED_NETWORKS = LOOPBACK_BLOCKED
    dns.answers = [PUBLIC, "127.0.0.1"]
    batch = announce(make_monitor)
    assert send_batch(batch).failed == 1
    # Refused on the socket, not failed in a handshake with a plain HTTP server.
    error = NoticeDelivery.objects.get(pk=batch[0]).last_error
    assert error == f"RefusedAddress: {REFUSED} (127.0.0.1, at connect time)"
    assert http_receiver.received == []


def test_a_subscribers_webhook_ignores_environment_proxies(
    dns, http_receiver, make_monitor, monkeypatch
):
    """Through a proxy the connected peer would be the proxy, and the
    subscriber's address would go unchecked: webhooks connect directly."""
    for name in ("HTTP_PROXY", "http_proxy"):
        monkeypatch.setenv(name, "http://192.0.2.1:3128")  # TEST-NET-1: nothing answers
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    Subscriber.objects.create(page=default_page(), kind="webhook",
                              address=http_receiver.url + "/hook", secret="k",
                              confirmed_at=timezone.now())  # fmt: skip
    assert send_batch(announce(make_monitor)).sent == 1
    assert len(http_receiver.received) == 1
