"""The engine's heartbeats: the dispatch and every worker say they are alive."""

from datetime import timedelta

import pytest
from django.utils import timezone

from monitors import heartbeats
from monitors.models import Heartbeat
from monitors.tasks import dispatch

pytestmark = pytest.mark.django_db


def test_each_dispatch_records_when_beat_last_dispatched():
    assert heartbeats.last_dispatch() is None
    before = timezone.now()
    dispatch()
    first = heartbeats.last_dispatch()
    assert first is not None and first >= before
    dispatch()
    assert heartbeats.last_dispatch() >= first
    assert Heartbeat.objects.filter(name=heartbeats.DISPATCH).count() == 1


def test_a_worker_reports_the_locations_it_probes_and_keeps_its_start_time():
    start = timezone.now() - timedelta(minutes=5)
    heartbeats.worker_started("probes@a", ["UK", "USE"], start)
    heartbeats.worker_alive("probes@a", ["UK", "USE"], start + timedelta(minutes=1))
    (worker,) = heartbeats.workers(start + timedelta(minutes=1))
    assert (worker.name, worker.locations) == ("probes@a", "UK,USE")
    assert worker.started_at == start
    assert worker.seen_at == start + timedelta(minutes=1)


def test_only_workers_heard_from_recently_serve_their_locations():
    now = timezone.now()
    heartbeats.worker_alive("probes@a", ["USE"], now - timedelta(seconds=5))
    heartbeats.worker_alive("probes@b", ["UK"], now - heartbeats.WORKER_SILENT_AFTER * 2)
    heartbeats.worker_alive("main@a", [], now)
    assert heartbeats.live_locations(now) == {"USE"}


def test_workers_gone_for_a_day_are_forgotten():
    now = timezone.now()
    heartbeats.worker_alive("old@a", ["USE"], now - timedelta(days=2))
    assert heartbeats.workers(now) == []
