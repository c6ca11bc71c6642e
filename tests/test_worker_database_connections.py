"""A Celery worker keeps its PostgreSQL connection from task to task (a new
one per probe batch cost more database CPU than recording the batch), and
still replaces one that broke, as the web server does around a request."""

from collections.abc import Iterator
from uuid import uuid4

import psycopg
import pytest
from celery import shared_task, signals
from celery.app.trace import build_tracer
from celery.fixups.django import DjangoWorkerFixup
from django.db import connection

from statuspage.celery import app


@shared_task(name="tests.backend_pid")
def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


@pytest.fixture
def worker_task() -> Iterator:
    """Runs backend_pid as a worker runs a task: Celery's Django fixup
    installed, the task traced with its prerun and postrun signals."""
    if connection.vendor != "postgresql":
        pytest.skip("persistent connections are PostgreSQL's (CI runs on it)")
    fixup = DjangoWorkerFixup(app).install()
    trace = build_tracer(backend_pid.name, backend_pid, app=app, eager=False)
    yield lambda: trace(str(uuid4()), (), {}, request={})[0]
    signals.task_prerun.disconnect(fixup.on_task_prerun)
    signals.task_postrun.disconnect(fixup.on_task_postrun)
    signals.worker_process_init.disconnect(fixup.on_worker_process_init)
    signals.beat_embedded_init.disconnect(fixup.close_database)


@pytest.mark.django_db(transaction=True)
def test_a_worker_keeps_its_database_connection_from_task_to_task(worker_task):
    pids = {worker_task() for _ in range(5)}
    assert len(pids) == 1 and all(isinstance(pid, int) for pid in pids), pids


@pytest.mark.django_db(transaction=True)
def test_a_task_after_the_database_dropped_the_connection_reconnects(worker_task):
    first = worker_task()
    params = connection.get_connection_params()
    dsn = {k: v for k, v in params.items() if k in {"host", "port", "user", "dbname", "password"}}
    with psycopg.connect(**dsn, autocommit=True) as admin:  # as a restart does
        admin.execute("SELECT pg_terminate_backend(%s)", [first])
    second = worker_task()
    assert isinstance(second, int) and second != first
    assert worker_task() == second
