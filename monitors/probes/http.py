"""The HTTP(S) probe.

aiohttp rather than requests: probes wait on the network, so one process keeps
hundreds in flight on one event loop (measured ~3,000 checks/s per core with a
new connection per check, against ~1,000/s for requests in 50 threads, where
the GIL is the limit). Every check opens its own connection (``force_close``),
so what is measured is what a visitor's first request meets, TLS handshake
included, and the certificate is read on every check.
"""

import errno
import json
import ssl
import time
from datetime import UTC, datetime
from typing import Any, cast

import aiohttp
from django.core.exceptions import ValidationError

from monitors.probes.guard import guarded_socket
from monitors.probes.result import ProbeResult, elapsed_ms
from monitors.validators import parse_headers

USER_AGENT = "statuspage-probe/1.0"
# How much of a body is searched for the expected text.
BODY_LIMIT = 1024 * 1024


def _expiry(transport: Any) -> datetime | None:
    ssl_object = transport.get_extra_info("ssl_object") if transport else None
    certificate = ssl_object.getpeercert() if ssl_object else None
    if not certificate or "notAfter" not in certificate:
        return None
    return datetime.fromtimestamp(ssl.cert_time_to_seconds(certificate["notAfter"]), UTC)


class ProbeResponse(aiohttp.ClientResponse):
    cert_expires_at: datetime | None = None


class CertificateReadingRequest(aiohttp.ClientRequest):
    """Reads the server certificate's expiry off the connection as the request
    is sent: aiohttp releases (and, with force_close, closes) the connection as
    soon as a short body has arrived, before the caller sees the response."""

    async def send(self, conn: Any) -> aiohttp.ClientResponse:
        expires_at = _expiry(conn.transport)
        # The session's response_class is ProbeResponse (new_session).
        response = cast(ProbeResponse, await super().send(conn))
        response.cert_expires_at = expires_at
        return response


def new_session(**connector_options: Any) -> aiohttp.ClientSession:
    """The client for many probes at once; create it inside the running loop."""
    # Every connection, redirects included, goes through guarded_socket: the
    # resolved address is checked against the probe-network settings.
    connector = aiohttp.TCPConnector(
        limit=0, force_close=True, ttl_dns_cache=60, socket_factory=guarded_socket,
        **connector_options,
    )  # fmt: skip
    return aiohttp.ClientSession(
        connector=connector,
        cookie_jar=aiohttp.DummyCookieJar(),  # monitors must not share cookies
        headers={"User-Agent": USER_AGENT},
        request_class=CertificateReadingRequest,
        response_class=ProbeResponse,
    )


def describe_codes(codes: set[int]) -> str:
    """``{200, 201, 202, 301}`` → ``"200-202, 301"``."""
    runs: list[list[int]] = []
    for code in sorted(codes):
        if runs and code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def describe_error(exc: aiohttp.ClientError) -> str:
    """A client error as a few words a person can read."""
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        error = exc.certificate_error
        detail = getattr(error, "verify_message", "") or getattr(error, "reason", "") or ""
        return f"certificate not valid: {detail}" if detail else "certificate not valid"
    if isinstance(exc, aiohttp.ClientSSLError):
        reason = getattr(exc.os_error, "reason", None)
        detail = f" ({str(reason).replace('_', ' ').lower()})" if reason else ""
        return f"TLS handshake failed{detail}"
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return "host not found"
    if isinstance(exc, aiohttp.ClientConnectorError):
        if isinstance(exc.os_error, ConnectionRefusedError):
            return "connection refused"
        return (exc.os_error.strerror or "connection failed").lower()
    if isinstance(exc, aiohttp.TooManyRedirects):
        return "too many redirects"
    if isinstance(exc, aiohttp.InvalidURL):
        return "invalid URL"
    # A server that hangs up reads as a clean close or, when our request was
    # already on its way, as a reset: the same event to a person.
    if isinstance(exc, aiohttp.ServerDisconnectedError) or (
        isinstance(exc, aiohttp.ClientOSError) and exc.errno == errno.ECONNRESET
    ):
        return "server closed the connection"
    if isinstance(exc, aiohttp.ClientPayloadError):
        return "response cut short"
    if isinstance(exc, aiohttp.ClientResponseError):
        return "invalid HTTP response"
    if isinstance(exc, aiohttp.ClientOSError) and exc.strerror:
        return exc.strerror.lower()
    return f"connection error ({type(exc).__name__})"


async def _body_contains(response: aiohttp.ClientResponse, text: str) -> bool:
    data = bytearray()
    while len(data) < BODY_LIMIT:
        chunk = await response.content.read(BODY_LIMIT - len(data))
        if not chunk:
            break
        data += chunk
    try:
        decoded = data.decode(response.charset or "utf-8", errors="replace")
    except LookupError:  # a charset Python does not know
        decoded = data.decode("utf-8", errors="replace")
    return text in decoded


def _request(monitor: Any) -> dict[str, Any]:
    """aiohttp's request arguments for a monitor; ValidationError on headers
    that could not be saved today (the same rule as the forms and the API)."""
    url = monitor.target.strip()
    if "://" not in url:
        url = f"http://{url}"
    headers = parse_headers(monitor.http_headers)
    body = monitor.http_body.encode() if monitor.http_body else None
    if body is not None and not any(name.lower() == "content-type" for name in headers):
        try:
            json.loads(monitor.http_body)
            headers["Content-Type"] = "application/json"
        except ValueError:
            headers["Content-Type"] = "text/plain; charset=utf-8"
    return {
        "method": "POST" if body is not None else "GET",
        "url": url,
        "data": body,
        "headers": headers,
        "allow_redirects": monitor.allow_redirects,
    }


async def check(
    monitor: Any, session: aiohttp.ClientSession, *, ssl_context: ssl.SSLContext | bool = True
) -> ProbeResult:
    """Request the monitor's URL: up when the status code is expected and the
    body contains the expected text (when one is set)."""
    try:
        request = _request(monitor)
    except ValidationError:
        return ProbeResult.down("invalid request headers")
    expected = monitor.expected_codes
    timeout = aiohttp.ClientTimeout(total=monitor.timeout)
    started = time.perf_counter()
    try:
        async with session.request(**request, ssl=ssl_context, timeout=timeout) as response:
            cert_expires_at = getattr(response, "cert_expires_at", None)
            status = response.status
            found = True
            if monitor.expected_body and status in expected:
                found = await _body_contains(response, monitor.expected_body)
        response_ms = elapsed_ms(started, time.perf_counter())
    except TimeoutError:
        return ProbeResult.down(f"timed out after {monitor.timeout} s")
    except aiohttp.ClientError as exc:
        return ProbeResult.down(describe_error(exc))
    if status not in expected:
        return ProbeResult.down(f"expected {describe_codes(expected)}, got {status}", response_ms)
    if not found:
        return ProbeResult.down("keyword not found", response_ms)
    return ProbeResult.up(f"HTTP {status}", response_ms, cert_expires_at=cert_expires_at)
