"""Runs batches of probes on one asyncio event loop per worker process.

The loop lives in a thread of its own and is shared by every batch the process
runs (Celery's threads pool runs several batches at once, each waiting on its
own future), so a process has one HTTP client and one bound on probes in
flight. A probe waits for its slot (dispatch queues work a little ahead of
time), then runs under a hard timeout, unless it would follow a late check of
the same target within half an interval (``spacing``).
"""

import asyncio
import atexit
import logging
import os
import threading
import time
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import uvloop

from core.enums import Protocol
from monitors.probes import http, icmp, tcp
from monitors.probes.result import ProbeResult
from monitors.probes.spacing import LateStarts

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Beyond the monitor's own timeout, before a probe is cut off whatever it does.
HARD_TIMEOUT_GRACE = 2.0


@dataclass(frozen=True, slots=True)
class Job:
    monitor: Any  # what its probe reads: a ProbeSpec (monitors/probes/spec.py) or a Monitor
    slot: datetime  # when the check is due
    location: str = ""
    step: timedelta | None = None  # the monitor's interval; None: no spacing rule


@dataclass(frozen=True, slots=True)
class Outcome:
    monitor_id: int
    slot: datetime
    started_at: datetime
    result: ProbeResult
    duration: float = 0.0  # seconds the probe took, timeouts included

    @property
    def lateness(self) -> float:
        """Seconds between the due time and the probe's start."""
        return (self.started_at - self.slot).total_seconds()


async def probe(monitor: Any, session: http.Client) -> ProbeResult:
    if monitor.protocol == Protocol.HTTP:
        return await http.check(monitor, session)
    if monitor.protocol == Protocol.TCP:
        return await tcp.check(monitor)
    if monitor.protocol == Protocol.PING:
        return await icmp.check(monitor)
    return ProbeResult.unknown(f"unknown protocol {monitor.protocol!r}")


class ProbeLoop:
    """An event loop in a daemon thread, with the HTTP client and the bound on
    probes in flight that every batch of the process shares."""

    def __init__(self, in_flight: int) -> None:
        # uvloop: a fifth less CPU per check than asyncio's own loop (bench/probes.py).
        self.loop = uvloop.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="probe-loop", daemon=True)
        self.thread.start()
        self.in_flight = in_flight
        self.late_starts = LateStarts()  # touched on the loop's thread only
        self._call(self._start())

    async def _start(self) -> None:
        self.session = http.new_session()
        self.limit = asyncio.Semaphore(self.in_flight)

    def _call(self, coroutine: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        try:
            return future.result(timeout)
        except TimeoutError:
            future.cancel()
            raise

    def close(self) -> None:
        if self.loop.is_running():
            self.loop.call_soon_threadsafe(self.loop.stop)

    async def _run(self, job: Job) -> Outcome | None:
        delay = (job.slot - datetime.now(UTC)).total_seconds()
        if delay > 0:
            await asyncio.sleep(delay)
        async with self.limit:
            started_at, started = datetime.now(UTC), time.perf_counter()
            if job.step is not None:
                key = (job.location, job.monitor.pk)
                if self.late_starts.redundant(*key, job.slot, job.step):
                    logger.info(
                        "monitor %s: the %s check ran late; the next slot is left out", *key[::-1]
                    )
                    return None
                self.late_starts.started(*key, job.slot, job.step, started_at)
            try:
                async with asyncio.timeout(job.monitor.timeout + HARD_TIMEOUT_GRACE):
                    result = await probe(job.monitor, self.session)
            except TimeoutError:
                result = ProbeResult.down(f"timed out after {job.monitor.timeout} s")
            except Exception:
                # A fault of ours says nothing about the target: no false alarm.
                logger.exception("probe of monitor %s failed", job.monitor.pk)
                result = ProbeResult.unknown("the probe failed; see the worker's log")
        return Outcome(job.monitor.pk, job.slot, started_at, result, time.perf_counter() - started)

    async def _run_all(self, jobs: Sequence[Job]) -> list[Outcome]:
        outcomes = await asyncio.gather(*(self._run(job) for job in jobs))
        return [outcome for outcome in outcomes if outcome is not None]

    def run(self, jobs: Sequence[Job]) -> list[Outcome]:
        """Probe every job (each at its slot) and return when all are done,
        with an outcome for each job that was not left out."""
        if not jobs:
            return []
        latest = max(job.slot for job in jobs)
        wait = (latest - datetime.now(UTC)).total_seconds()
        longest = max(job.monitor.timeout for job in jobs) + HARD_TIMEOUT_GRACE
        # Probes queue for the in-flight bound too; this is only a backstop.
        return self._call(self._run_all(jobs), timeout=max(wait, 0) + longest * 4 + 30)


_shared: ProbeLoop | None = None
_shared_pid: int | None = None
_shared_lock = threading.Lock()


def shared_loop(in_flight: int = 500) -> ProbeLoop:
    """This process's loop, started on first use (after a fork, afresh: a
    forked child has no copy of the parent's thread)."""
    global _shared, _shared_pid
    with _shared_lock:
        if _shared is None or _shared_pid != os.getpid():
            _shared, _shared_pid = ProbeLoop(in_flight), os.getpid()
            atexit.register(_shared.close)
        return _shared
