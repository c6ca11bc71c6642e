"""The ICMP probe: echo to 127.0.0.1 with whatever socket this machine
allows, and the plain answer when it allows none."""

import asyncio
import os
from pathlib import Path

import pytest

from core.enums import Protocol
from monitors.models import Monitor
from monitors.probes import icmp


def probe(target: str = "127.0.0.1", **kwargs):
    monitor = Monitor(protocol=Protocol.PING, target=target, timeout=2)
    return asyncio.run(icmp.check(monitor, **kwargs))


def unprivileged_ping_allowed() -> bool:
    low, high = map(int, Path("/proc/sys/net/ipv4/ping_group_range").read_text().split())
    return any(low <= gid <= high for gid in {os.getgid(), *os.getgroups()})


def permitted_modes() -> list[bool]:
    """The socket kinds this process may open (True: raw, root only)."""
    return [
        mode
        for mode in (True, False)
        if (os.geteuid() == 0 if mode else unprivileged_ping_allowed())
    ]


def test_localhost_answers_with_its_round_trip_time():
    if not permitted_modes():
        pytest.skip("this machine allows no ICMP socket at all; the test below covers that case")
    result = probe()
    assert result.ok is True
    assert result.reason.startswith("reply in ")
    assert result.response_ms is not None and result.response_ms < 1000


def test_when_the_kernel_forbids_the_socket_the_result_says_so_instead_of_down():
    forbidden = [mode for mode in (True, False) if mode not in permitted_modes()]
    if not forbidden:
        pytest.skip("this machine permits both raw and unprivileged ICMP sockets")
    result = probe(privileged=forbidden[0])
    assert result.ok is None  # neither up nor down: the worker cannot tell
    assert result.reason == icmp.NOT_PERMITTED
