"""`make run` (bin/run-all) on the embedded default, watched from outside:
/metrics adds up every process (two gunicorn workers, the Celery workers)
and its checks match the requests the target received, its page views the
requests made, a previous run's counts are gone (bin/run-all empties
PROMETHEUS_MULTIPROC_DIR); and when the probe worker stalls the page says
checks are delayed, and stops saying so once it runs again."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.product_processes import (  # noqa: F401
    CountingTarget,
    Product,
    Reader,
    collected_static_fixture,
    product_env,
    within,
)
from tests.services import ROOT

pytestmark = pytest.mark.slow

FREQUENCY = 5
TOKEN = "processes-token"
STALE = 1000  # checks "counted" by a run before this one


def scrape(url: str) -> dict[tuple[str, tuple], float]:
    response = requests.get(url + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"},
                            timeout=30)  # fmt: skip
    assert response.status_code == 200, response.text
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def checks_up(samples: dict) -> float:
    labels = (("location", "USE"), ("protocol", "http"), ("result", "up"))
    return samples.get(("statuspage_checks_total", labels), 0.0)


def session_processes(session: int, name: str) -> list[int]:
    """Processes of ``session`` (run-all's, whatever supervises them) whose
    command line holds ``name``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(fields[3]) == session and name in command:  # fields[3]: the session id
            found.append(int(stat.parent.name))
    return found


def banner(url: str) -> str:
    html = requests.get(url + "/", timeout=30).text
    return re.sub(r"<[^>]+>|\s+", " ", html.split('class="banner')[1].split("</section>")[0])


def test_make_run_counts_every_process_and_the_page_tells_when_checks_stall(
    tmp_path, collected_static
):
    env = product_env(tmp_path, DJANGO_SETTINGS_MODULE="statuspage.settings", METRICS_TOKEN=TOKEN)
    folder = tmp_path / "prometheus"
    folder.mkdir()
    subprocess.run(
        [sys.executable, "-c", "from core import metrics; metrics.checks.labels("
         f"protocol='http', location='USE', result='up').inc({STALE})"],
        cwd=ROOT, env=env | {"PROMETHEUS_MULTIPROC_DIR": str(folder)}, check=True, timeout=60,
    )  # fmt: skip
    assert list(folder.glob("counter_*.db"))
    product = Product(tmp_path, env)
    target = CountingTarget()
    try:
        product.install(collected_static)
        monitors = product.create_monitors(target.urls(3), FREQUENCY)
        url = product.start_run_all()
        db = Reader(f"sqlite:///{tmp_path / 'db.sqlite3'}")
        probed = lambda: sum(target.probed(monitors).values())  # noqa: E731
        # Every monitor checked and recorded (its status up, on the page and in /metrics).
        recorded = lambda: db.recorded_since() >= set(monitors)  # noqa: E731
        assert within(time.monotonic() + 90, recorded) is not None
        for _ in range(3):
            assert requests.get(url + "/", timeout=30).status_code == 200

        before = probed()
        samples = scrape(url)
        after = probed()
        # Counted once a batch's probes are done: at most what the target
        # received, at least that but the batches in hand.
        assert before - 2 * len(monitors) <= checks_up(samples) <= after, (before, after)
        assert checks_up(samples) < STALE, "the previous run's counts were not wiped"
        use = (("location", "USE"),)
        assert within(
            time.monotonic() + 30,
            lambda: (s := scrape(url))[("statuspage_check_duration_seconds_count", use)]
            == s[("statuspage_check_lateness_seconds_count", use)] == checks_up(s),
        ) is not None  # fmt: skip
        index = (("status", "200"), ("view", "index"))
        assert samples[("statuspage_http_requests_total", index)] == 3  # two gunicorn workers
        assert samples[("statuspage_monitors", (("status", "up"),))] == len(monitors)
        assert samples[("statuspage_broker_up", ())] == 1
        assert ("statuspage_queue_messages", (("queue", "probes.USE"),)) in samples
        assert len(list(folder.glob("*.db"))) >= 3  # web workers and Celery processes
        assert "Last checked" in banner(url)

        probes = session_processes(product.processes["run-all"].pid, "probes@")
        assert probes, "no probe worker found"
        for pid in probes:
            os.kill(pid, signal.SIGSTOP)
        try:
            stalled = within(time.monotonic() + 60, lambda: "checks are delayed" in banner(url))
            print(f"the page said checks are delayed {stalled} s after the probe worker stalled")
            assert stalled is not None and stalled < 2 * FREQUENCY + 20
        finally:
            for pid in probes:
                os.kill(pid, signal.SIGCONT)
        cleared = within(time.monotonic() + 60, lambda: "Last checked" in banner(url))
        print(f"... and cleared {cleared} s after it ran again")
        assert cleared is not None and cleared < FREQUENCY + 20
    finally:
        product.stop()
        target.close()
        product.print_logs()
