"""The TCP port probe: up when a connection opens within the timeout."""

import asyncio
import contextlib
import socket
import time
from typing import Any

from monitors.probes.result import ProbeResult, elapsed_ms
from monitors.probes.target import host_of


def describe_os_error(exc: OSError) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, socket.gaierror):
        return "host not found"
    return (exc.strerror or type(exc).__name__).lower()


async def check(monitor: Any) -> ProbeResult:
    if not monitor.port:
        return ProbeResult.down("no port set")
    host = host_of(monitor.target)
    started = time.perf_counter()
    try:
        async with asyncio.timeout(monitor.timeout):
            _, writer = await asyncio.open_connection(host, monitor.port)
    except TimeoutError:
        return ProbeResult.down(f"timed out after {monitor.timeout} s")
    except OSError as exc:
        return ProbeResult.down(describe_os_error(exc))
    response_ms = elapsed_ms(started, time.perf_counter())
    writer.close()
    with contextlib.suppress(OSError, TimeoutError):
        async with asyncio.timeout(1):
            await writer.wait_closed()
    return ProbeResult.up(f"port {monitor.port} open", response_ms)
