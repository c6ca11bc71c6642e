"""How a Celery worker holds on to the broker (``CELERY_WORKER_CONSUMER``).

Redis stopped for a minute must not cost a worker its life, nor keep it away
for long once Redis is back (tests/test_faults_redis.py):

- Celery's consumer waits 2, 4, 6 ... up to 30 s between reconnection
  attempts, so after a minute's outage it came back up to 30 s late; here it
  tries every RECONNECT_EVERY seconds (a refused connection costs nothing).
- Celery 5.7, on losing the connection, collects it (which detaches kombu's
  transport, and with Redis gone leaves the channel half closed) and then
  closes it again. That second close drops the channel's Redis pool, and the
  next use of the channel (restoring the messages in hand at once, or the
  late acknowledgement of a batch that was running) rebuilds the pool from
  the detached transport and raises AttributeError: the worker stopped with
  an "Unrecoverable error". Here the collected connection is not closed again
  (as before Celery 5.7): its sockets are released already, acknowledgements
  on the old channel fail with a logged connection error while Redis is down
  (the messages come back after the visibility timeout, and recording drops
  what was recorded) and go through once it is back.

And how it holds on to the database: Celery's Django fixup would close the
connection around every task (settings.CELERY_DB_REUSE_MAX says why not);
here, around every task, a connection older than CONN_MAX_AGE or left broken
is closed, and the first query of a task checks the one kept
(CONN_HEALTH_CHECKS), so a task after PostgreSQL restarted reconnects
(tests/test_faults_postgres.py).
"""

import logging
from functools import partial
from typing import Any

from celery import Task, bootsteps, signals
from celery.worker.consumer import Consumer as CeleryConsumer
from kombu import Connection

RECONNECT_EVERY = 1.0
logger = logging.getLogger(__name__)


class Consumer(CeleryConsumer):
    def ensure_connected(self, conn: Connection) -> Connection:
        # Patched on this connection only. kombu takes the intervals in seconds
        # as floats; its stubs say int.
        conn.ensure_connection = partial(  # type: ignore[method-assign]
            conn.ensure_connection, interval_start=RECONNECT_EVERY, interval_step=0,  # type: ignore[arg-type]
            interval_max=RECONNECT_EVERY,  # type: ignore[arg-type]
        )  # fmt: skip
        return super().ensure_connected(conn)

    def on_connection_error_after_connected(self, exc: Exception) -> None:
        if self.connection is not None:
            # Collected by Celery first; see above. Patched on this connection only.
            self.connection.close = lambda: None  # type: ignore[method-assign]
        super().on_connection_error_after_connected(exc)


@signals.task_prerun.connect
@signals.task_postrun.connect
def recycle_database_connections(sender: "Task[Any, Any] | None" = None, **kwargs: Any) -> None:
    """What Django does before and after a request, before and after a task."""
    # An eager task runs inside its caller's transaction (a test's, say).
    if sender is not None and not getattr(sender.request, "is_eager", False):
        from django.db import close_old_connections

        close_old_connections()


class Heartbeat(bootsteps.StartStopStep):
    """Records the worker in the engine's heartbeats (monitors/heartbeats.py)
    every WORKER_EVERY seconds from the worker's own timer, whatever its pool:
    a worker whose main process is stuck or dead stops reporting, and the
    health check, the admin and the page notice."""

    requires = ("celery.worker.components:Timer",)

    def start(self, worker) -> None:  # type: ignore[no-untyped-def]
        from monitors import heartbeats

        self._report(worker, started=True)
        self._timer = worker.timer.call_repeatedly(
            heartbeats.WORKER_EVERY, self._report, (worker,), priority=10
        )

    def stop(self, worker) -> None:  # type: ignore[no-untyped-def]
        timer = getattr(self, "_timer", None)
        if timer is not None:
            timer.cancel()

    @staticmethod
    def _report(worker, started: bool = False) -> None:  # type: ignore[no-untyped-def]
        from django.db import close_old_connections

        from core.locations import PROBE_QUEUES
        from monitors import heartbeats

        queues = {queue.name for queue in worker.app.amqp.queues.consume_from.values()}
        locations = [name.split(".", 1)[1] for name in PROBE_QUEUES if name in queues]
        try:
            close_old_connections()
            record = heartbeats.worker_started if started else heartbeats.worker_alive
            record(worker.hostname, locations)
        except Exception:  # a database outage must not stop the worker
            logger.warning("could not record this worker's heartbeat", exc_info=True)
