"""SSLExpiringAlertFrequency: a certificate that expires within the monitor's
number of days raises a warning, at most once a day. The expiry comes from
the probe engine's HTTPS probe against a real local TLS server with a
short-lived self-signed certificate."""

import ssl
from datetime import UTC, datetime, timedelta

import pytest

from core.enums import Status
from tests.alerting import probe_and_record, tick
from tests.probe_servers import AnswerServer, self_signed_certificate

pytestmark = pytest.mark.django_db


@pytest.fixture
def tls(tmp_path):
    """An HTTPS server whose certificate expires in two days, and a client
    context that trusts it."""
    cert, key = self_signed_certificate(tmp_path, days=2)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server = AnswerServer(context)
    server.trust = ssl.create_default_context(cafile=str(cert))
    yield server
    server.close()


def _https_monitor(make_monitor, tls, **fields):
    return make_monitor(target=f"https://127.0.0.1:{tls.port}/ok", **fields)


def test_the_engine_keeps_the_certificates_expiry_on_the_monitor(make_monitor, tls):
    now = datetime.now(UTC)
    monitor = probe_and_record(_https_monitor(make_monitor, tls), now, ssl_context=tls.trust)
    assert monitor.status == Status.UP
    assert abs(monitor.cert_expires_at - (now + timedelta(days=2))) < timedelta(minutes=2)


def test_a_certificate_expiring_within_the_days_warns_once_a_day(
    make_monitor, make_channel, http_receiver, smtp_sink, tls
):
    make_channel("webhook", http_receiver.url)
    make_channel("email", "ops@example.test")
    monitor = _https_monitor(make_monitor, tls, name="Shop", ssl_alert_days=3)
    now = datetime.now(UTC)
    for minutes in range(0, 36 * 60, 30):  # a day and a half of checks and scans
        probe_and_record(monitor, now + timedelta(minutes=minutes), ssl_context=tls.trust)
        tick(now + timedelta(minutes=minutes, seconds=15))

    bodies = [r.json() for r in http_receiver.received]
    assert [b["event"] for b in bodies] == ["certificate", "certificate"]
    assert bodies[0]["reason"].startswith("The certificate expires in 1 day, on ")
    assert bodies[1]["reason"].startswith("The certificate expires in less than a day, on ")
    assert bodies[0]["monitor"] == {"id": monitor.pk, "name": "Shop"}
    assert len(smtp_sink.messages) == 2
    assert "The certificate of Shop expires soon" in smtp_sink.messages[0].content.decode()


def test_no_warning_when_the_certificate_is_further_off_or_warnings_are_off(
    make_monitor, make_channel, http_receiver, tls
):
    make_channel("webhook", http_receiver.url)
    now = datetime.now(UTC)
    for fields in ({"name": "Further", "ssl_alert_days": 1}, {"name": "Off", "ssl_alert_days": 0}):
        monitor = _https_monitor(make_monitor, tls, **fields)
        probe_and_record(monitor, now, ssl_context=tls.trust)
        assert monitor.cert_expires_at is not None
    tick(now + timedelta(seconds=15))
    assert http_receiver.received == []


def test_no_warning_during_maintenance_or_for_a_paused_monitor(
    make_monitor, make_channel, http_receiver, tls
):
    from maintenance.models import ScheduledMaintenance

    make_channel("webhook", http_receiver.url)
    now = datetime.now(UTC)
    covered = _https_monitor(make_monitor, tls, name="Covered", ssl_alert_days=7)
    paused = _https_monitor(make_monitor, tls, name="Paused", ssl_alert_days=7)
    for monitor in (covered, paused):
        probe_and_record(monitor, now, ssl_context=tls.trust)
    paused.is_active = False
    paused.save()
    window = ScheduledMaintenance.objects.create(name="Renewal", starts_at=now, duration_hours=2)
    window.monitors.add(covered)
    tick(now + timedelta(minutes=1))
    assert http_receiver.received == []
    tick(now + timedelta(hours=2, minutes=1))
    assert [r.json()["monitor"]["name"] for r in http_receiver.received] == ["Covered"]
