"""Recording a batch of probe results in one short transaction, and pruning.

For each result: the location's vote (LocationResult), the raw CheckResult,
the hourly and daily rollups, the monitor's status through the state machine
(monitors/state.py) and its StatusEvent. Recording is idempotent: a result
whose slot is not newer than the last one recorded for its monitor and
location (a redelivered or overtaken batch) is dropped, under the monitor's
row lock, so it is never counted twice.

Rollups: ``HourlyRollup`` is one row per monitor, location and UTC hour (its
``hour`` the start of the hour), ``DailyRollup`` one per monitor and date in
settings.TIME_ZONE (every location together). A batch is one location's, so
it upserts one hourly and one daily row per monitor, whatever the number of
locations, with ``checks = checks + excluded.checks`` (``INSERT ... ON
CONFLICT DO UPDATE``, on SQLite as on PostgreSQL) so concurrent workers never
lose counts. Checks taken while the monitor is in maintenance, and results
that could not be taken at all (``ok`` None), are not counted.
``total_response_ms`` and ``max_response_ms`` cover successful checks:
average = total / successes.
"""

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Field, Min
from django.utils import timezone

from core import pagecache
from core.enums import Protocol, Status
from maintenance.windows import monitors_in_maintenance
from monitors import state
from monitors.models import (
    CheckResult,
    DailyRollup,
    HourlyRollup,
    LocationResult,
    Monitor,
    StatusEvent,
)
from monitors.probes.result import ProbeResult
from monitors.probes.runner import Outcome

logger = logging.getLogger(__name__)

MONITOR_FIELDS = [
    "status", "status_changed_at", "last_check", "consecutive_failures", "last_response_ms",
    "last_error", "cert_expires_at",
]  # fmt: skip
LOCATION_FIELDS = [
    "slot", "checked_at", "ok", "status", "consecutive_failures", "response_ms", "error",
]  # fmt: skip
# Hourly rollups keep their hours this long (the 24-hour figures, the 7-day
# charts); older hours are merged into one row per location a day, kept for
# the cockpit's 30- and 90-day charts (90 days, today included, and a spare).
HOURLY_ROLLUP_DAYS = 35
HOURLY_BY_DAY_DAYS = 91
PRUNE_CHUNK = 5000


@dataclass
class RollupSums:
    checks: int = 0
    successes: int = 0
    total_ms: int = 0
    max_ms: int = 0

    def add(self, ok: bool | None, response_ms: int | None) -> None:
        self.checks += 1
        if ok:
            self.successes += 1
            self.total_ms += response_ms or 0
            self.max_ms = max(self.max_ms, response_ms or 0)


_UPSERT_ROLLUP = """
INSERT INTO {table} (monitor_id, {key}, checks, successes, total_response_ms, max_response_ms)
VALUES {values}
ON CONFLICT (monitor_id, {key}) DO UPDATE SET
    checks = {table}.checks + excluded.checks,
    successes = {table}.successes + excluded.successes,
    total_response_ms = {table}.total_response_ms + excluded.total_response_ms,
    max_response_ms = {greatest}({table}.max_response_ms, excluded.max_response_ms)
"""
HOURLY_KEY = ("hour", "location")
DAILY_KEY = ("day",)


def _adapters(key: Sequence[str]) -> list[Callable[[Any], Any]]:
    """How each key column after the monitor reaches the driver."""
    by_column: dict[str, Callable[[Any], Any]] = {
        "hour": connection.ops.adapt_datetimefield_value,
        "day": connection.ops.adapt_datefield_value,
        "location": str,
    }
    return [by_column[column] for column in key]


def _upsert_rollups(
    model: type[HourlyRollup | DailyRollup],
    key: Sequence[str],
    sums: Mapping[tuple[Any, ...], RollupSums],
) -> None:
    """Add ``sums``, keyed by (monitor id, *key), to the rollups: one statement
    per 500 rows. ``key`` names the columns of the model's unique key after the
    monitor, in its order (ON CONFLICT names that constraint's columns)."""
    if not sums:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    adapt = _adapters(key)
    row = "(" + ", ".join(["%s"] * (len(key) + 5)) + ")"
    # Names come from the models; the values are parameters.
    statement = _UPSERT_ROLLUP.format(
        table=table, key=", ".join(key), values="{values}", greatest=greatest
    )
    rows = sorted(sums.items(), key=lambda item: item[0])
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        params: list[Any] = []
        for (monitor_id, *rest), t in chunk:
            params.append(monitor_id)
            params += [to_db(value) for to_db, value in zip(adapt, rest, strict=True)]
            params += [t.checks, t.successes, t.total_ms, t.max_ms]
        with connection.cursor() as cursor:
            cursor.execute(statement.format(values=", ".join([row] * len(chunk))), params)


_UPDATE_MONITORS = """
WITH v (id, {columns}) AS (VALUES {values})
UPDATE {table} SET {assignments}
FROM v WHERE {table}.id = v.id
"""
# PostgreSQL types the VALUES list from its rows; a column of NULLs needs a cast.
_PG_CASTS = {"DateTimeField": "::timestamptz", "PositiveIntegerField": "::integer"}


def _update_monitors(monitors: list[Monitor]) -> None:
    """One UPDATE ... FROM (VALUES ...) for the engine's fields of every
    monitor (bulk_update's CASE per field costs ~1 ms of CPU per monitor)."""
    if not monitors:
        return
    # Each name is a concrete column, never a relation's reverse side.
    fields = [cast("Field[Any, Any]", Monitor._meta.get_field(name)) for name in MONITOR_FIELDS]
    casts = _PG_CASTS if connection.vendor == "postgresql" else {}
    row = "(" + ", ".join(["%s"] * (len(fields) + 1)) + ")"
    params: list[Any] = []
    for monitor in monitors:
        params.append(monitor.pk)
        params += [f.get_db_prep_save(getattr(monitor, f.attname), connection) for f in fields]
    sql = _UPDATE_MONITORS.format(
        table=connection.ops.quote_name(Monitor._meta.db_table),
        # A concrete field always has its column.
        columns=", ".join(cast(str, f.column) for f in fields),
        values=", ".join([row] * len(monitors)),
        assignments=", ".join(
            f"{f.column} = v.{f.column}{casts.get(f.get_internal_type(), '')}" for f in fields
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _hour(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def _day(at: datetime) -> date:
    return at.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def _vote(row: LocationResult) -> state.Vote:
    return state.Vote(row.status, row.consecutive_failures, row.checked_at)


def _previous_vote(monitor: Monitor, row: LocationResult | None) -> state.Vote | None:
    # A monitor reset to pending (its target was edited) starts its votes afresh.
    if row is None or (
        monitor.status == Status.PENDING
        and monitor.status_changed_at
        and row.checked_at < monitor.status_changed_at
    ):
        return None
    return _vote(row)


def _update_fields(monitor: Monitor, outcome: Outcome, votes: list[state.Vote]) -> None:
    result = outcome.result
    if monitor.last_check is None or outcome.started_at > monitor.last_check:
        monitor.last_check = outcome.started_at
    monitor.last_error = "" if result.ok else result.reason
    if result.ok is not None:
        monitor.last_response_ms = result.response_ms
    monitor.consecutive_failures = max((v.consecutive_failures for v in votes), default=0)
    if result.cert_expires_at:
        monitor.cert_expires_at = result.cert_expires_at
    elif monitor.protocol != Protocol.HTTP or not monitor.target.lower().startswith("https:"):
        monitor.cert_expires_at = None


class _Writes:
    """Everything one batch writes, gathered first, then saved in one bulk
    statement per table."""

    def __init__(self) -> None:
        self.locations: list[LocationResult] = []
        self.checks: list[CheckResult] = []
        self.events: list[StatusEvent] = []
        self.monitors: list[Monitor] = []
        self.hourly: dict[tuple[int, datetime, str], RollupSums] = {}
        self.daily: dict[tuple[int, date], RollupSums] = {}

    def count(self, monitor_id: int, location: str, at: datetime, result: ProbeResult) -> None:
        hour = self.hourly.setdefault((monitor_id, _hour(at), location), RollupSums())
        hour.add(result.ok, result.response_ms)
        day = self.daily.setdefault((monitor_id, _day(at)), RollupSums())
        day.add(result.ok, result.response_ms)

    def save(self) -> None:
        LocationResult.objects.bulk_create(
            self.locations, update_conflicts=True, unique_fields=["monitor", "location"],
            update_fields=LOCATION_FIELDS,
        )  # fmt: skip
        CheckResult.objects.bulk_create(self.checks)
        _upsert_rollups(HourlyRollup, HOURLY_KEY, self.hourly)
        _upsert_rollups(DailyRollup, DAILY_KEY, self.daily)
        _update_monitors(self.monitors)
        StatusEvent.objects.bulk_create(self.events)


def _record_one(
    monitor: Monitor, location: str, outcome: Outcome,
    rows: dict[tuple[int, str], LocationResult], in_maintenance: bool,
    now: datetime, writes: _Writes,
) -> None:  # fmt: skip
    """One result: the location's vote, the monitor's status and the counts.
    ``rows`` holds the monitor's LocationResults by (monitor id, location)."""
    result, codes = outcome.result, monitor.location_codes
    vote = state.next_vote(
        _previous_vote(monitor, rows.get((monitor.pk, location))), result, monitor.retries,
        outcome.started_at,
    )  # fmt: skip
    rows[monitor.pk, location] = row = LocationResult(
        monitor_id=monitor.pk, location=location, slot=outcome.slot,
        checked_at=outcome.started_at, ok=result.ok, status=vote.status,
        consecutive_failures=vote.consecutive_failures, response_ms=result.response_ms,
        error="" if result.ok else result.reason[:500],
    )  # fmt: skip
    writes.locations.append(row)
    votes = [vote] + [
        other
        for code in codes
        if code != location and (other := _previous_vote(monitor, rows.get((monitor.pk, code))))
    ]
    change = state.decide(
        monitor.status, in_maintenance=in_maintenance,
        verdict=state.majority(votes, monitor.frequency, now),
        reason=result.reason if len(codes) == 1 else f"{location}: {result.reason}",
    )  # fmt: skip
    if change:
        writes.events.append(state.apply(monitor, change, outcome.started_at))
    _update_fields(monitor, outcome, votes)
    writes.monitors.append(monitor)
    if result.ok is not None:
        writes.checks.append(
            CheckResult(
                monitor_id=monitor.pk,
                location=location,
                checked_at=outcome.started_at,
                ok=result.ok,
                response_ms=result.response_ms,
                error=row.error,
            )  # fmt: skip
        )
        if not in_maintenance:
            writes.count(monitor.pk, location, outcome.started_at, result)


def record(location: str, outcomes: Sequence[Outcome], now: datetime | None = None) -> int:
    """Record one location's results; returns how many were new (not redelivered)."""
    if not outcomes:
        return 0
    now = now or timezone.now()
    covered = monitors_in_maintenance(now)
    by_monitor = {o.monitor_id: o for o in sorted(outcomes, key=lambda o: o.slot)}
    writes = _Writes()
    with transaction.atomic():
        # Locked in id order: recording for another location waits, never deadlocks.
        # Locked before the votes are read, so they include the votes of a
        # batch recorded meanwhile for another location (two locations' down
        # votes at the same slot must make a majority).
        monitors = list(
            Monitor.objects.select_for_update()
            .filter(pk__in=by_monitor)
            .order_by("pk")
            .only("id", "protocol", "target", "locations", "frequency", "retries", *MONITOR_FIELDS)
        )
        rows = {
            (r.monitor_id, r.location): r
            for r in LocationResult.objects.filter(monitor_id__in=by_monitor)
        }
        for monitor in monitors:
            outcome, previous = by_monitor[monitor.pk], rows.get((monitor.pk, location))
            if location in monitor.location_codes and not (
                previous and previous.slot >= outcome.slot  # redelivered or overtaken
            ):
                _record_one(monitor, location, outcome, rows, monitor.pk in covered, now, writes)
        writes.save()
    if writes.events:  # only the pages showing these monitors
        pagecache.changed(monitors={event.monitor_id for event in writes.events})
    return len(writes.locations)


def _delete_before(model: type[CheckResult | HourlyRollup], field: str, cutoff: datetime) -> int:
    """Delete in chunks, each its own short transaction."""
    deleted = 0
    while True:
        ids = list(
            model.objects.filter(**{f"{field}__lt": cutoff}).values_list("pk", flat=True)[
                :PRUNE_CHUNK
            ]
        )
        if not ids:
            return deleted
        deleted += model.objects.filter(pk__in=ids).delete()[0]


def day_hour(hour: datetime, zone: ZoneInfo) -> datetime:
    """Where a day's merged hourly rollup is kept: the first whole UTC hour
    that starts within ``hour``'s day in ``zone`` (the day's midnight, unless
    the zone is off UTC by a fraction of an hour), so grouping by local day
    finds it in its day."""
    start = datetime.combine(hour.astimezone(zone).date(), time(), zone).astimezone(UTC)
    whole = start.replace(minute=0, second=0, microsecond=0)
    return whole if whole == start else whole + timedelta(hours=1)


def _merge_hours_before(cutoff: datetime) -> int:
    """Fold hourly rollups older than ``cutoff`` into one row per monitor,
    location and local day, in chunks, each its own transaction (the sums are
    added and the hours deleted together, so nothing counts twice or goes
    missing). Returns how many hour rows were folded away."""
    oldest = HourlyRollup.objects.filter(hour__lt=cutoff).aggregate(m=Min("hour"))["m"]
    if oldest is None:
        return 0
    zone = ZoneInfo(settings.TIME_ZONE)
    day, last = oldest.astimezone(zone).date(), cutoff.astimezone(zone).date()
    kept = []  # the rows days are folded into: left where they are
    while day <= last:
        kept.append(day_hour(datetime.combine(day, time(12), zone), zone))
        day += timedelta(days=1)
    old = HourlyRollup.objects.filter(hour__lt=cutoff).exclude(hour__in=kept)
    fields = ["pk", "monitor_id", "hour", "location", "checks", "successes"]
    fields += ["total_response_ms", "max_response_ms"]
    merged = 0
    while True:
        with transaction.atomic():
            rows = list(old.values_list(*fields)[:PRUNE_CHUNK])
            if not rows:
                return merged
            sums: dict[tuple[int, datetime, str], RollupSums] = {}
            for _, monitor_id, hour, location, checks, successes, total, peak in rows:
                into = sums.setdefault((monitor_id, day_hour(hour, zone), location), RollupSums())
                into.checks += checks
                into.successes += successes
                into.total_ms += total
                into.max_ms = max(into.max_ms, peak)
            HourlyRollup.objects.filter(pk__in=[row[0] for row in rows]).delete()
            _upsert_rollups(HourlyRollup, HOURLY_KEY, sums)
            merged += len(rows)


def prune(now: datetime | None = None) -> dict[str, int]:
    """Drop raw results older than RESULT_RETENTION_DAYS, fold hourly rollups
    older than HOURLY_ROLLUP_DAYS into days and drop those older than
    HOURLY_BY_DAY_DAYS (daily rollups stay: one row a day)."""
    now = now or timezone.now()
    return {
        "results": _delete_before(
            CheckResult, "checked_at", now - timedelta(days=settings.RESULT_RETENTION_DAYS)
        ),
        "hourly_rollups": _delete_before(
            HourlyRollup, "hour", now - timedelta(days=HOURLY_BY_DAY_DAYS)
        ),
        "hourly_rollups_merged": _merge_hours_before(now - timedelta(days=HOURLY_ROLLUP_DAYS)),
    }
