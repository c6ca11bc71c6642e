"""The checks behind ``/health``: django-health-check's cache check, and
ours for the database, the broker and the engine (facts from
monitors/engine_health.py, judged against settings here).

Each check is cheap enough for a load balancer polling every few seconds:
one bounded query each, short socket timeouts on the cache and the broker.
Each leaves what it found in ``facts``, shown in the JSON beside its verdict.
"""

import dataclasses
from datetime import UTC, datetime
from typing import Any, ClassVar

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.checks import Cache
from health_check.exceptions import ServiceUnavailable

from core.locations import probe_queue
from monitors import engine_health, queue_depth
from statuspage.celery import app

BROKER_TIMEOUT = 1.0  # seconds to connect to the broker


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat().replace("+00:00", "Z")


@dataclasses.dataclass
class Check(HealthCheck):  # type: ignore[misc]  # django-health-check ships no types
    """A check that reports what it found (``facts``) and whether it needs the database."""

    name: ClassVar[str]
    needs_database: ClassVar[bool] = True
    facts: dict[str, Any] = dataclasses.field(default_factory=dict, init=False, repr=False)


@dataclasses.dataclass
class Database(Check):
    name = "database"

    def run(self) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError as error:
            raise ServiceUnavailable(f"database unreachable: {type(error).__name__}") from error


@dataclasses.dataclass
class CacheCheck(Cache):  # type: ignore[misc]
    """django-health-check's: sets and reads back a key. Our Redis cache
    answers "miss" while Redis is away, which this reports as unavailable."""

    name: ClassVar[str] = "cache"
    needs_database: ClassVar[bool] = False
    facts: dict[str, Any] = dataclasses.field(default_factory=dict, init=False, repr=False)


@dataclasses.dataclass
class Broker(Check):
    name = "broker"
    needs_database = False

    def run(self) -> None:
        conn = app.connection_for_write()
        quick = {"socket_timeout": BROKER_TIMEOUT, "socket_connect_timeout": BROKER_TIMEOUT}
        conn.transport_options = {**(conn.transport_options or {}), **quick}
        conn.connect_timeout = BROKER_TIMEOUT
        self.facts["transport"] = conn.transport_cls
        try:
            conn.ensure_connection(max_retries=0)
            conn.default_channel  # noqa: B018  (Redis: PINGs the server)
        except Exception as error:  # kombu raises its own and the transport's errors
            raise ServiceUnavailable(f"broker unreachable: {type(error).__name__}") from error
        finally:
            conn.release()


@dataclasses.dataclass
class Beat(Check):
    """Beat's dispatch (run by the main worker) recorded its last run recently."""

    name = "beat"

    def run(self) -> None:
        now = timezone.now()
        age = engine_health.dispatch_age(now)
        limit = settings.HEALTH_BEAT_SILENT_AFTER
        self.facts |= {
            "last_dispatch_age_seconds": None if age is None else round(age, 1),
            "silent_after_seconds": limit,
        }
        if age is None:
            raise ServiceUnavailable("beat has never dispatched")
        if age > limit:
            raise ServiceUnavailable(f"beat has not dispatched for {age:.0f} s")


@dataclasses.dataclass
class Workers(Check):
    """Every probe location that an active monitor uses has a live worker."""

    name = "workers"

    def run(self) -> None:
        now = timezone.now()
        seen = engine_health.workers(now)
        in_use = engine_health.locations_in_use()
        served = {code for worker in seen if worker.live for code in worker.locations}
        self.facts["workers"] = [
            {"name": w.name, "locations": w.locations, "last_heartbeat": iso(w.seen_at),
             "age_seconds": round(w.age, 1), "live": w.live}
            for w in seen
        ]  # fmt: skip
        self.facts["locations_without_worker"] = missing = sorted(in_use - served)
        # The backlog a stopped location leaves, while the others keep up.
        depths = queue_depth.waiting((probe_queue(c) for c in in_use), timeout=BROKER_TIMEOUT)
        self.facts["waiting"] = {code: depths[probe_queue(code)] for code in sorted(in_use)}
        if missing:
            raise ServiceUnavailable(f"no live worker for {', '.join(missing)}")


@dataclasses.dataclass
class Lateness(Check):
    """The checks of each location start on time (99th percentile of the last minutes)."""

    name = "lateness"

    def run(self) -> None:
        p99 = engine_health.lateness_p99(timezone.now())
        limit = settings.HEALTH_LATENESS_P99
        self.facts |= {"p99_seconds": {k: round(v, 1) for k, v in p99.items()},
                       "limit_seconds": limit}  # fmt: skip
        if late := sorted(location for location, value in p99.items() if value > limit):
            raise ServiceUnavailable(f"checks start over {limit:g} s late from {', '.join(late)}")


READINESS: list[type[HealthCheck]] = [Database, CacheCheck, Broker, Beat, Workers, Lateness]
