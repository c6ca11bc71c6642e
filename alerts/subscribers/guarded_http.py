"""The connect-time half of the webhook URL rule (webhook_urls.py is the
other): a requests session whose every connection is judged by the address
of the socket actually connected, under the probe targets' rule
(monitors/networks.py).

Checking a URL's name before the POST is not enough: ``requests`` resolves it
again, and a name with a short TTL can answer a public address to the check
and 127.0.0.1 or 169.254.169.254 to the connect (DNS rebinding). The peer
address of the connected socket is the one the request would reach, so it is
judged after the TCP handshake and before a byte of the request is written:
a refused peer's socket is closed and the send fails with RefusedAddress.

Environment proxies (HTTP(S)_PROXY) are not used: through a proxy the peer is
the proxy, and the address that matters would go unchecked (probes do not use
them either)."""

import socket
from typing import Any

import requests
from django.utils.translation import gettext as _
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import MaxRetryError, NewConnectionError

from monitors import networks


class RefusedPeer(NewConnectionError):
    """urllib3's side: the connected peer is one webhooks may not reach."""

    def __init__(self, conn: HTTPConnection, peer: str, reason: str) -> None:
        super().__init__(conn, reason)
        self.peer, self.reason = peer, reason


class RefusedAddress(requests.ConnectionError):
    """requests' side of RefusedPeer, with a message fit for the delivery log."""


class _GuardedConnection:
    """Mixed into urllib3's connections: ``_new_conn`` opens every socket
    (plain and TLS, redirects and retries included) and returns it connected."""

    def _new_conn(self) -> socket.socket:
        sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        peer = str(sock.getpeername()[0])
        reason = networks.refusal(peer)
        if reason is not None:
            sock.close()
            raise RefusedPeer(self, peer, reason)  # type: ignore[arg-type]
        return sock


class GuardedHTTPConnection(_GuardedConnection, HTTPConnection):
    pass


class GuardedHTTPSConnection(_GuardedConnection, HTTPSConnection):
    pass


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """An HTTPAdapter whose pools open only guarded connections."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _GuardedHTTPPool,
            "https": _GuardedHTTPSPool,
        }

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().send(request, *args, **kwargs)
        except requests.ConnectionError as exc:
            cause = exc.args[0] if exc.args else None
            reason = cause.reason if isinstance(cause, MaxRetryError) else None
            if isinstance(reason, RefusedPeer):
                message = _("This URL points at an address webhooks may not be sent to.")
                raise RefusedAddress(
                    f"{message} ({reason.peer}, at connect time)", request=request
                ) from exc
            raise


def guarded_session() -> requests.Session:
    """A session for one send to a subscriber's URL (as ``requests.post``
    makes one per call): guarded connections, no environment proxies."""
    session = requests.Session()
    session.trust_env = False
    adapter = GuardedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
