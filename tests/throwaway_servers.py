"""Redis and PostgreSQL servers of a test's own, on free ports, for fault tests
that stop, kill and restart them (never the machine's shared services)."""

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest


def _newest_pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    return found[-1] if found else Path("/usr/lib/postgresql/15/bin")


PG_BIN = Path(os.environ.get("PG_BIN") or _newest_pg_bin())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30, up: bool = True) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                if up:
                    return
        except OSError:
            if not up:
                return
        time.sleep(0.1)
    raise TimeoutError(f"port {port} did not go {'up' if up else 'down'} in {timeout} s")


def _need(binary: str) -> str:
    path = shutil.which(binary) or (str(PG_BIN / binary) if (PG_BIN / binary).exists() else None)
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail(f"{binary} is not installed, and CI must run every test")
    pytest.skip(f"{binary} is not installed")


class ThrowawayRedis:
    def __init__(self, workdir: Path) -> None:
        self.binary = _need("redis-server")
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        wait_for_port(self.port, up=False)


class ThrowawayPostgres:
    """A cluster in a temporary folder, run as the postgres user when we are
    root (PostgreSQL refuses to run as root)."""

    def __init__(self, workdir: Path) -> None:
        self.initdb, self.pg_ctl = _need("initdb"), _need("pg_ctl")
        self.port = free_port()
        self.datadir = workdir / "pgdata"
        self.workdir = workdir
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        result = subprocess.run([*self.as_user, *args], capture_output=True, text=True, timeout=120)
        if result.returncode:
            raise RuntimeError(f"{args[0]} failed: {result.stdout}{result.stderr}")

    def init(self) -> None:
        if self.as_user:
            shutil.chown(self.workdir, "postgres", "postgres")
        self._run(
            self.initdb, "-D", str(self.datadir), "-U", "postgres", "--auth=trust", "-E", "UTF8"
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.workdir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(self.pg_ctl, "-D", str(self.datadir), "-o", options, "-l",
                  str(self.workdir / "log"), "-w", "start")  # fmt: skip
        wait_for_port(self.port)

    def stop(self, mode: str = "fast") -> None:
        self._run(self.pg_ctl, "-D", str(self.datadir), "-m", mode, "-w", "stop")

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture
def throwaway_redis(tmp_path_factory):
    server = ThrowawayRedis(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def throwaway_postgres():
    # Outside pytest's private (0700, root's) temp tree: the postgres user
    # must be able to reach its data folder.
    workdir = Path(tempfile.mkdtemp(prefix="statuspage-pg-"))
    server = ThrowawayPostgres(workdir)
    try:
        server.init()
        server.start()
        yield server
    finally:
        with contextlib.suppress(RuntimeError):
            server.stop("immediate")
        shutil.rmtree(workdir, ignore_errors=True)
