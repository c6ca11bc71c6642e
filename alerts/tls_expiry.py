"""When a server's TLS certificate expires, read from the handshake.

Standard library only, so the HTTPS probe can use it too. The certificate is
verified (chain and host name) as a browser would: an untrusted certificate
is a failure of its own, not an expiry date to warn about.
"""

import socket
import ssl
from datetime import UTC, datetime
from urllib.parse import urlsplit


def certificate_expiry(
    host: str, port: int = 443, *, timeout: float = 10.0, context: ssl.SSLContext | None = None
) -> datetime:
    """The notAfter of the certificate ``host:port`` presents (aware, UTC).

    Raises OSError (ssl.SSLError, socket.timeout, ...) when there is none to read.
    """
    context = context or ssl.create_default_context()
    with (
        socket.create_connection((host, port), timeout=timeout) as sock,
        context.wrap_socket(sock, server_hostname=host) as tls,
    ):
        cert = tls.getpeercert()
    if not cert or "notAfter" not in cert:
        raise ssl.SSLError("the server presented no certificate")
    return datetime.fromtimestamp(ssl.cert_time_to_seconds(cert["notAfter"]), UTC)


def certificate_expiry_of_url(
    url: str, *, timeout: float = 10.0, context: ssl.SSLContext | None = None
) -> datetime | None:
    """The expiry for an https:// URL; None for any other scheme."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return None
    return certificate_expiry(parts.hostname, parts.port or 443, timeout=timeout, context=context)
