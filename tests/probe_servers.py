"""Local servers the probe tests talk to, on free ports: HTTP(S) with fixed
answers (a self-signed certificate made with the openssl command), TCP ports
that listen, refuse, or hang up."""

import asyncio
import contextlib
import os
import shutil
import socket
import ssl
import subprocess
import threading
from pathlib import Path

import pytest
from aiohttp import web

BIG_BODY = "x" * (2 * 1024 * 1024) + "needle-after-two-mib"


async def _ok(request: web.Request) -> web.Response:
    return web.Response(text="all systems operational")


async def _status(request: web.Request) -> web.Response:
    return web.Response(status=int(request.match_info["code"]), text="status as asked")


async def _slow(request: web.Request) -> web.Response:
    await asyncio.sleep(float(request.query.get("s", "5")))
    return web.Response(text="late answer")


async def _redirect(request: web.Request) -> web.Response:
    raise web.HTTPFound("/ok")


async def _redirect_to(request: web.Request) -> web.Response:
    raise web.HTTPFound(request.query["url"])


async def _echo(request: web.Request) -> web.Response:
    return web.json_response(
        {"method": request.method, "headers": dict(request.headers), "body": await request.text()}
    )


async def _big(request: web.Request) -> web.Response:
    return web.Response(text=BIG_BODY)


async def _chunked(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse()
    response.enable_chunked_encoding()
    await response.prepare(request)
    for part in (b"all sys", b"tems oper", b"ational"):
        await response.write(part)
    await response.write_eof()
    return response


async def _gzip(request: web.Request) -> web.Response:
    response = web.Response(text="all systems operational")
    response.enable_compression(web.ContentCoding.gzip)
    return response


async def _see_other(request: web.Request) -> web.Response:
    raise web.HTTPSeeOther("/echo")


class AnswerServer:
    """An aiohttp server in a thread of its own: /ok, /status/{code},
    /slow?s=seconds, /redirect (to /ok), /redirect-to?url=..., /echo (the request
    as JSON), /big, /chunked and /gzip (/ok's text so sent), /see-other (a
    POST answered 303, to /echo)."""

    def __init__(self, ssl_context: ssl.SSLContext | None = None) -> None:
        self.scheme = "https" if ssl_context else "http"
        self.hits = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self.port = asyncio.run_coroutine_threadsafe(self._start(ssl_context), self._loop).result(
            10
        )

    async def _start(self, ssl_context: ssl.SSLContext | None) -> int:
        @web.middleware
        async def count(request: web.Request, handler):
            self.hits += 1
            return await handler(request)

        app = web.Application(middlewares=[count])
        app.add_routes(
            [
                web.get("/ok", _ok),
                web.get("/status/{code}", _status),
                web.get("/slow", _slow),
                web.get("/redirect", _redirect),
                web.get("/redirect-to", _redirect_to),
                web.route("*", "/echo", _echo),
                web.get("/big", _big),
                web.get("/chunked", _chunked),
                web.get("/gzip", _gzip),
                web.post("/see-other", _see_other),
            ]
        )
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=ssl_context)
        await site.start()
        return self._runner.addresses[0][1]

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)


def self_signed_certificate(folder: Path, days: int = 30) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 valid for ``days``, and its key."""
    if not shutil.which("openssl"):
        if os.environ.get("CI"):
            pytest.fail("openssl is not installed, and CI must run every test")
        pytest.skip("openssl is not installed")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", str(days),
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True, timeout=30,
    )  # fmt: skip
    return cert, key


def closed_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class FixedReplyServer:
    """Reads a request, sends ``reply`` as it is, and hangs up; with no
    reply, accepts each connection and closes it at once, without a word."""

    def __init__(self, reply: bytes | None) -> None:
        self.reply = reply
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.port = self._sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            with conn, contextlib.suppress(OSError):  # a client that gave up
                if self.reply is not None:
                    self._answer(conn, self.reply)

    @staticmethod
    def _answer(conn: socket.socket, reply: bytes) -> None:
        conn.settimeout(5)
        request = b""
        while b"\r\n\r\n" not in request:
            data = conn.recv(65536)
            if not data:
                break
            request += data
        conn.sendall(reply)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self._sock.close()


class HangUpServer(FixedReplyServer):
    """Accepts TCP connections and closes them at once, without a word."""

    def __init__(self) -> None:
        super().__init__(None)


class FullBacklog:
    """A listening port whose accept queue is full: the kernel drops further
    connection attempts, so they time out."""

    def __init__(self) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(0)
        self.port = self._sock.getsockname()[1]
        self._filler = socket.create_connection(("127.0.0.1", self.port), timeout=2)

    def close(self) -> None:
        self._filler.close()
        self._sock.close()
