"""The rules a monitor's settings must follow, in one place for every way in:
the admin form (monitors/forms.py) and the v1 API
(statuspage/api/legituptime/monitor_serializer.py) both call
``monitor_errors``; the probe engine parses headers with the same
``parse_headers``, so it never sends a header that could not have been saved.

Django's ValidationError, which DRF turns into a 400 like its own. The
messages of the v1 contract's checks are asserted by its tests: keep them.
"""

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError

from core.enums import Protocol
from monitors.networks import is_ip, literal_addresses, refusal

_LABEL = re.compile(r"(?!-)[A-Za-z0-9_-]{1,63}(?<!-)")
_UNSAFE = re.compile(r"[\s\x00-\x1f\x7f]")
URL_MESSAGE = "Enter an http:// or https:// URL with a host, such as https://example.com/health."

# RFC 9110's token: what a header name may be.
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
# In a value: control characters (tab aside), DEL, the C1 controls (NEL among
# them) and U+2028/U+2029. Each either ends a header line on some server or
# in Python's own str.splitlines(), so each could smuggle in a second header.
_NOT_IN_VALUE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
# Framing is the probe's job: a hand-set length would desynchronise the request.
_SET_BY_THE_PROBE = frozenset({"content-length", "transfer-encoding"})


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


def _check_reachable(host: str) -> None:
    """Refuse a target the probe-network settings forbid, when that is known
    without DNS (names are checked again by every probe as it connects)."""
    for address in literal_addresses(host):
        reason = refusal(address)
        if reason:
            raise ValidationError(f"{reason[0].upper()}{reason[1:]}.")


def validate_host(value: str) -> None:
    if "://" in value or "/" in value:
        raise ValidationError("Enter a host name or IP address (not a URL) for this protocol.")
    if not (is_ip(value) or _is_host_name(value)):
        raise ValidationError(f'"{value}" is not a host name or IP address.')
    _check_reachable(value)


def validate_http_url(value: str) -> None:
    if _UNSAFE.search(value):
        raise ValidationError(URL_MESSAGE)
    try:
        parts = urlsplit(value)
        port = parts.port  # raises ValueError for a port out of range
    except ValueError as exc:
        raise ValidationError(URL_MESSAGE) from exc
    host = parts.hostname or ""
    if parts.scheme.lower() not in ("http", "https") or not (is_ip(host) or _is_host_name(host)):
        raise ValidationError(URL_MESSAGE)
    if "\\" in parts.netloc:
        # "http://a.example\@169.254.169.254/": Python reads the host after the
        # "@", browsers and some clients before it. Refuse what parsers disagree on.
        raise ValidationError("A URL must not have a backslash before its path.")
    if port == 0:
        raise ValidationError("Port 0 cannot be probed; use a port from 1 to 65535.")
    _check_reachable(host)


def validate_port(value: int) -> None:
    if not 1 <= value <= 65535:
        raise ValidationError("Enter a port from 1 to 65535.")


def _pairs(text: str) -> list[tuple[str, str]]:
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise ValidationError("Headers written as JSON must be one object of names to values.")
        return [(str(name), str(value)) for name, value in data.items()]
    pairs = []
    # A browser's textarea sends CRLF: that, and only that, is a line end.
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        if not line.strip():
            continue
        name, colon, value = line.partition(":")
        if not colon:
            raise ValidationError(f'Line {number} is not a "Name: value" line.')
        pairs.append((name.strip(" \t"), value.strip(" \t")))
    return pairs


def parse_headers(text: str) -> dict[str, str]:
    """Request headers written as ``Name: value`` lines (or a JSON object), as
    a dict; ValidationError naming the first bad line."""
    text = text.strip()
    if not text:
        return {}
    headers = {}
    for name, value in _pairs(text):
        if not _TOKEN.fullmatch(name):
            raise ValidationError(f'"{name[:50]}" is not a valid header name.')
        if _NOT_IN_VALUE.search(value):
            raise ValidationError(
                f"The value of {name} contains a control or line-separator character."
            )
        if name.lower() in _SET_BY_THE_PROBE:
            raise ValidationError(f"{name} is set by the probe itself; leave it out.")
        headers[name] = value
    return headers


def validate_headers(text: str) -> None:
    parse_headers(text)


def monitor_errors(
    protocol: str,
    *,
    target: str | None = None,
    port: int | None = None,
    http_headers: str | None = None,
    protocol_label: str,
) -> dict[str, list[str]]:
    """Errors of a monitor's settings across fields, keyed by model field
    (``target``, ``port``, ``http_headers``); a field given as None is not
    checked (it is missing, or already refused on its own).
    ``protocol_label`` is the protocol as the caller's readers know it."""
    errors: dict[str, list[str]] = {}
    checks: list[tuple[str, Callable[[Any], None], Any]] = []
    if target is not None:
        checks.append(("target", validate_http_url if protocol == Protocol.HTTP else validate_host,
                       target))  # fmt: skip
    if http_headers is not None:
        checks.append(("http_headers", validate_headers, http_headers))
    if protocol == Protocol.TCP:
        if port is None:
            errors["port"] = [f"This field is required when Protocol is {protocol_label}."]
        else:
            checks.append(("port", validate_port, port))
    for field, check, value in checks:
        try:
            check(value)
        except ValidationError as exc:
            errors[field] = exc.messages
    return errors
