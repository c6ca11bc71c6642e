"""The connect-time half of the probe-network rule (monitors/networks.py):
every address a probe is about to connect to, after DNS, redirects included.

A name that passed when the monitor was saved may resolve to a blocked address
later (or at once: DNS rebinding), so only the address in hand can be judged.
"""

import asyncio
import errno
import socket
from typing import Any

from monitors.networks import refusal


class BlockedAddress(OSError):
    """An address the settings forbid; its strerror is the reason to show."""

    def __init__(self, reason: str) -> None:
        super().__init__(errno.EACCES, reason)


def check_address(address: str) -> None:
    """BlockedAddress when probes may not reach ``address``."""
    reason = refusal(address)
    if reason:
        raise BlockedAddress(reason)


async def resolve_allowed(host: str, port: int) -> list[tuple[Any, ...]]:
    """``host``'s stream addresses that probes may reach, in the resolver's
    order; BlockedAddress when there are none (socket.gaierror when DNS fails)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    reasons = [refusal(str(info[4][0])) for info in infos]
    allowed = [info for info, reason in zip(infos, reasons, strict=True) if reason is None]
    if not allowed:
        raise BlockedAddress(next(reason for reason in reasons if reason))
    return allowed
