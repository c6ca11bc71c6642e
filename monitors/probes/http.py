"""The HTTP(S) probe.

Probes wait on the network, so one process keeps hundreds in flight on one
event loop, with a client of its own (monitors/probes/client.py: a new
connection per check, so what is measured is what a visitor's first request
meets, TLS handshake included, and the certificate is read on every check).
"""

import asyncio
import json
import ssl
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ValidationError

from monitors.probes.client import Client, RequestError, Resolver, system_resolver

__all__ = ["Client", "check", "describe_codes", "new_session"]
from monitors.probes.result import ProbeResult, elapsed_ms
from monitors.validators import parse_headers

# How much of a body is searched for the expected text.
BODY_LIMIT = 1024 * 1024


def _expiry(certificate: dict[str, Any] | None) -> datetime | None:
    if not certificate or "notAfter" not in certificate:
        return None
    return datetime.fromtimestamp(ssl.cert_time_to_seconds(certificate["notAfter"]), UTC)


def new_session(resolver: Resolver = system_resolver) -> Client:
    """The client for many probes at once."""
    return Client(resolver)


def describe_codes(codes: Iterable[int]) -> str:
    """``{200, 201, 202, 301}`` → ``"200-202, 301"``."""
    runs: list[list[int]] = []
    for code in sorted(codes):
        if runs and code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def _contains(body: bytes, charset: str, text: str) -> bool:
    try:
        decoded = body.decode(charset or "utf-8", errors="replace")
    except LookupError:  # a charset Python does not know
        decoded = body.decode("utf-8", errors="replace")
    return text in decoded


def _charset(content_type: str) -> str:
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset":
            return value.strip('"').strip()
    return ""


def _request(monitor: Any) -> dict[str, Any]:
    """The client's request arguments for a monitor; ValidationError on headers
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
        "body": body,
        "headers": headers,
        "allow_redirects": monitor.allow_redirects,
    }


async def check(
    monitor: Any, session: Client, *, ssl_context: ssl.SSLContext | None = None
) -> ProbeResult:
    """Request the monitor's URL: up when the status code is expected and the
    body contains the expected text (when one is set)."""
    try:
        request = _request(monitor)
    except ValidationError:
        return ProbeResult.down("invalid request headers")
    expected = monitor.expected_codes
    started = time.perf_counter()
    try:
        async with asyncio.timeout(monitor.timeout):
            response = await session.request(
                **request, ssl_context=ssl_context,
                body_limit=BODY_LIMIT if monitor.expected_body else 0,
            )  # fmt: skip
    except TimeoutError:
        return ProbeResult.down(f"timed out after {monitor.timeout} s")
    except RequestError as exc:
        return ProbeResult.down(str(exc))
    response_ms = elapsed_ms(started, time.perf_counter())
    status = response.status
    if status not in expected:
        return ProbeResult.down(f"expected {describe_codes(expected)}, got {status}", response_ms)
    charset = _charset(response.headers.get("content-type", ""))
    if monitor.expected_body and not _contains(response.body, charset, monitor.expected_body):
        return ProbeResult.down("keyword not found", response_ms)
    cert_expires_at = _expiry(response.peer_certificate)
    return ProbeResult.up(f"HTTP {status}", response_ms, cert_expires_at=cert_expires_at)
