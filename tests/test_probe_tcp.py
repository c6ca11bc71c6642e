"""The TCP port probe against real local ports."""

import asyncio
import socket
import time

import pytest

from core.enums import Protocol
from monitors.models import Monitor
from monitors.probes import tcp
from monitors.probes.target import host_of
from tests.probe_servers import FullBacklog, closed_port


def probe(target: str, port: int | None, timeout: int = 3):
    monitor = Monitor(protocol=Protocol.TCP, target=target, port=port, timeout=timeout)
    return asyncio.run(tcp.check(monitor))


@pytest.fixture
def listening_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield sock.getsockname()[1]


def test_a_listening_port_is_up_with_the_connect_time(listening_port):
    result = probe("127.0.0.1", listening_port)
    assert (result.ok, result.reason) == (True, f"port {listening_port} open")
    assert 0 <= result.response_ms < 1000


def test_a_closed_port_is_down_as_refused():
    result = probe("127.0.0.1", closed_port())
    assert (result.ok, result.reason) == (False, "connection refused")


def test_a_port_that_never_answers_is_down_after_the_timeout():
    silent = FullBacklog()
    started = time.monotonic()
    try:
        result = probe("127.0.0.1", silent.port, timeout=1)
    finally:
        silent.close()
    assert (result.ok, result.reason) == (False, "timed out after 1 s")
    assert time.monotonic() - started < 2.5


def test_a_monitor_without_a_port_is_down_and_says_why():
    assert probe("127.0.0.1", None).reason == "no port set"


def test_a_host_name_from_the_hosts_file_resolves(listening_port):
    assert probe("localhost", listening_port).ok is True


def test_address_errors_read_as_words():
    assert tcp.describe_os_error(socket.gaierror(socket.EAI_NONAME, "x")) == "host not found"
    assert tcp.describe_os_error(ConnectionRefusedError(111, "x")) == "connection refused"
    assert tcp.describe_os_error(OSError(113, "No route to host")) == "no route to host"


@pytest.mark.parametrize(
    "target, host",
    [
        ("db.example.com", "db.example.com"),
        ("10.0.0.5", "10.0.0.5"),
        ("db.example.com:5432", "db.example.com"),
        ("tcp://db.example.com:5432", "db.example.com"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_host_is_read_from_a_name_an_address_or_a_url(target, host):
    assert host_of(target) == host
