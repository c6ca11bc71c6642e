"""Probe targets: link-local (cloud metadata) and "this host" are refused by
default, operators add their own blocked networks, and the rule holds both when
a monitor is saved and when a probe connects (DNS names, redirects)."""

import asyncio
import socket

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.enums import Protocol
from monitors.models import Monitor
from monitors.networks import parse_networks
from monitors.probes import http, icmp, tcp
from tests.probe_servers import AnswerServer
from tests.test_monitor_validation import ADMIN_MONITOR
from tests.test_v1_monitors import PING_MONITOR, PORT_MONITOR, SAMPLE

NO_LOOPBACK = ["169.254.0.0/16", "fe80::/10", "0.0.0.0/8", "::/128", "127.0.0.0/8", "::1/128"]


@pytest.fixture
def no_loopback(settings):
    settings.PROBE_BLOCKED_NETWORKS = NO_LOOPBACK


@pytest.fixture(scope="module")
def server():
    server = AnswerServer()
    yield server
    server.close()


@pytest.fixture
def listening_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield sock.getsockname()[1]


def run_http(target: str, **fields):
    monitor = Monitor(protocol=Protocol.HTTP, target=target, timeout=5, **fields)

    async def run():
        return await http.check(monitor, http.new_session())

    return asyncio.run(run())


# ------------------------------------------------------------- when saved


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        {**SAMPLE, "TestURL": "http://169.254.169.254/latest/meta-data/"},
        {**SAMPLE, "TestURL": "http://[fe80::1]/"},
        {**SAMPLE, "TestURL": "http://0.0.0.0:8000/"},
        {**SAMPLE, "TestURL": "http://[::]/"},
        {**SAMPLE, "TestURL": "http://[::ffff:169.254.169.254]/"},
        {**PORT_MONITOR, "TestURL": "169.254.169.254"},
        {**PING_MONITOR, "TestURL": "fe80::1"},
    ],
    ids=["metadata", "link-local v6", "zero", "unspecified v6", "v4-mapped", "tcp", "ping"],
)
def test_v1_refuses_link_local_and_this_host_targets_by_default_naming_testurl(v1, body):
    response = v1.post("monitors", body)
    assert response.status_code == 400
    assert list(response.json()) == ["TestURL"]
    assert "Probes may not reach" in response.json()["TestURL"][0]
    assert not Monitor.objects.exists()


@pytest.mark.django_db
def test_loopback_and_private_targets_are_allowed_by_default(v1):
    for target in ["http://127.0.0.1:8080/", "http://localhost/", "http://10.0.0.7/"]:
        assert v1.post("monitors", {**SAMPLE, "TestURL": target}).status_code == 201


@pytest.mark.django_db
def test_an_operator_can_block_loopback_names_included(v1, admin_client, no_loopback):
    for target in ["http://127.0.0.1:8080/", "http://localhost/", "http://[::1]/"]:
        response = v1.post("monitors", {**SAMPLE, "TestURL": target})
        assert (response.status_code, list(response.json())) == (400, ["TestURL"])
    response = admin_client.post(
        "/admin/monitors/monitor/add/",
        {**ADMIN_MONITOR, "protocol": "tcp", "target": "127.0.0.1", "port": "22"},
    )
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["target"]
    assert errors["target"] == ["Probes may not reach 127.0.0.1 (blocked network 127.0.0.0/8)."]
    assert not Monitor.objects.exists()


@pytest.mark.django_db
def test_an_allow_list_refuses_everything_outside_it(v1, settings):
    settings.PROBE_ALLOWED_NETWORKS = ["192.0.2.0/24"]
    assert v1.post("monitors", {**PING_MONITOR, "TestURL": "192.0.2.1"}).status_code == 201
    response = v1.post("monitors", {**PING_MONITOR, "TestURL": "198.51.100.1"})
    assert response.json() == {
        "TestURL": ["Probes may not reach 198.51.100.1 (outside the allowed networks)."]
    }


# ------------------------------------------------------------- when probing


def test_an_http_probe_never_connects_to_a_blocked_address(server, no_loopback):
    hits = server.hits
    result = run_http(server.url("/ok"))
    assert (result.ok, result.reason) == (
        False,
        "probes may not reach 127.0.0.1 (blocked network 127.0.0.0/8)",
    )
    assert server.hits == hits


def test_an_http_probe_checks_the_address_a_name_resolves_to(server, no_loopback):
    hits = server.hits
    result = run_http(server.url("/ok", host="localhost"))
    assert result.ok is False and "probes may not reach" in result.reason
    assert server.hits == hits


def test_a_redirect_to_a_blocked_address_is_not_followed(server, settings):
    settings.PROBE_BLOCKED_NETWORKS = ["127.0.0.2/32"]
    assert run_http(server.url("/ok")).ok is True
    result = run_http(server.url(f"/redirect-to?url=http://127.0.0.2:{server.port}/ok"))
    assert (result.ok, result.reason) == (
        False,
        "probes may not reach 127.0.0.2 (blocked network 127.0.0.2/32)",
    )


def test_a_tcp_probe_never_connects_to_a_blocked_address(listening_port, no_loopback):
    for target in ["127.0.0.1", "localhost"]:
        monitor = Monitor(protocol=Protocol.TCP, target=target, port=listening_port, timeout=3)
        result = asyncio.run(tcp.check(monitor))
        assert result.ok is False
        assert result.reason.startswith("probes may not reach 127.0.0.1")


def test_a_tcp_probe_of_the_metadata_address_is_refused_by_default():
    monitor = Monitor(protocol=Protocol.TCP, target="169.254.169.254", port=80, timeout=3)
    result = asyncio.run(tcp.check(monitor))
    assert (result.ok, result.reason) == (
        False,
        "probes may not reach 169.254.169.254 (blocked network 169.254.0.0/16)",
    )


def test_a_ping_to_a_blocked_address_is_not_sent(no_loopback):
    for target in ["127.0.0.1", "localhost"]:
        monitor = Monitor(protocol=Protocol.PING, target=target, timeout=2)
        result = asyncio.run(icmp.check(monitor))
        assert result.ok is False
        assert result.reason.startswith("probes may not reach ")


def test_the_probe_never_sends_a_header_that_could_not_be_saved(server):
    hits = server.hits
    # Written straight to the row, as an old version of the product could have.
    result = run_http(server.url("/echo"), http_headers="X-A: 1\u2028Host: elsewhere")
    assert (result.ok, result.reason) == (False, "invalid request headers")
    assert server.hits == hits


@pytest.mark.django_db
def test_an_empty_blocked_list_blocks_nothing_and_a_typo_stops_the_start(v1, settings):
    settings.PROBE_BLOCKED_NETWORKS = []
    assert v1.post("monitors", {**PING_MONITOR, "TestURL": "169.254.169.254"}).status_code == 201
    with pytest.raises(ImproperlyConfigured, match="PROBE_BLOCKED_NETWORKS: '10.0.0.0/33'"):
        parse_networks(["10.0.0.0/8", "", "10.0.0.0/33"], "PROBE_BLOCKED_NETWORKS")
