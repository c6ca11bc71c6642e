"""The runner: many probes in flight on one event loop per process, each
started at its slot, within a bound on probes in flight."""

import time
from datetime import UTC, datetime, timedelta

import pytest

from core.enums import Protocol
from monitors.models import Monitor
from monitors.probes.runner import Job, ProbeLoop
from tests.probe_servers import AnswerServer


@pytest.fixture(scope="module")
def server():
    server = AnswerServer()
    yield server
    server.close()


@pytest.fixture
def make_loop():
    loops = []

    def make(in_flight: int = 100) -> ProbeLoop:
        loops.append(ProbeLoop(in_flight))
        return loops[-1]

    yield make
    for loop in loops:
        loop.close()


def http_job(pk: int, url: str, slot: datetime) -> Job:
    return Job(Monitor(pk=pk, protocol=Protocol.HTTP, target=url, timeout=5), slot)


def test_each_probe_starts_at_its_slot_not_before(server, make_loop):
    now = datetime.now(UTC)
    jobs = [
        http_job(1, server.url("/ok"), now + timedelta(seconds=1)),
        http_job(2, server.url("/ok"), now),
    ]
    outcomes = {o.monitor_id: o for o in make_loop().run(jobs)}
    assert outcomes[1].started_at >= outcomes[1].slot
    assert 0 <= outcomes[1].lateness < 0.5
    assert 0 <= outcomes[2].lateness < 0.5
    assert all(o.result.ok for o in outcomes.values())


def test_many_slow_probes_are_in_flight_at_once(server, make_loop):
    now = datetime.now(UTC)
    jobs = [http_job(pk, server.url("/slow?s=1"), now) for pk in range(1, 51)]
    started = time.monotonic()
    outcomes = make_loop().run(jobs)
    assert time.monotonic() - started < 3  # not 50 s one after the other
    assert len(outcomes) == 50 and all(o.result.ok for o in outcomes)


def test_probes_beyond_the_in_flight_bound_wait_and_count_as_late(server, make_loop):
    now = datetime.now(UTC)
    jobs = [http_job(pk, server.url("/slow?s=1"), now) for pk in range(1, 5)]
    outcomes = sorted(make_loop(in_flight=2).run(jobs), key=lambda o: o.lateness)
    assert [round(o.lateness) for o in outcomes] == [0, 0, 1, 1]


def test_an_unknown_protocol_is_neither_up_nor_down(make_loop):
    job = Job(Monitor(pk=1, protocol="gopher", target="x", timeout=1), datetime.now(UTC))
    (outcome,) = make_loop().run([job])
    assert outcome.result.ok is None
    assert "unknown protocol" in outcome.result.reason
