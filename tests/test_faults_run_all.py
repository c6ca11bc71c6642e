"""``make run`` heals itself: each of its processes killed in turn with
SIGKILL (a gunicorn worker, the web server, the main worker, the probe
worker, beat), on the embedded default (SQLite, the file-system broker), is
back by itself; the page answers again, and once the killed process is
running again every monitor is checked within one interval plus a tick. Then one SIGINT to the group
(Ctrl-C) stops everything within 10 s and leaves no process behind."""

import os
import re
import signal
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from tests.product_processes import (  # noqa: F401
    CountingTarget,
    Product,
    collected_static_fixture,
    product_env,
    within,
)

pytestmark = [pytest.mark.slow, pytest.mark.background]

FREQUENCY = 10
TICK = 1  # PROBE_DISPATCH_INTERVAL
# What each process of the engine logs once it is running again.
READY = {
    "main": re.compile(r"main@\S+ ready\."),
    "probes": re.compile(r"probes@\S+ ready\."),
    "beat": re.compile(r"beat: Starting\.\.\."),
}
ROLES = {"gunicorn": "web", "-n main@": "main", "-n probes@": "probes", " beat ": "beat"}


def children(pid: int) -> dict[int, str]:
    """The processes whose parent is ``pid``, with their command lines."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(") ", 1)[1].split()
            if int(fields[1]) == pid:
                cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                found[int(stat.parent.name)] = cmdline
        except (OSError, IndexError):  # gone meanwhile
            pass
    return found


def roles(supervisor: int) -> dict[str, int]:
    """The pid of each process of ``make run`` ("web", "main", ...) and of one
    gunicorn worker ("web worker")."""
    found = {}
    for pid, cmdline in children(supervisor).items():
        for marker, role in ROLES.items():
            if marker in f"{cmdline} ":
                found[role] = pid
    if "web" in found and (workers := children(found["web"])):
        found["web worker"] = min(workers)
    return found


def back(supervisor: int, victim: str, killed: int):
    """Whether ``victim`` runs again, with a pid other than ``killed``."""
    return lambda: roles(supervisor).get(victim) not in (None, killed)


def unchecked(
    target: CountingTarget, monitors: list[int], killed_at: datetime, ready_at: datetime
) -> list[int]:
    """Monitors not checked (the target not asked) since ``killed_at`` within
    an interval and a tick of ``ready_at``."""
    until, checks = ready_at + timedelta(seconds=FREQUENCY + TICK), target.checks(monitors)
    return [pk for pk in monitors if not any(killed_at < at <= until for at in checks.get(pk, []))]


def page_answers(base: str) -> bool:
    try:
        return requests.get(base + "/", timeout=10).status_code == 200
    except requests.RequestException:
        return False


def test_each_process_of_make_run_killed_in_turn_comes_back_by_itself(tmp_path, collected_static):
    target = CountingTarget()
    # Checks caught up on after a restart on a loaded machine may start late:
    # /health must not count that against the engine here (tests/test_health.py does).
    env = product_env(
        tmp_path, DJANGO_SETTINGS_MODULE="statuspage.settings", HEALTH_LATENESS_P99="300"
    )
    product = Product(tmp_path, env)
    try:
        product.install(collected_static)
        base = product.start_run_all()
        supervisor = product.processes["run-all"].pid
        product.wait_for_dispatch("run-all", timeout=90)
        monitors = product.create_monitors(target.urls(4), FREQUENCY)
        checked = lambda: set(target.checks(monitors)) >= set(monitors)  # noqa: E731
        assert within(time.monotonic() + 60, checked)
        assert within(time.monotonic() + 30, lambda: len(roles(supervisor)) == 5), roles(supervisor)

        for victim in ["web worker", "web", "main", "probes", "beat"]:
            before, logged = roles(supervisor), len(product.log("run-all"))
            killed_at = datetime.now(UTC)
            os.kill(before[victim], signal.SIGKILL)
            assert within(time.monotonic() + 30, back(supervisor, victim, before[victim]))
            assert within(time.monotonic() + 60, lambda: page_answers(base)), "the page is down"
            if victim in READY:
                ready = lambda: READY[victim].search(product.log("run-all")[logged:])  # noqa: E731, B023
                booted = within(time.monotonic() + 90, ready)
                assert booted is not None, f"{victim} did not get ready again"
                ready_at = datetime.now(UTC)
                time.sleep(FREQUENCY + TICK + 1)
                assert unchecked(target, monitors, killed_at, ready_at) == [], f"{victim} back"
                print(f"{victim}: running again {(ready_at - killed_at).total_seconds():.1f} s "
                      "after the kill")  # fmt: skip
            now = roles(supervisor)
            others = [role for role in before if role not in (victim, "web worker")]
            assert {r: now.get(r) for r in others} == {r: before[r] for r in others}
        log = product.log("run-all")
        for role in ("web", "main", "probes", "beat"):
            assert re.search(rf"supervise: {role} \(pid \d+\) killed by SIGKILL.*restarting", log)
        health = requests.get(base + "/health", timeout=10)
        assert health.status_code == 200, health.text

        stopping = time.monotonic()
        os.killpg(supervisor, signal.SIGINT)
        product.processes["run-all"].wait(15)
        gone = lambda: not any(children(supervisor)) and not group_alive(supervisor)  # noqa: E731
        assert within(stopping + 10, gone, every=0.1) is not None, "still running 10 s after Ctrl-C"
        print(f"stopped in {time.monotonic() - stopping:.1f} s")
    finally:
        product.stop()
        target.close()
        product.print_logs(tail=4000)


def group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True
