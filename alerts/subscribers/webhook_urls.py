"""Which webhook URLs a subscriber may give: http(s) only, and never one that
points at an address the server must not be made to call.

``validate_webhook_url`` is the one entry point (the subscribe form, the admin
and every send use it). The address rule is the probe targets' own
(monitors/networks.py: PROBE_ALLOWED_NETWORKS minus PROBE_BLOCKED_NETWORKS),
so an operator limits what the server calls in one place. This is the
check on the name; guarded_http.py judges the address each send actually
connects to, which DNS may have changed in between.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from monitors import networks

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def refused_network(address: Address) -> bool:
    """Is ``address`` one a webhook may not be sent to?"""
    return networks.refusal(str(address)) is not None


def _addresses(host: str, port: int) -> list[Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        # The system resolver's own timeout applies (resolv.conf: 5 s, 2 tries).
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        # Nothing to call (yet): a POST to it fails on its own, and every
        # send checks the name again.
        return []
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def validate_webhook_url(url: str) -> None:
    """Raise ValidationError when ``url`` may not receive webhooks."""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError(_("Give an http:// or https:// URL.")) from None
    parts = urlsplit(url)
    host = (parts.hostname or "").strip("[]")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if any(refused_network(a) for a in _addresses(host, port)):
        raise ValidationError(_("This URL points at an address webhooks may not be sent to."))
