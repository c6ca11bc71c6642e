"""Checks of a monitor's target: a URL for HTTP(S), a host name or IP address otherwise."""

import ipaddress
import re
from urllib.parse import urlsplit

from rest_framework.serializers import ValidationError

_LABEL = re.compile(r"(?!-)[A-Za-z0-9_-]{1,63}(?<!-)")
_UNSAFE = re.compile(r"[\s\x00-\x1f\x7f]")


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _is_host_name(value: str) -> bool:
    try:
        ascii_name = value.encode("idna").decode("ascii")  # bücher.example -> xn--bcher-kva...
    except UnicodeError:
        return False
    labels = ascii_name.removesuffix(".").split(".")
    if len(ascii_name) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        return False
    # "999.1.1.1" is neither a name nor an address.
    return not all(label.isdigit() for label in labels)


def validate_host(value: str) -> None:
    if "://" in value or "/" in value:
        raise ValidationError("Enter a host name or IP address (not a URL) for this protocol.")
    if not (_is_ip(value) or _is_host_name(value)):
        raise ValidationError(f'"{value}" is not a host name or IP address.')


def validate_http_url(value: str) -> None:
    message = "Enter an http:// or https:// URL with a host, such as https://example.com/health."
    if _UNSAFE.search(value):
        raise ValidationError(message)
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (raises ValueError for a port out of range)
    except ValueError as exc:
        raise ValidationError(message) from exc
    host = parts.hostname or ""
    if parts.scheme.lower() not in ("http", "https") or not (_is_ip(host) or _is_host_name(host)):
        raise ValidationError(message)
