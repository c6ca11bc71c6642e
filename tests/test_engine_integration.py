"""The engine end to end: a real Celery worker and beat (subprocesses) on
Redis and PostgreSQL probe a real local HTTP server; the monitor goes up,
survives its worker being killed mid-batch, then goes down when the server
stops. It runs on a database of its own, whichever one the suite uses."""

import os
import subprocess
import sys
import uuid

import psycopg
import pytest
import redis

from tests.probe_servers import AnswerServer
from tests.product_processes import scratch_database, start, stop, wait_for
from tests.services import REDIS_URL, ROOT, need_postgres, need_redis

pytestmark = pytest.mark.slow


def test_a_real_worker_and_beat_see_a_monitor_go_up_then_down(tmp_path):
    need_postgres()
    need_redis()
    prefix = f"engine-it-{uuid.uuid4().hex[:8]}:"
    target = AnswerServer()
    processes: list[subprocess.Popen] = []
    with scratch_database() as database_url:
        env = {
            **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "CACHE_URL"}},
            "DJANGO_SETTINGS_MODULE": "tests.engine_settings",
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": REDIS_URL,
            "ENGINE_KEY_PREFIX": prefix,
            "SECRET_KEY": "engine-integration-test",
            "VAR_DIR": str(tmp_path),
            "PROBE_DISPATCH_INTERVAL": "1",
        }
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=120)
        created = subprocess.run(
            [*manage, "shell", "-c",
             "from monitors.models import Monitor; print(Monitor.objects.create(name='Web', "
             f"protocol='http', target='{target.url('/ok')}', frequency=5, retries=0, "
             "timeout=2).pk)"],
            cwd=ROOT, env=env, check=True, timeout=60, capture_output=True, text=True,
        )  # fmt: skip
        monitor_id = int(created.stdout.split()[-1])
        db = psycopg.connect(database_url, autocommit=True)

        def status() -> str:
            query = "SELECT status FROM monitors_monitor WHERE id = %s"
            return db.execute(query, [monitor_id]).fetchone()[0]

        def last_check():
            query = "SELECT last_check FROM monitors_monitor WHERE id = %s"
            return db.execute(query, [monitor_id]).fetchone()[0]

        try:
            celery = ["-m", "celery", "-A", "statuspage"]
            worker = ["worker", "--pool", "threads", "--concurrency", "4", "--loglevel", "INFO"]
            worker += ["-n", f"{prefix}@%h", "--without-gossip", "--without-mingle"]
            beat = ["beat", "--loglevel", "INFO", "-s", str(tmp_path / "schedule")]
            processes.append(start([*celery, *worker], env, tmp_path / "worker.log"))
            processes.append(start([*celery, *beat], env, tmp_path / "beat.log"))
            wait_for(status, "up", processes, timeout=60)
            assert target.hits >= 1
            # A worker killed mid-batch: its checks are lost, not run twice, and
            # the monitor is checked again within an interval of a new worker.
            broker = redis.Redis.from_url(REDIS_URL)

            def batch_in_hand() -> bool:  # reserved by the worker, not yet acknowledged
                held = broker.hvals(f"{prefix}unacked")
                return any(b"monitors.tasks.probe_batch" in message for message in held)

            wait_for(batch_in_hand, True, processes, timeout=30)
            processes[0].kill()
            processes[0].wait(10)
            killed_at = db.execute("SELECT now()").fetchone()[0]
            processes[0] = start([*celery, *worker], env, tmp_path / "worker2.log")
            wait_for(lambda: last_check() > killed_at, True, processes, timeout=30)
            target.close()
            wait_for(status, "down", processes, timeout=30)
            events = db.execute(
                "SELECT from_status, to_status, reason FROM monitors_statusevent "
                "WHERE monitor_id = %s ORDER BY at, id",
                [monitor_id],
            ).fetchall()
            assert events == [("pending", "up", "HTTP 200"), ("up", "down", "connection refused")]
            # Every check counted once: the rollups count what the engine
            # recorded (its tally per minute), and no more successes than
            # requests the target received.
            counted = "SELECT (SELECT sum(checks) FROM monitors_hourlyrollup), "
            counted += "(SELECT sum(successes) FROM monitors_hourlyrollup), "
            counted += "(SELECT sum(checks) FROM monitors_checktally)"
            rollup_checks, successes, tallied = db.execute(counted).fetchone()
            assert rollup_checks == tallied
            assert 0 < successes <= target.hits
            report = subprocess.run(
                [*manage, "engine_status"], cwd=ROOT, env=env, check=True, timeout=60,
                capture_output=True, text=True,
            ).stdout  # fmt: skip
            assert "probes.USE" in report
        except BaseException:
            for log in sorted(tmp_path.glob("*.log")):
                print(f"--- {log.name}\n{log.read_text()[-5000:]}")
            raise
        finally:
            for process in processes:
                stop(process)
            db.close()
            client = redis.Redis.from_url(REDIS_URL)
            keys = list(client.scan_iter(match=f"{prefix}*"))
            if keys:
                client.delete(*keys)
            client.close()
