"""The ICMP echo probe (icmplib).

As root it uses a raw socket; as an ordinary user an unprivileged ICMP socket,
which the kernel allows only to the groups in ``net.ipv4.ping_group_range``.
When neither is allowed the result says so (``ok`` None): the worker cannot
tell, which is not the same as the target being down.
"""

import os
from typing import Any

from icmplib import (
    ICMPLibError,
    NameLookupError,
    SocketPermissionError,
    async_ping,
    async_resolve,
)

from monitors.networks import is_ip, refusal
from monitors.probes.result import ProbeResult
from monitors.probes.target import host_of

NOT_PERMITTED = (
    "ICMP not permitted on this worker: run it as root or allow unprivileged ping "
    "(sysctl net.ipv4.ping_group_range)"
)


def _modes(privileged: bool | None) -> tuple[bool, ...]:
    """The socket kinds to try, best first (True: raw socket)."""
    if privileged is not None:
        return (privileged,)
    return (True, False) if os.geteuid() == 0 else (False,)


async def _allowed_address(host: str) -> str:
    """The first of the host's addresses that probes may reach (resolved here,
    so the probe-network rule sees the address pinged); ValueError when none."""
    addresses: list[str] = [host] if is_ip(host) else list(await async_resolve(host))
    reasons = [refusal(address) for address in addresses]
    for address, reason in zip(addresses, reasons, strict=True):
        if reason is None:
            return address
    raise ValueError(reasons[0])


async def check(monitor: Any, *, privileged: bool | None = None) -> ProbeResult:
    """``privileged`` None picks the socket by the worker's rights."""
    host = host_of(monitor.target)
    try:
        address = await _allowed_address(host)
    except NameLookupError:
        return ProbeResult.down("host not found")
    except ValueError as exc:
        return ProbeResult.down(str(exc))
    for mode in _modes(privileged):
        try:
            reply = await async_ping(address, count=1, timeout=monitor.timeout, privileged=mode)
        except SocketPermissionError:
            continue  # a root without CAP_NET_RAW may still be allowed the other kind
        except NameLookupError:
            return ProbeResult.down("host not found")
        except ICMPLibError as exc:
            return ProbeResult.down(str(exc)[:200] or "ICMP error")
        if reply.is_alive:
            return ProbeResult.up(f"reply in {reply.avg_rtt:.1f} ms", round(reply.avg_rtt))
        return ProbeResult.down(f"no reply within {monitor.timeout} s")
    return ProbeResult.unknown(NOT_PERMITTED)
