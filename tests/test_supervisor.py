"""bin/supervise.py, the supervisor of ``make run``, on small real processes:
one that dies is started again (sooner or later), the others never stop; a
signal to the group stops everything within 10 s; nothing outlives it."""

import os
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.product_processes import within
from tests.services import ROOT

SLEEPER = f"{shlex.quote(sys.executable)} -c 'import time; time.sleep(1000)'"
# Ignores SIGTERM and SIGINT, as a worker stuck in a task would.
STUBBORN = (
    f"{shlex.quote(sys.executable)} -c 'import signal as s, time; "
    "s.signal(s.SIGTERM, s.SIG_IGN); s.signal(s.SIGINT, s.SIG_IGN); "
    'print("deaf now", flush=True); time.sleep(1000)\''
)


class Supervised:
    def __init__(self, folder: Path, procfile: str) -> None:
        (folder / "Procfile").write_text(procfile)
        self.log_path = folder / "supervise.log"
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "bin" / "supervise.py"), str(folder / "Procfile")],
            stdout=self.log_path.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    def log(self) -> str:
        return self.log_path.read_text()

    def pids(self, name: str) -> list[int]:
        """Every pid ``name`` was started with, oldest first."""
        return [int(pid) for pid in re.findall(rf"{name} started \(pid (\d+)\)", self.log())]

    def wait_for_start(self, name: str, count: int = 1, timeout: float = 20) -> int:
        started = within(time.monotonic() + timeout, lambda: len(self.pids(name)) >= count)
        assert started is not None, f"{name} not started {count} times:\n{self.log()}"
        return self.pids(name)[count - 1]

    def group_alive(self) -> bool:
        self.process.poll()  # reaps the supervisor once it has exited
        try:
            os.killpg(self.process.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def kill_all(self) -> None:
        if self.group_alive():
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)


@pytest.fixture
def supervise(tmp_path):
    started = []

    def start(procfile: str) -> Supervised:
        started.append(Supervised(tmp_path, procfile))
        return started[-1]

    yield start
    for supervised in started:
        supervised.kill_all()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return not Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z")


def test_a_killed_process_is_started_again_and_the_others_keep_running(supervise):
    supervised = supervise(f"one: {SLEEPER}\ntwo: {SLEEPER}\n")
    one, two = supervised.wait_for_start("one"), supervised.wait_for_start("two")
    os.kill(one, signal.SIGKILL)
    again = supervised.wait_for_start("one", count=2, timeout=10)
    assert again != one and alive(again)
    assert supervised.pids("two") == [two] and alive(two)
    assert f"one (pid {one}) killed by SIGKILL" in supervised.log()
    assert "restarting in 1 s" in supervised.log()


def test_a_process_that_keeps_crashing_is_restarted_ever_more_slowly(supervise):
    supervised = supervise(f"crash: {shlex.quote(sys.executable)} -c 'raise SystemExit(3)'\n")
    supervised.wait_for_start("crash", count=3, timeout=20)
    delays = re.findall(r"crash \(pid \d+\) exited with 3 after \d+ s; restarting in (\d+) s",
                        supervised.log())  # fmt: skip
    assert delays[:2] == ["1", "2"]
    assert supervised.process.poll() is None


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_one_signal_to_the_group_stops_everything_within_ten_seconds(supervise, signum):
    supervised = supervise(f"calm: {SLEEPER}\nstubborn: {STUBBORN}\n")
    pids = [supervised.wait_for_start("calm"), supervised.wait_for_start("stubborn")]
    assert within(time.monotonic() + 20, lambda: "deaf now" in supervised.log()) is not None
    os.killpg(supervised.process.pid, signum)
    took = within(time.monotonic() + 10, lambda: not supervised.group_alive(), every=0.1)
    assert took is not None, f"still running 10 s after {signum.name}:\n{supervised.log()}"
    assert not any(alive(pid) for pid in pids)
    assert supervised.process.returncode == 0
    assert "stubborn still running after" in supervised.log()  # so it was killed
    assert "restarting" not in supervised.log()


def test_processes_die_with_a_killed_supervisor(supervise):
    supervised = supervise(f"one: {SLEEPER}\n")
    one = supervised.wait_for_start("one")
    supervised.process.kill()
    supervised.process.wait(5)
    assert within(time.monotonic() + 5, lambda: not alive(one)) is not None


def test_a_worker_started_without_a_pool_option_uses_threads():
    """No prefork children to lose, whoever starts the worker (make run, systemd, by hand)."""
    from statuspage.celery import app

    assert app.conf.worker_pool == "threads"
