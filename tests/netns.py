"""Network namespaces for the scale-out test (tests/test_scale_out_namespaces.py):
each its own loopback and a veth pair to the host namespace, a Redis and a
PostgreSQL of the test's own bound to the host ends too, and a target HTTP
server started inside a namespace whose answer a file in the test's folder
decides, logging each request (when it arrived, the answer, the path) to
another. Run as ``python -m tests.netns target PORT FAIL_FILE HITS_FILE
READY_FILE`` (in a namespace, through ``ip netns exec``) for the target."""

import ipaddress
import os
import shutil
import subprocess
import sys
import time
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.throwaway_servers import ThrowawayPostgres, ThrowawayRedis, wait_for_port

# Where the veth pairs' /30s are taken from: the first /16 that no address of
# the host's lies in or covers, each pair a /24 of its own (10.231.N.0/30).
BASES = ["10.231.0.0/16", "10.237.0.0/16", "10.243.0.0/16", "172.29.0.0/16"]


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(["ip", *args], capture_output=True, text=True, timeout=30)
    if check and done.returncode:
        raise RuntimeError(f"ip {' '.join(args)} failed: {done.stdout}{done.stderr}")
    return done


def need_netns() -> None:
    """Skip unless ``ip netns`` works here (root, iproute2); in CI, fail instead."""
    reason = None
    if not shutil.which("ip"):
        reason = "ip (iproute2) is not installed"
    elif os.geteuid() != 0:
        reason = "network namespaces need root"
    else:
        probe = f"spprobe{os.getpid()}"
        done = _ip("netns", "add", probe, check=False)
        if done.returncode:
            reason = f"ip netns add failed: {done.stderr.strip()}"
        else:
            _ip("netns", "del", probe, check=False)
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason}, and CI must run every test")
    pytest.skip(reason)


def host_networks() -> list[ipaddress.IPv4Network]:
    """The networks of every IPv4 address of the host namespace (``ip -4 addr``)."""
    found = []
    for line in _ip("-4", "-o", "addr").stdout.splitlines():
        words = line.split()
        if "inet" in words:
            found.append(ipaddress.ip_interface(words[words.index("inet") + 1]).network)
    return found


def free_subnets(count: int) -> list[ipaddress.IPv4Network]:
    """``count`` /30s, each the start of a /24 no host address is in, in the
    first of BASES that no host network covers; where in the /16 to start
    comes from the pid, so two runs at once do not pick the same."""
    used = host_networks()
    for base in map(ipaddress.ip_network, BASES):
        if any(net.prefixlen < 16 and net.overlaps(base) for net in used):
            continue
        blocks = list(base.subnets(new_prefix=24))[1:-1]
        start = os.getpid() * count % len(blocks)
        free = [b for b in blocks[start:] + blocks[:start] if not any(b.overlaps(n) for n in used)]
        if len(free) >= count:
            return [next(block.subnets(new_prefix=30)) for block in free[:count]]
    raise RuntimeError(f"no free /24s for veth pairs in {BASES}; host has {used}")


@dataclass
class Namespace:
    """A network namespace with ``lo`` up and a veth pair to the host
    namespace: the host end ``host_ip``, the namespace's end ``ns_ip``."""

    name: str
    subnet: ipaddress.IPv4Network  # a /30

    @property
    def host_ip(self) -> str:
        return str(self.subnet[1])

    @property
    def ns_ip(self) -> str:
        return str(self.subnet[2])

    @property
    def host_link(self) -> str:
        return f"{self.name}h"

    def create(self) -> None:
        inside, prefix = f"{self.name}n", self.subnet.prefixlen
        _ip("netns", "add", self.name)
        _ip("link", "add", self.host_link, "type", "veth", "peer", "name", inside)
        _ip("link", "set", inside, "netns", self.name)
        _ip("addr", "add", f"{self.host_ip}/{prefix}", "dev", self.host_link)
        _ip("link", "set", self.host_link, "up")
        self.ip("addr", "add", f"{self.ns_ip}/{prefix}", "dev", inside)
        self.ip("link", "set", inside, "up")
        self.ip("link", "set", "lo", "up")

    def ip(self, *args: str) -> subprocess.CompletedProcess:
        return _ip("-n", self.name, *args)

    def delete(self) -> None:
        """The host end first (its peer goes with it at once; a namespace's
        own links are destroyed asynchronously after ``netns del``)."""
        with suppress(RuntimeError, subprocess.SubprocessError):
            _ip("link", "del", self.host_link, check=False)
            _ip("netns", "del", self.name, check=False)

    def command(self, args: list[str]) -> list[str]:
        """``args`` run inside the namespace (``ip netns exec`` execs them:
        the process's pid is the command's)."""
        return ["ip", "netns", "exec", self.name, *args]


class BoundRedis(ThrowawayRedis):
    """A throwaway Redis listening on 127.0.0.1 and on ``addresses`` too."""

    def __init__(self, workdir: Path, addresses: list[str]) -> None:
        super().__init__(workdir)
        self.addresses = addresses

    def url_at(self, host: str, database: int) -> str:
        return f"redis://{host}:{self.port}/{database}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", *self.addresses,
             "--protected-mode", "no", "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(self.port)


class BoundPostgres(ThrowawayPostgres):
    """A throwaway PostgreSQL listening on 127.0.0.1 and on ``addresses``,
    trusting clients from ``clients`` (a network) as it trusts loopback."""

    def __init__(self, workdir: Path, addresses: list[str], clients: list[str]) -> None:
        super().__init__(workdir)
        self.addresses, self.clients = addresses, clients

    def url_at(self, host: str) -> str:
        return f"postgres://postgres@{host}:{self.port}/postgres"

    def init(self) -> None:
        super().init()
        with (self.datadir / "pg_hba.conf").open("a") as hba:
            hba.writelines(f"host all all {client} trust\n" for client in self.clients)

    def start(self) -> None:
        listen = ",".join(["127.0.0.1", *self.addresses])
        options = f"-p {self.port} -k {self.workdir} -c listen_addresses={listen} -c fsync=off"
        self._run(self.pg_ctl, "-D", str(self.datadir), "-o", options, "-l",
                  str(self.workdir / "log"), "-w", "start")  # fmt: skip
        wait_for_port(self.port)


def serve_target(port: int, fail_file: Path, hits_file: Path, ready_file: Path) -> None:
    """On 127.0.0.1:``port`` (the namespace's own loopback): every path answers
    500 while ``fail_file`` exists, else 200; each request adds a line
    "ARRIVED CODE PATH" to ``hits_file`` (ARRIVED in epoch seconds, read by
    ``read_hits``). ``ready_file`` is made once it listens."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            arrived = time.time()
            code = 500 if fail_file.exists() else 200
            with hits_file.open("a") as hits:
                hits.write(f"{arrived:.6f} {code} {self.path}\n")
            try:
                self.send_response(code)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok" if code == 200 else b"no")
            except ConnectionError:
                pass

        def log_message(self, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 128  # probes connecting at once: none waits for a SYN sent again

    server = Server(("127.0.0.1", port), Handler)
    ready_file.touch()
    server.serve_forever()


def read_hits(hits_file: Path) -> list[tuple[datetime, int, str]]:
    """The requests ``serve_target`` logged to ``hits_file``: when each arrived
    (an aware UTC datetime), its answer and its path, oldest first; a line
    still being written is left out."""
    if not hits_file.exists():
        return []
    found = []
    for line in hits_file.read_text().split("\n")[:-1]:  # the last: "" or a line unfinished
        arrived, code, path = line.split(" ", 2)
        found.append((datetime.fromtimestamp(float(arrived), UTC), int(code), path))
    return sorted(found)


if __name__ == "__main__":
    if sys.argv[1:2] != ["target"] or len(sys.argv) != 6:
        sys.exit("usage: python -m tests.netns target PORT FAIL_FILE HITS_FILE READY_FILE")
    serve_target(int(sys.argv[2]), *(Path(arg) for arg in sys.argv[3:6]))
