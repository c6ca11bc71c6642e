"""A small process supervisor for ``make run``: starts every process of a
Procfile, restarts one that dies (after a backoff, logged) and stops them all
on SIGINT or SIGTERM.

Why our own rather than supervisord or honcho: honcho (like foreman) stops
everything when one process dies, which is what ``make run`` must not do;
supervisord puts each program in a process group of its own, so a KILL to
``make run``'s group (``.ci/run``, a terminal closed) would leave them running,
and its restart backoff gives up for good after ``startretries``. Here:

- the processes stay in the supervisor's process group: Ctrl-C reaches them
  all at once, and one KILL to the group leaves nothing behind;
- each dies with the supervisor (PR_SET_PDEATHSIG), should the supervisor
  alone be killed;
- a process that dies is started again after RESTART_FIRST seconds, twice as
  long each time it dies within STABLE_AFTER seconds of its start (up to
  RESTART_MAX): a crash loop does not spin, a rare crash costs one second;
- on SIGINT or SIGTERM every process gets SIGTERM, and whatever still runs
  STOP_GRACE seconds later gets SIGKILL, so the whole stop takes under 10 s.

Production runs the same processes under systemd (deploy/systemd/) or a
container runtime's restart policy; see the README.
"""

import ctypes
import shlex
import signal
import subprocess
import sys
import time
from contextlib import suppress
from dataclasses import dataclass

RESTART_FIRST = 1.0  # seconds before restarting a process that died
RESTART_MAX = 30.0
STABLE_AFTER = 30.0  # a process that ran this long gets a fresh backoff
# Seconds between SIGTERM and SIGKILL when stopping: a Celery worker takes 1-9 s
# to exit on a loaded machine (most of it tearing down its heap), by then done
# with its tasks; SIGKILL keeps the whole stop under 10 s.
STOP_GRACE = 6.0
PR_SET_PDEATHSIG = 1


def log(message: str) -> None:
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} supervise: {message}", flush=True)


def die_with_parent() -> None:  # runs in the child, before exec
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


@dataclass
class Process:
    name: str
    command: str
    popen: subprocess.Popen | None = None
    started_at: float = 0.0
    delay: float = RESTART_FIRST
    restart_at: float | None = 0.0  # monotonic time of the next start, None while running

    def start(self) -> None:
        # exec: the shell expands $VARIABLES and gives its pid to the command.
        self.popen = subprocess.Popen(
            ["/bin/sh", "-c", f"exec {self.command}"], preexec_fn=die_with_parent
        )
        self.started_at, self.restart_at = time.monotonic(), None
        log(f"{self.name} started (pid {self.popen.pid})")

    def reap(self) -> None:
        """Notices that the process died and schedules its restart."""
        assert self.popen is not None
        code = self.popen.returncode
        ran = time.monotonic() - self.started_at
        how = f"killed by {signal.Signals(-code).name}" if code < 0 else f"exited with {code}"
        self.delay = RESTART_FIRST if ran >= STABLE_AFTER else self.delay
        log(f"{self.name} (pid {self.popen.pid}) {how} after {ran:.0f} s; "
            f"restarting in {self.delay:g} s")  # fmt: skip
        self.restart_at = time.monotonic() + self.delay
        self.delay = min(self.delay * 2, RESTART_MAX)

    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None


def read_procfile(path: str) -> list[Process]:
    """``name: command`` lines (a Procfile, as honcho and foreman read it)."""
    processes = []
    with open(path) as lines:
        for line in lines:
            if line.strip() and not line.lstrip().startswith("#"):
                name, command = line.split(":", 1)
                processes.append(Process(name.strip(), command.strip()))
    return processes


class Supervisor:
    def __init__(self, processes: list[Process]) -> None:
        self.processes = processes
        self.stopping = False

    def request_stop(self, signum: int, frame: object) -> None:
        if not self.stopping:
            log(f"{signal.Signals(signum).name}: stopping everything")
        self.stopping = True

    def run(self) -> None:
        signal.signal(signal.SIGINT, self.request_stop)
        signal.signal(signal.SIGTERM, self.request_stop)
        signal.signal(signal.SIGHUP, self.request_stop)
        while not self.stopping:
            now = time.monotonic()
            for process in self.processes:
                if process.restart_at is None and not process.running():
                    process.reap()
                elif process.restart_at is not None and now >= process.restart_at:
                    process.start()
            time.sleep(0.2)
        self.stop()

    def stop(self) -> None:
        running = [p for p in self.processes if p.running()]
        for process in running:
            with suppress(ProcessLookupError):  # it exited meanwhile
                process.popen.send_signal(signal.SIGTERM)  # type: ignore[union-attr]
        began = time.monotonic()
        while running and time.monotonic() < began + STOP_GRACE:
            for process in [p for p in running if not p.running()]:
                log(f"{process.name} stopped in {time.monotonic() - began:.1f} s")
                running.remove(process)
            time.sleep(0.1)
        for process in running:
            if process.running():
                log(f"{process.name} still running after {STOP_GRACE:g} s: SIGKILL")
                with suppress(ProcessLookupError):  # it exited meanwhile
                    process.popen.kill()  # type: ignore[union-attr]
                process.popen.wait(5)  # type: ignore[union-attr]
        log("stopped")


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(f"usage: {shlex.quote(argv[0])} PROCFILE", file=sys.stderr)
        return 2
    Supervisor(read_procfile(argv[1])).run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
