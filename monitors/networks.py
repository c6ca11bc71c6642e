"""Which addresses probes may reach (PROBE_ALLOWED_NETWORKS minus
PROBE_BLOCKED_NETWORKS).

A probe runs inside the operator's network: without a limit, anyone who may
save a monitor can make the workers fetch the cloud's metadata service
(169.254.169.254) or, with the keyword check, guess at loopback-only services.
The rule is applied twice: to a literal address when a monitor is saved
(monitors/validators.py) and to every resolved address at connect time
(monitors/probes/guard.py), since a DNS name can point elsewhere tomorrow.

Kept free of models so that settings can import it.
"""

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# Link-local (cloud metadata services, fe80::/10) and "this host" (0.0.0.0,
# which Linux connects to loopback; ::). Loopback stays allowed: a probe of a
# service on the worker's own machine is a common and legitimate check.
DEFAULT_BLOCKED = ["169.254.0.0/16", "fe80::/10", "0.0.0.0/8", "::/128"]
DEFAULT_ALLOWED = ["0.0.0.0/0", "::/0"]


def parse_networks(values: Iterable[str], setting: str) -> tuple[Network, ...]:
    """CIDR strings ("10.0.0.0/8", "::1") as networks; ImproperlyConfigured
    naming the setting on a bad one, so a typo stops the start, not a probe."""
    networks = []
    for value in values:
        if not str(value).strip():
            continue  # "a,b," or an empty variable: nothing, not an error
        try:
            networks.append(ipaddress.ip_network(str(value).strip(), strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(f"{setting}: {value!r} is not a network") from exc
    return tuple(networks)


@lru_cache(maxsize=8)
def _policy(
    allowed: tuple[str, ...], blocked: tuple[str, ...]
) -> tuple[tuple[Network, ...], tuple[Network, ...]]:
    return (
        parse_networks(allowed, "PROBE_ALLOWED_NETWORKS"),
        parse_networks(blocked, "PROBE_BLOCKED_NETWORKS"),
    )


def refusal(address: str) -> str | None:
    """Why probes may not reach ``address`` (an IP literal), or None when they may."""
    return _refusal(
        address,
        tuple(map(str, getattr(settings, "PROBE_ALLOWED_NETWORKS", DEFAULT_ALLOWED))),
        tuple(map(str, getattr(settings, "PROBE_BLOCKED_NETWORKS", DEFAULT_BLOCKED))),
    )


@lru_cache(maxsize=4096)  # asked before every connection a probe opens
def _refusal(address: str, allowed: tuple[str, ...], blocked: tuple[str, ...]) -> str | None:
    try:
        ip: Address = ipaddress.ip_address(address.split("%", 1)[0])  # fe80::1%eth0
    except ValueError:
        return f"{address} is not an IP address"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:169.254.169.254 is 169.254.169.254
    allowed_networks, blocked_networks = _policy(allowed, blocked)
    for network in blocked_networks:
        if ip.version == network.version and ip in network:
            return f"probes may not reach {ip} (blocked network {network})"
    if not any(ip.version == network.version and ip in network for network in allowed_networks):
        return f"probes may not reach {ip} (outside the allowed networks)"
    return None


def is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def literal_addresses(host: str) -> list[str]:
    """The addresses a host stands for without asking DNS: itself when it is
    an IP, loopback for ``localhost`` (RFC 6761); [] for other names, which
    are checked when a probe resolves them."""
    host = host.strip("[]").rstrip(".").lower()
    if is_ip(host):
        return [host]
    if host == "localhost" or host.endswith(".localhost"):
        return ["127.0.0.1", "::1"]
    return []
