"""The HTTP probe's client: one HTTP/1.1 request per connection, on asyncio.

A probe needs much less than a general client (no pool, no cookies, no
streaming API), and the client was most of a probe worker's CPU: aiohttp
cost ~0.5 ms a check on this machine, this ~0.2 ms (httptools, the llhttp
parser, reads the response; bench/probes.py). Each request opens its own
connection, sends ``Connection: close`` and reads no more of the body than
the check needs, so what is measured is what a visitor's first request
meets, TLS handshake included. Every address is judged by the probe-network
rule before connecting (guard.check_address), redirects included.

Failures raise ``RequestError`` with the words a person reads in the admin.
"""

import asyncio
import socket
import ssl
import time
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from ipaddress import ip_address
from typing import Any, cast
from urllib.parse import urljoin, urlsplit

import httptools

from monitors.probes.guard import BlockedAddress, check_address

USER_AGENT = "statuspage-probe/1.0"
MAX_REDIRECTS = 10
REDIRECTS = {301, 302, 303, 307, 308}
DNS_TTL = 60.0

Resolver = Callable[[str, int], Awaitable[list[tuple[Any, ...]]]]


class RequestError(Exception):
    """The request failed; ``str()`` says why in a few words."""


@dataclass
class Response:
    status: int
    headers: dict[str, str]  # the few the probe reads, lower-case names
    body: bytes = b""  # up to the limit asked for
    peer_certificate: dict[str, Any] | None = None


async def system_resolver(host: str, port: int) -> list[tuple[Any, ...]]:
    return await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)


_WANTED = {
    b"location", b"content-type", b"content-encoding", b"content-length", b"transfer-encoding",
}  # fmt: skip


class _Exchange(asyncio.Protocol):
    """One request and its response, on a connection of its own."""

    def __init__(self, request: bytes, body_limit: int) -> None:
        self.request, self.body_limit = request, body_limit
        self.parser = httptools.HttpResponseParser(self)
        self.done: asyncio.Future[Response] = asyncio.get_running_loop().create_future()
        self.headers: dict[str, str] = {}
        self.body = bytearray()
        self.response: Response | None = None
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # A stream's transport (uvloop's does not subclass asyncio.Transport).
        self.transport = transport = cast(asyncio.Transport, transport)
        ssl_object = transport.get_extra_info("ssl_object")
        self.certificate = ssl_object.getpeercert() if ssl_object else None
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._finish()
        except httptools.HttpParserError:
            self._fail("invalid HTTP response")

    def on_header(self, name: bytes, value: bytes) -> None:
        if name.lower() in _WANTED:
            self.headers[name.lower().decode()] = value.decode("latin-1")

    def on_headers_complete(self) -> None:
        self.response = Response(self.parser.get_status_code(), self.headers)
        if not self.body_limit:
            self._finish()

    def on_body(self, chunk: bytes) -> None:
        self.body += chunk
        if len(self.body) >= self.body_limit:
            self._finish()

    def on_message_complete(self) -> None:
        self._finish()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.done.done():
            return
        if self.response is None:
            self._fail("server closed the connection")
        elif "content-length" not in self.headers and "chunked" not in self.headers.get(
            "transfer-encoding", ""
        ):
            self._finish()  # a body that ends with the connection
        else:
            self._fail("response cut short")

    def _finish(self) -> None:
        if not self.done.done() and self.response is not None:
            self.response.body = bytes(self.body[: self.body_limit])
            self.response.peer_certificate = self.certificate
            self.done.set_result(self.response)
        self._close()

    def _fail(self, reason: str) -> None:
        if not self.done.done():
            self.done.set_exception(RequestError(reason))
        self._close()

    def _close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.close()


def _certificate_error(exc: ssl.SSLCertVerificationError) -> str:
    detail = exc.verify_message or exc.reason or ""
    return f"certificate not valid: {detail}" if detail else "certificate not valid"


@dataclass
class Client:
    """Requests for many probes at once, with a DNS cache; ``resolver`` for
    tests (which must not ask the machine's resolver)."""

    resolver: Resolver = system_resolver
    _names: dict[tuple[str, int], tuple[float, list[tuple[Any, ...]]]] = field(default_factory=dict)

    async def _addresses(self, host: str, port: int) -> list[tuple[Any, ...]]:
        try:
            ip_address(host)
        except ValueError:
            pass
        else:
            family = socket.AF_INET6 if ":" in host else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 0, "", (host, port))]
        cached = self._names.get((host, port))
        if cached and time.monotonic() - cached[0] < DNS_TTL:
            return cached[1]
        try:
            infos = await self.resolver(host, port)
        except (OSError, UnicodeError) as exc:
            raise RequestError("host not found") from exc
        if not infos:
            raise RequestError("host not found")
        self._names[host, port] = (time.monotonic(), infos)
        return infos

    async def _open(
        self, host: str, port: int, exchange: _Exchange, context: ssl.SSLContext | None
    ) -> None:
        """Connect ``exchange`` to the first of the host's allowed addresses that
        answers. The loop connects (and shakes hands) itself: handing it a socket
        connected in Python cost twice the CPU a check (bench/probes.py)."""
        loop = asyncio.get_running_loop()
        error: OSError | None = None
        for family, _, _, _, address in await self._addresses(host, port):
            try:
                check_address(address[0])
                await loop.create_connection(
                    lambda: exchange, address[0], port, family=family, ssl=context,
                    server_hostname=host if context else None,
                )  # fmt: skip
                return
            except ssl.SSLCertVerificationError as exc:
                raise RequestError(_certificate_error(exc)) from exc
            except ssl.SSLError as exc:
                reason = f" ({str(exc.reason).replace('_', ' ').lower()})" if exc.reason else ""
                raise RequestError(f"TLS handshake failed{reason}") from exc
            except (ConnectionResetError, ConnectionAbortedError, BrokenPipeError) as exc:
                raise RequestError("server closed the connection") from exc
            except OSError as exc:
                error = exc
        if isinstance(error, ConnectionRefusedError):
            raise RequestError("connection refused")
        if isinstance(error, BlockedAddress):
            raise RequestError(error.strerror)
        raise RequestError((error and error.strerror or "connection failed").lower())

    async def _exchange(
        self, url: str, method: str, headers: dict[str, str], body: bytes | None,
        ssl_context: ssl.SSLContext | None, body_limit: int,
    ) -> Response:  # fmt: skip
        try:
            parts = urlsplit(url)
            secure = parts.scheme == "https"
            host, port = parts.hostname, parts.port or (443 if secure else 80)
            if parts.scheme not in ("http", "https") or not host:
                raise ValueError(url)
            shown = f"[{host}]" if ":" in host else host.encode("idna").decode()
        except (ValueError, UnicodeError) as exc:
            raise RequestError("invalid URL") from exc
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        lines = {
            "Host": shown if parts.port is None else f"{shown}:{port}",
            "User-Agent": USER_AGENT,
            "Accept": "*/*",
        }
        given = {name.lower() for name in headers}
        lines = {name: value for name, value in lines.items() if name.lower() not in given}
        lines.update(
            (name, value) for name, value in headers.items()
            if name.lower() not in ("connection", "content-length")
        )  # fmt: skip
        if body is not None:
            lines["Content-Length"] = str(len(body))
        lines["Connection"] = "close"
        head = f"{method} {target} HTTP/1.1\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in lines.items())
        request = head.encode("latin-1", errors="replace") + b"\r\n" + (body or b"")
        context = None
        if secure:
            context = ssl_context or _default_tls()
        exchange = _Exchange(request, body_limit)
        await self._open(host, port, exchange, context)
        try:
            return await exchange.done
        finally:
            exchange._close()

    async def request(
        self, method: str, url: str, *, headers: dict[str, str] | None = None,
        body: bytes | None = None, allow_redirects: bool = True,
        ssl_context: ssl.SSLContext | None = None, body_limit: int = 0,
    ) -> Response:  # fmt: skip
        """The response to ``url`` (after redirects, when allowed), with up to
        ``body_limit`` bytes of its body, decompressed. ``ssl_context`` None:
        the system's trust store."""
        headers = dict(headers or {})
        for _ in range(MAX_REDIRECTS + 1):
            response = await self._exchange(url, method, headers, body, ssl_context, body_limit)
            location = response.headers.get("location")
            if not (allow_redirects and response.status in REDIRECTS and location):
                response.body = _decoded(response, body_limit)
                return response
            url = urljoin(url, location)
            if response.status == 303 or (response.status in (301, 302) and method == "POST"):
                method, body = "GET", None
                headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
        raise RequestError("too many redirects")


def _decoded(response: Response, limit: int) -> bytes:
    encoding = response.headers.get("content-encoding", "").lower()
    if not response.body or encoding not in ("gzip", "deflate"):
        return response.body
    try:  # 47: a gzip or zlib header, whichever it is
        return zlib.decompressobj(47).decompress(response.body, limit)
    except zlib.error:
        return response.body


_tls: ssl.SSLContext | None = None


def _default_tls() -> ssl.SSLContext:
    """The system's trust store, loaded once per process (~10 ms each time)."""
    global _tls
    if _tls is None:
        _tls = ssl.create_default_context()
    return _tls
