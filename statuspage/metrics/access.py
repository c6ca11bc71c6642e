"""Who may read /metrics: a scraper sending ``Authorization: Bearer
<METRICS_TOKEN>``, or one whose address is in METRICS_ALLOWED_NETWORKS. With
neither set the endpoint does not exist (404): the figures say how big the
installation is and how it is run, not for anyone on the internet."""

import hmac
import ipaddress
from enum import Enum

from django.conf import settings
from django.http import HttpRequest

from statuspage.api.clientaddr import client_address


class Access(Enum):
    OFF = "off"  # neither a token nor networks configured
    ALLOWED = "allowed"
    UNAUTHENTICATED = "unauthenticated"  # a token is configured and was not sent (or was wrong)
    REFUSED = "refused"  # only networks are configured, and the address is not in them


def _bearer(request: HttpRequest) -> str:
    scheme, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _in_networks(address: str, networks: list[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net, strict=False) for net in networks)


def check(request: HttpRequest) -> Access:
    token, networks = settings.METRICS_TOKEN, settings.METRICS_ALLOWED_NETWORKS
    if not token and not networks:
        return Access.OFF
    sent = _bearer(request)
    if token and sent and hmac.compare_digest(sent.encode(), token.encode()):
        return Access.ALLOWED
    if networks and _in_networks(client_address(request), networks):
        return Access.ALLOWED
    return Access.UNAUTHENTICATED if token else Access.REFUSED
