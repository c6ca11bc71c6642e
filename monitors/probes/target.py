from urllib.parse import urlsplit


def host_of(target: str) -> str:
    """The host to reach for a TCP or ICMP monitor: the target is a host name
    or an IP, but a URL or ``host:port`` is forgiven."""
    target = target.strip()
    if "://" in target:
        return urlsplit(target).hostname or ""
    if target.startswith("["):  # [IPv6] or [IPv6]:port
        return target[1:].split("]", 1)[0]
    if target.count(":") == 1:  # host:port (a bare IPv6 address has several colons)
        return target.split(":", 1)[0]
    return target
