"""The client's address, one rule for every limit that counts per address:
the APIs' rate limits (statuspage/api/guard.py) and the admin's login
lockout (django-axes, AXES_CLIENT_IP_CALLABLE: client_ip)."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address; behind TRUSTED_PROXY_COUNT proxies, the N-th
    address from the right of X-Forwarded-For (the ones left of it can be
    forged by the client). Anything there that is not an IP address (a
    misconfigured proxy) counts as the TCP peer, never as a client's choice.
    None when there is no peer either (a request made up in a test or a
    signal): django-axes stores that as no address."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if proxies and len(hops) >= proxies:
        try:
            return str(ipaddress.ip_address(hops[-proxies][:64]))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR") or None


def client_address(request: HttpRequest) -> str:
    """client_ip() as a rate-limit counter's name."""
    return client_ip(request) or "unknown"
