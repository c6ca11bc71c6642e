"""Runs the health checks one after the other in the request's thread (so
they share its database connection, and a test counts their queries) and
gathers their verdicts. django-health-check's own view runs them in an event
loop's thread pool instead: a new database connection per poll."""

import inspect
import logging
import time
from dataclasses import dataclass
from typing import Any

from asgiref.sync import async_to_sync
from health_check.base import HealthCheck
from health_check.exceptions import HealthCheckException

logger = logging.getLogger(__name__)


@dataclass
class Verdict:
    name: str
    error: str | None
    seconds: float
    facts: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"status": "unavailable" if self.error else "ok"}
        if self.error:
            body["error"] = self.error
        return body | {"took_ms": round(self.seconds * 1000, 1)} | self.facts


def run_one(check: HealthCheck) -> str | None:
    """The check's error message, None when it passed."""
    try:
        if inspect.iscoroutinefunction(check.run):
            async_to_sync(check.run)()
        else:
            check.run()
    except HealthCheckException as error:
        return str(error)
    except Exception:
        logger.exception("health check %s failed unexpectedly", type(check).__name__)
        return "Unavailable: unexpected error (see the log)"
    return None


def run_checks(kinds: list[type[HealthCheck]]) -> list[Verdict]:
    """Every check's verdict; those needing the database are not run once it
    failed (each would wait for its own connection attempt to fail)."""
    verdicts: list[Verdict] = []
    database_down = False
    for kind in kinds:
        check = kind()
        name: str = getattr(check, "name", kind.__name__)
        started = time.monotonic()
        if database_down and getattr(check, "needs_database", False):
            error: str | None = "Unavailable: not checked, the database is unreachable"
        else:
            error = run_one(check)
            database_down |= error is not None and name == "database"
        facts: dict[str, Any] = getattr(check, "facts", {})
        verdicts.append(Verdict(name, error, time.monotonic() - started, facts))
    return verdicts
