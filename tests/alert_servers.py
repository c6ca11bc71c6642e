"""Real local servers for the alert tests, on free ports of 127.0.0.1: an
SMTP sink and an HTTP receiver that checks webhook signatures. (HTTPS servers
with short-lived certificates come from tests/probe_servers.py.)"""

import hashlib
import hmac
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

from tests.probe_servers import closed_port


class SmtpSink:
    """aiosmtpd on a free port; ``messages`` holds every envelope received,
    ``connections`` how many SMTP connections they came over."""

    def __init__(self) -> None:
        self.messages: list = []
        self._sessions: list = []  # one aiosmtpd Session per connection (kept, not ids)
        self.controller = Controller(self, hostname="127.0.0.1", port=closed_port())

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802
        self.messages.append(envelope)
        if not any(seen is session for seen in self._sessions):
            self._sessions.append(session)
        return "250 OK"

    @property
    def connections(self) -> int:
        return len(self._sessions)

    @property
    def port(self) -> int:
        return self.controller.port

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)

    def signed_with(self, secret: str) -> bool:
        """Does X-Signature-SHA256 match the HMAC of the raw body?"""
        expected = hmac.new(secret.encode(), self.body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(self.headers.get("X-Signature-SHA256", ""), expected)


@dataclass
class HttpReceiver:
    """Records every POST; answers with ``statuses`` in turn (the last one repeats)."""

    statuses: list[int] = field(default_factory=lambda: [200])
    received: list[Received] = field(default_factory=list)

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append(Received(self.path, dict(self.headers), body))
                index = min(len(receiver.received), len(receiver.statuses)) - 1
                self.send_response(receiver.statuses[index])
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
