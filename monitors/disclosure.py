"""What of a monitor's request may be shown to whom. A target URL may carry
credentials (``https://user:pass@host/``, ``?token=...``) and request headers
and bodies often do (``Authorization: Bearer ...``): staff and read-write
keys see them as saved; everyone else (api.php, read-only v1 keys) sees them
with the secrets cut out. The public page shows no targets at all."""

from urllib.parse import urlsplit, urlunsplit

MASK = "[redacted]"


def public_target(target: str) -> str:
    """``target`` without userinfo, query string or fragment."""
    if "://" not in target:  # a host for TCP and ping; "user@host" is forgiven
        return target.rpartition("@")[2]
    parts = urlsplit(target)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def masked_headers(headers: str) -> str:
    """Request header lines with their names kept and their values masked."""
    lines = []
    for line in headers.splitlines():
        name, colon, _ = line.partition(":")
        if line.strip():
            lines.append(f"{name.strip()}: {MASK}" if colon else MASK)
    return "\n".join(lines)


def masked_body(body: str) -> str:
    return MASK if body else ""
