"""/metrics: Prometheus's text format, read back with prometheus_client's own
parser; the figures match real checks done through the engine's probe and
recording path against a local HTTP server; it is off unless a token or an
address allowlist is set."""

import json
import os
import re
from datetime import UTC, datetime

import pytest
from kombu import Connection
from prometheus_client.parser import text_string_to_metric_families

from alerts.delivery import send_and_log
from alerts.messages import Message
from core.enums import Status
from monitors.models import Monitor
from monitors.tasks import probe_batch
from statuspage.metrics.state import queue_lengths
from tests.probe_servers import AnswerServer, closed_port
from tests.services import ROOT

pytestmark = pytest.mark.django_db

TOKEN = "scrape-me-not-guess-me"


@pytest.fixture
def scrape(client, settings):
    settings.METRICS_TOKEN = TOKEN

    def get() -> dict[tuple[str, tuple], float]:
        response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 200, response.content
        assert response["Content-Type"].startswith("text/plain; version=")
        samples = {}
        for family in text_string_to_metric_families(response.content.decode()):
            for sample in family.samples:
                samples[sample.name, tuple(sorted(sample.labels.items()))] = sample.value
        return samples

    return get


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def answers():
    server = AnswerServer()
    yield server
    server.close()


def test_metrics_are_off_until_a_token_or_networks_are_set(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_NETWORKS = "", []
    assert client.get("/metrics").status_code == 404


def test_a_token_is_needed_when_one_is_set(client, settings):
    settings.METRICS_TOKEN = TOKEN
    refused = client.get("/metrics")
    assert refused.status_code == 401 and refused["WWW-Authenticate"].startswith("Bearer")
    wrong = client.get("/metrics", headers={"Authorization": "Bearer guess"})
    assert wrong.status_code == 401
    assert "Authorization" in wrong.json()["detail"]
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_addresses_in_the_allowed_networks_need_no_token(client, settings):
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.1").status_code == 403
    settings.METRICS_ALLOWED_NETWORKS = ["127.0.0.1"]  # the test client's address
    assert client.get("/metrics").status_code == 200


def test_checks_durations_lateness_and_monitors_by_status_match_the_checks_done(
    scrape, make_monitor, answers
):
    up = [
        make_monitor(name=f"Up {i}", target=answers.url("/ok"), retries=0, timeout=5)
        for i in range(3)
    ]
    down = make_monitor(name="Down", target=answers.url("/status/500"), retries=0, timeout=5)
    tcp = make_monitor(
        name="Closed", protocol="tcp", target="127.0.0.1", port=closed_port(), retries=0,
        locations="UK", timeout=5,
    )  # fmt: skip
    before = scrape()

    slot = datetime.now(UTC).isoformat()
    assert probe_batch("USE", [[m.pk, slot] for m in [*up, down]]) == 4
    assert probe_batch("UK", [[tcp.pk, slot]]) == 1

    after = scrape()

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("statuspage_checks_total", protocol="http", location="USE", result="up") == 3
    assert grew("statuspage_checks_total", protocol="http", location="USE", result="down") == 1
    assert grew("statuspage_checks_total", protocol="tcp", location="UK", result="down") == 1
    assert grew("statuspage_check_duration_seconds_count", location="USE") == 4
    assert grew("statuspage_check_duration_seconds_count", location="UK") == 1
    assert 0 < grew("statuspage_check_duration_seconds_sum", location="USE") < 4 * 5
    assert grew("statuspage_check_duration_seconds_bucket", location="USE", le="+Inf") == 4
    assert grew("statuspage_check_lateness_seconds_count", location="USE") == 4
    assert grew("statuspage_check_lateness_seconds_bucket", location="USE", le="+Inf") == 4
    assert Monitor.objects.filter(status=Status.UP).count() == 3
    assert value(after, "statuspage_monitors", status="up") == 3
    assert value(after, "statuspage_monitors", status="down") == 2
    assert value(after, "statuspage_monitors", status="pending") == 0
    assert value(after, "statuspage_database_up") == 1
    assert value(after, "statuspage_broker_up") == 1
    assert ("statuspage_queue_messages", (("queue", "probes.USE"),)) in after


def test_http_requests_are_counted_by_view_and_status(scrape, client):
    before = scrape()
    assert client.get("/").status_code == 200
    assert client.get("/no-such-page").status_code == 404
    after = scrape()
    key = "statuspage_http_requests_total"
    assert (
        value(after, key, view="index", status="200")
        - value(before, key, view="index", status="200")
        == 1
    )
    assert (
        value(after, key, view="unmatched", status="404")
        - value(before, key, view="unmatched", status="404")
        == 1
    )
    assert value(after, key, view="metrics", status="200") >= 1


def test_alert_deliveries_are_counted_by_channel_and_result(scrape, make_channel, make_monitor):
    monitor = make_monitor(name="Web")
    refused = make_channel("webhook", f"http://127.0.0.1:{closed_port()}/hook")
    before = scrape()
    message = Message(monitor_id=monitor.pk, monitor_name="Web", event="down", reason="HTTP 500",
                      at=datetime.now(UTC), down_for_seconds=None)  # fmt: skip
    assert send_and_log(refused, message) is not None
    after = scrape()
    key = "statuspage_alert_deliveries_total"
    failed = {"channel": "webhook", "result": "failed"}
    assert value(after, key, **failed) - value(before, key, **failed) == 1


def test_messages_waiting_are_counted_per_queue(tmp_path):
    folders = {name: tmp_path / name for name in ("queue", "processed", "control")}
    for folder in folders.values():
        folder.mkdir()
    options = {
        "data_folder_in": str(folders["queue"]), "data_folder_out": str(folders["queue"]),
        "processed_folder": str(folders["processed"]), "control_folder": str(folders["control"]),
    }  # fmt: skip
    with Connection("filesystem://", transport_options=options) as connection:
        waiting = connection.SimpleQueue("probes.UK")
        waiting.put({"n": 1})
        waiting.put({"n": 2})
        lengths = queue_lengths(connection)
    assert lengths["probes.UK"] == 2
    assert lengths["probes.USE"] == 0 and lengths["alerts"] == 0


def test_every_process_writes_its_counts_where_the_scrape_reads_them():
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    assert os.path.isdir(folder) and any(name.endswith(".db") for name in os.listdir(folder))


def test_the_sample_grafana_dashboard_reads_only_metrics_the_product_exposes(
    scrape, client, make_monitor, make_channel, answers
):
    """After one of each kind of activity (a check, an alert and a subscriber
    notice sent, a page served), every metric a panel reads is in the scrape:
    a counter with no sample yet is not, so this test makes each one count."""
    from alerts.models import Notice, Subscriber
    from alerts.subscribers.batch import send_batch
    from alerts.subscribers.fanout import fan_out
    from alerts.subscribers.subscribing import default_page
    from core.enums import Severity
    from incidents.models import Incident

    web = make_monitor(name="Web", target=answers.url("/ok"), retries=0, timeout=5)
    assert probe_batch("USE", [[web.pk, datetime.now(UTC).isoformat()]]) == 1
    refused = make_channel("webhook", f"http://127.0.0.1:{closed_port()}/hook")
    message = Message(monitor_id=web.pk, monitor_name="Web", event="down", reason="HTTP 500",
                      at=datetime.now(UTC), down_for_seconds=None)  # fmt: skip
    send_and_log(refused, message)
    Subscriber.objects.create(kind="webhook", address=f"http://127.0.0.1:{closed_port()}/h",
                              secret="k", confirmed_at=datetime.now(UTC),
                              page=default_page())  # fmt: skip
    incident = Incident.objects.create(name="Down", severity=Severity.OUTAGE, message="m")
    for batch in fan_out(Notice.objects.get(incident=incident).pk):
        send_batch(batch)
    client.get("/")
    exposed = {name for name, _labels in scrape()}
    dashboard = json.loads((ROOT / "deploy" / "grafana" / "statuspage.json").read_text())
    used = {
        name
        for panel in dashboard["panels"]
        for target in panel["targets"]
        for name in re.findall(r"statuspage_[a-z_]+", target["expr"])
    }
    assert used <= exposed, used - exposed
    assert len(used) >= 10
