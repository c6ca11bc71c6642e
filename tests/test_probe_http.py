"""The HTTP(S) probe against real local servers (no database needed)."""

import asyncio
import socket
import ssl
import time
from datetime import UTC, datetime, timedelta

import pytest

from core.enums import Protocol
from monitors.models import Monitor
from monitors.probes import http
from tests.probe_servers import (
    AnswerServer,
    FixedReplyServer,
    HangUpServer,
    closed_port,
    self_signed_certificate,
)


@pytest.fixture(scope="module")
def server():
    server = AnswerServer()
    yield server
    server.close()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    return self_signed_certificate(tmp_path_factory.mktemp("tls"), days=30)


@pytest.fixture(scope="module")
def tls_server(certificate):
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server = AnswerServer(context)
    yield server
    server.close()


def monitor(target: str, **fields) -> Monitor:
    return Monitor(protocol=Protocol.HTTP, target=target, **{"timeout": 5, **fields})


def probe(target: str, *, resolver=None, ssl_context=None, **fields):
    async def run():
        session = http.new_session(**({"resolver": resolver} if resolver else {}))
        return await http.check(monitor(target, **fields), session, ssl_context=ssl_context)

    return asyncio.run(run())


def test_a_200_answer_is_up_with_its_response_time(server):
    result = probe(server.url("/ok"))
    assert result.ok is True
    assert result.reason == "HTTP 200"
    assert 0 <= result.response_ms < 2000
    assert result.cert_expires_at is None


def test_an_unexpected_status_code_is_down_and_says_what_was_expected(server):
    assert probe(server.url("/status/503")).reason == "expected 200-299, got 503"
    result = probe(server.url("/status/503"), expected_status_codes="200")
    assert (result.ok, result.reason) == (False, "expected 200, got 503")
    assert result.response_ms is not None


def test_expected_status_codes_can_make_an_error_code_up(server):
    assert probe(server.url("/status/404"), expected_status_codes="404,410").ok is True
    assert probe(server.url("/ok"), expected_status_codes="404,410").reason == (
        "expected 404, 410, got 200"
    )


def test_the_body_must_contain_the_expected_text_when_one_is_set(server):
    assert probe(server.url("/ok"), expected_body="operational").ok is True
    result = probe(server.url("/ok"), expected_body="outage")
    assert (result.ok, result.reason) == (False, "keyword not found")
    # Only the first MiB is searched.
    assert probe(server.url("/big"), expected_body="needle-after").reason == "keyword not found"


def test_the_expected_text_is_found_in_chunked_and_compressed_bodies(server):
    for path in ("/chunked", "/gzip"):
        assert probe(server.url(path), expected_body="systems operational").ok is True, path
        assert probe(server.url(path), expected_body="outage").reason == "keyword not found"


@pytest.mark.parametrize(
    ("reply", "ok", "reason"),
    [
        (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nup until the end", True, "HTTP 200"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\nup and", False, "response cut short"),
        (b"HTTP/1.1 200 OK\r\nContent-Le", False, "server closed the connection"),
        (b"SMTP ready\r\n\r\n", False, "invalid HTTP response"),
    ],
)
def test_a_body_is_read_to_its_end_or_the_answer_is_down_with_why(reply, ok, reason):
    fixed = FixedReplyServer(reply)
    try:
        result = probe(f"http://127.0.0.1:{fixed.port}/", expected_body="up")
    finally:
        fixed.close()
    assert (result.ok, result.reason) == (ok, reason)


def test_a_post_answered_see_other_is_followed_with_a_get(server):
    result = probe(server.url("/see-other"), http_body='{"a": 1}', expected_body='"method": "GET"')
    assert (result.ok, result.reason) == (True, "HTTP 200")


def test_a_request_body_makes_it_a_post_with_the_headers_given_as_lines(server):
    result = probe(
        server.url("/echo"),
        http_body='{"ping": 1}',
        http_headers="X-Token: abc123\nAccept: application/json",
        expected_body='"method": "POST"',
    )
    assert result.ok is True
    for expected in [
        '"X-Token": "abc123"',
        '"Content-Type": "application/json"',
        '{\\"ping\\": 1}',
    ]:
        assert probe(
            server.url("/echo"), http_body='{"ping": 1}', http_headers="X-Token: abc123",
            expected_body=expected,
        ).ok, expected  # fmt: skip


def test_headers_may_be_a_json_object_and_a_plain_get_has_no_body(server):
    result = probe(
        server.url("/echo"), http_headers='{"X-Token": "json-form"}',
        expected_body='"X-Token": "json-form"',
    )  # fmt: skip
    assert result.ok is True
    assert probe(server.url("/echo"), expected_body='"method": "GET"').ok is True


@pytest.mark.parametrize("headers", ["no colon here", '["a", "list"]', "Bad Name: x", "{broken"])
def test_unreadable_request_headers_are_down_with_a_reason(server, headers):
    result = probe(server.url("/ok"), http_headers=headers)
    assert (result.ok, result.reason) == (False, "invalid request headers")


def test_redirects_are_followed_only_when_allowed(server):
    assert probe(server.url("/redirect"), allow_redirects=True).reason == "HTTP 200"
    result = probe(server.url("/redirect"), allow_redirects=False)
    assert (result.ok, result.reason) == (False, "expected 200-299, got 302")


def test_a_refused_connection_is_down():
    result = probe(f"http://127.0.0.1:{closed_port()}/")
    assert (result.ok, result.reason) == (False, "connection refused")


def test_a_server_hanging_up_is_down():
    server = HangUpServer()
    try:
        result = probe(f"http://127.0.0.1:{server.port}/")
    finally:
        server.close()
    assert (result.ok, result.reason) == (False, "server closed the connection")


def test_a_slow_answer_is_down_after_the_timeout(server):
    started = time.monotonic()
    result = probe(server.url("/slow?s=5"), timeout=1)
    assert (result.ok, result.reason) == (False, "timed out after 1 s")
    assert time.monotonic() - started < 3


async def no_such_names(host: str, port: int) -> list:
    """A resolver that knows no names, as a DNS server answering NXDOMAIN
    would (tests must not send queries to the machine's real resolver)."""
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


def test_a_name_that_does_not_resolve_is_down():
    result = probe("http://status.example.invalid/", resolver=no_such_names)
    assert (result.ok, result.reason) == (False, "host not found")


def test_a_target_without_scheme_is_read_as_http(server):
    assert probe(f"127.0.0.1:{server.port}/ok").ok is True


def test_https_with_a_trusted_certificate_is_up_and_records_its_expiry(tls_server, certificate):
    trusted = ssl.create_default_context(cafile=str(certificate[0]))
    result = probe(tls_server.url("/ok"), ssl_context=trusted)
    assert (result.ok, result.reason) == (True, "HTTP 200")
    expected = datetime.now(UTC) + timedelta(days=30)
    assert abs(result.cert_expires_at - expected) < timedelta(minutes=5)


def test_a_self_signed_certificate_is_down_with_the_reason(tls_server):
    result = probe(tls_server.url("/ok"))  # the system's trust store
    assert result.ok is False
    assert result.reason == "certificate not valid: self-signed certificate"


def test_a_certificate_for_another_name_is_down(tls_server, certificate):
    trusted = ssl.create_default_context(cafile=str(certificate[0]))
    result = probe(tls_server.url("/ok", host="localhost"), ssl_context=trusted)
    assert result.ok is False
    assert result.reason.startswith("certificate not valid: Hostname mismatch")


def test_https_to_a_plain_http_port_is_a_tls_failure(server):
    result = probe(f"https://127.0.0.1:{server.port}/ok")
    assert result.ok is False
    assert result.reason.startswith("TLS handshake failed")


def test_codes_are_described_compactly():
    assert http.describe_codes(set(range(200, 300))) == "200-299"
    assert http.describe_codes({200, 201, 202, 301, 404}) == "200-202, 301, 404"
