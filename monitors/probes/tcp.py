"""The TCP port probe: up when a connection opens within the timeout."""

import asyncio
import socket
import time
from typing import Any

from monitors.probes.guard import resolve_allowed
from monitors.probes.result import ProbeResult, elapsed_ms
from monitors.probes.target import host_of


def describe_os_error(exc: OSError) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, socket.gaierror):
        return "host not found"
    return (exc.strerror or type(exc).__name__).lower()


async def _connect(host: str, port: int) -> asyncio.BaseTransport:
    """Connect to the first of the host's allowed addresses that answers
    (resolved here, so the probe-network rule sees the address it connects to).
    The loop connects itself: a socket connected in Python costs twice the CPU."""
    loop = asyncio.get_running_loop()
    error: OSError | None = None
    for family, _, _, _, sockaddr in await resolve_allowed(host, port):
        try:
            transport, _ = await loop.create_connection(
                asyncio.Protocol, sockaddr[0], port, family=family
            )
        except OSError as exc:
            error = exc
            continue
        return transport
    assert error is not None  # resolve_allowed returns at least one address
    raise error


async def check(monitor: Any) -> ProbeResult:
    if not monitor.port:
        return ProbeResult.down("no port set")
    host = host_of(monitor.target)
    started = time.perf_counter()
    try:
        async with asyncio.timeout(monitor.timeout):
            transport = await _connect(host, monitor.port)
    except TimeoutError:
        return ProbeResult.down(f"timed out after {monitor.timeout} s")
    except OSError as exc:
        return ProbeResult.down(describe_os_error(exc))
    response_ms = elapsed_ms(started, time.perf_counter())
    transport.close()
    return ProbeResult.up(f"port {monitor.port} open", response_ms)
