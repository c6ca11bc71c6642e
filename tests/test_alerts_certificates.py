"""SSLExpiringAlertFrequency: a certificate that expires within the monitor's
number of days raises a warning, at most once a day; the expiry is read from
a real local TLS server with a short-lived self-signed certificate."""

import ssl
from datetime import UTC, datetime, timedelta

import pytest

from alerts.tls_expiry import certificate_expiry, certificate_expiry_of_url
from tests.alert_servers import HttpsServer, self_signed_certificate
from tests.alerting import tick

pytestmark = pytest.mark.django_db


@pytest.fixture
def https_server(tmp_path):
    """An HTTPS server whose certificate expires in two days."""
    cert, key, not_after = self_signed_certificate(tmp_path, valid_for=timedelta(days=2))
    server = HttpsServer(cert, key)
    server.start()
    server.not_after = not_after
    server.trust = ssl.create_default_context(cafile=str(cert))
    yield server
    server.stop()


def test_the_expiry_is_read_from_the_servers_certificate(https_server):
    expires = certificate_expiry("127.0.0.1", https_server.port, context=https_server.trust)
    assert expires == https_server.not_after
    url = f"https://localhost:{https_server.port}/"
    assert certificate_expiry_of_url(url, context=https_server.trust) == https_server.not_after
    assert certificate_expiry_of_url("http://localhost/") is None


def test_an_untrusted_certificate_has_no_expiry_to_warn_about(https_server):
    with pytest.raises(ssl.SSLCertVerificationError):
        certificate_expiry("127.0.0.1", https_server.port, timeout=5)


def _probe_certificate(monitor, server) -> None:
    """What the HTTPS probe keeps on the monitor."""
    monitor.cert_expires_at = certificate_expiry("127.0.0.1", server.port, context=server.trust)
    monitor.save(update_fields=["cert_expires_at"])


def test_a_certificate_expiring_within_the_days_warns_once_a_day(
    https_server, make_monitor, make_channel, http_receiver, smtp_sink
):
    make_channel("webhook", http_receiver.url)
    make_channel("email", "ops@example.test")
    monitor = make_monitor(name="Shop", target=f"https://127.0.0.1:{https_server.port}/",
                           ssl_alert_days=3)  # fmt: skip
    _probe_certificate(monitor, https_server)
    now = datetime.now(UTC)
    for minutes in range(0, 36 * 60, 30):  # a day and a half of scans
        tick(now + timedelta(minutes=minutes))

    bodies = [r.json() for r in http_receiver.received]
    assert [b["event"] for b in bodies] == ["certificate", "certificate"]
    assert bodies[0]["reason"].startswith("The certificate expires in 1 day")
    assert bodies[1]["reason"].startswith("The certificate expires in less than a day")
    assert len(smtp_sink.messages) == 2
    assert "The certificate of Shop expires soon" in smtp_sink.messages[0].content.decode()


def test_no_warning_when_the_certificate_is_further_off_or_warnings_are_off(
    https_server, make_monitor, make_channel, http_receiver
):
    make_channel("webhook", http_receiver.url)
    further = make_monitor(name="Further", ssl_alert_days=1)
    off = make_monitor(name="Off", ssl_alert_days=0)
    for monitor in (further, off):
        _probe_certificate(monitor, https_server)
    tick(datetime.now(UTC))
    assert http_receiver.received == []
