"""Recording a batch of probe results in one short transaction, and pruning.

For each result: the location's vote (LocationResult), a failed check
(monitors/failures.py: successful ones are only counted), the hourly and
daily rollups, the engine's throughput (monitors/throughput.py), the
monitor's status through the state machine (monitors/state.py) and its
StatusEvent. Recording is idempotent: a result
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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from core import pagecache
from core.enums import Protocol, Status
from core.locations import location_codes
from maintenance.windows import monitors_in_maintenance
from monitors import bulk, failures, state, throughput
from monitors.models import (
    DailyRollup,
    FailedCheck,
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


_ON_CONFLICT_ADD = """
ON CONFLICT (monitor_id, {key}) DO UPDATE SET
    checks = {table}.checks + excluded.checks,
    successes = {table}.successes + excluded.successes,
    total_response_ms = {table}.total_response_ms + excluded.total_response_ms,
    max_response_ms = {greatest}({table}.max_response_ms, excluded.max_response_ms)
"""
HOURLY_KEY = ("hour", "location")
DAILY_KEY = ("day",)
SUMS = ("checks", "successes", "total_response_ms", "max_response_ms")


def _upsert_rollups(
    model: type[HourlyRollup | DailyRollup],
    key: Sequence[str],
    sums: Mapping[tuple[Any, ...], RollupSums],
) -> None:
    """Add ``sums``, keyed by (monitor id, *key), to the rollups. ``key`` names
    the columns of the model's unique key after the monitor, in its order
    (ON CONFLICT names that constraint's columns)."""
    columns = bulk.Columns(model, ("monitor", *key, *SUMS))
    on_conflict = _ON_CONFLICT_ADD.format(
        table=columns.table, key=", ".join(key),
        greatest="GREATEST" if connection.vendor == "postgresql" else "MAX",
    )  # fmt: skip
    rows = [
        (*k, t.checks, t.successes, t.total_ms, t.max_ms)
        for k, t in sorted(sums.items(), key=lambda item: item[0])
    ]
    bulk.insert(columns, rows, on_conflict)


_MONITORS = bulk.Columns(Monitor, ("id", *MONITOR_FIELDS))
_LOCATIONS = bulk.Columns(LocationResult, ("monitor", "location", *LOCATION_FIELDS))
_ON_CONFLICT_LOCATION = "ON CONFLICT (monitor_id, location) DO UPDATE SET " + ", ".join(
    f"{name} = excluded.{name}" for name in LOCATION_FIELDS
)


def rollup_hour(at: datetime) -> datetime:
    """The hour (a UTC hour's start) of the hourly rollup ``at`` counts in."""
    return at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def rollup_day(at: datetime) -> date:
    """The day (in settings.TIME_ZONE) of the daily rollup ``at`` counts in."""
    return at.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


@dataclass(slots=True)
class Latest:
    """A location's latest result for a monitor: a LocationResult row, read
    and written as a plain row (a model instance costs more than recording it)."""

    monitor_id: int
    location: str
    slot: datetime
    checked_at: datetime
    ok: bool | None
    status: str
    consecutive_failures: int
    response_ms: int | None
    error: str


@dataclass(slots=True)
class Watched:
    """The monitor row as recording reads and writes it, a plain row too."""

    pk: int
    protocol: str
    target: str
    locations: str
    frequency: int
    retries: int
    # MONITOR_FIELDS, in its order:
    status: str
    status_changed_at: datetime | None
    last_check: datetime | None
    consecutive_failures: int
    last_response_ms: int | None
    last_error: str
    cert_expires_at: datetime | None


WATCHED_COLUMNS = ("id", "protocol", "target", "locations", "frequency", "retries", *MONITOR_FIELDS)


def _vote(row: Latest) -> state.Vote:
    return state.Vote(row.status, row.consecutive_failures, row.checked_at)


def _previous_vote(monitor: Watched, row: Latest | None) -> state.Vote | None:
    # A monitor reset to pending (its target was edited) starts its votes afresh.
    if row is None or (
        monitor.status == Status.PENDING
        and monitor.status_changed_at
        and row.checked_at < monitor.status_changed_at
    ):
        return None
    return _vote(row)


def _update_fields(monitor: Watched, outcome: Outcome, votes: list[state.Vote]) -> None:
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

    def __init__(self, location: str) -> None:
        self.location = location
        self.locations: list[Latest] = []
        self.failures = failures.Runs(location)
        self.events: list[StatusEvent] = []
        self.monitors: list[Watched] = []
        self.hourly: dict[tuple[int, datetime, str], RollupSums] = {}
        self.daily: dict[tuple[int, date], RollupSums] = {}

    def count(self, monitor_id: int, location: str, at: datetime, result: ProbeResult) -> None:
        hour = self.hourly.setdefault((monitor_id, rollup_hour(at), location), RollupSums())
        hour.add(result.ok, result.response_ms)
        day = self.daily.setdefault((monitor_id, rollup_day(at)), RollupSums())
        day.add(result.ok, result.response_ms)

    def save(self) -> None:
        bulk.insert(
            _LOCATIONS,
            [(r.monitor_id, r.location, *(getattr(r, f) for f in LOCATION_FIELDS))
             for r in self.locations],
            _ON_CONFLICT_LOCATION,
        )  # fmt: skip
        self.failures.save()
        _upsert_rollups(HourlyRollup, HOURLY_KEY, self.hourly)
        _upsert_rollups(DailyRollup, DAILY_KEY, self.daily)
        bulk.update(
            _MONITORS,
            [(m.pk, *(getattr(m, f) for f in MONITOR_FIELDS)) for m in self.monitors],
        )
        StatusEvent.objects.bulk_create(self.events)
        throughput.count(self.location, len(self.locations), timezone.now())


def _record_one(
    monitor: Watched, location: str, outcome: Outcome,
    rows: dict[tuple[int, str], Latest], in_maintenance: bool,
    now: datetime, writes: _Writes,
) -> None:  # fmt: skip
    """One result: the location's vote, the monitor's status and the counts.
    ``rows`` holds the monitors' latest results by (monitor id, location)."""
    result, codes = outcome.result, location_codes(monitor.locations)
    previous = rows.get((monitor.pk, location))
    vote = state.next_vote(
        _previous_vote(monitor, previous), result, monitor.retries, outcome.started_at
    )
    rows[monitor.pk, location] = row = Latest(
        monitor.pk, location, outcome.slot, outcome.started_at, result.ok, vote.status,
        vote.consecutive_failures, result.response_ms, "" if result.ok else result.reason[:500],
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
    if result.ok is False:
        failure = failures.Failure(monitor.pk, outcome.started_at, result.response_ms, row.error)
        writes.failures.add(failure, previous)
    if result.ok is not None and not in_maintenance:
        writes.count(monitor.pk, location, outcome.started_at, result)


def record(location: str, outcomes: Sequence[Outcome], now: datetime | None = None) -> int:
    """Record one location's results; returns how many were new (not redelivered)."""
    if not outcomes:
        return 0
    now = now or timezone.now()
    covered = monitors_in_maintenance(now)
    by_monitor = {o.monitor_id: o for o in sorted(outcomes, key=lambda o: o.slot)}
    writes = _Writes(location)
    with transaction.atomic():
        # Locked in id order: recording for another location waits, never deadlocks.
        # Locked before the votes are read, so they include the votes of a
        # batch recorded meanwhile for another location (two locations' down
        # votes at the same slot must make a majority).
        monitors = [
            Watched(*values)
            for values in Monitor.objects.select_for_update()
            .filter(bulk.among(by_monitor))
            .order_by("pk")
            .values_list(*WATCHED_COLUMNS)
        ]
        # Only the locations these monitors are checked from: rows of others
        # count for nothing, and naming them lets PostgreSQL probe the unique
        # index instead of scanning the table.
        codes = {monitor.pk: location_codes(monitor.locations) for monitor in monitors}
        latest = LocationResult.objects.filter(
            bulk.among(by_monitor, "monitor_id"), location__in=sorted(set().union(*codes.values()))
        )
        rows = {
            (values[0], values[1]): Latest(*values)
            for values in latest.values_list("monitor_id", "location", *LOCATION_FIELDS)
        }
        for monitor in monitors:
            outcome, previous = by_monitor[monitor.pk], rows.get((monitor.pk, location))
            if location in codes[monitor.pk] and not (
                previous and previous.slot >= outcome.slot  # redelivered or overtaken
            ):
                _record_one(monitor, location, outcome, rows, monitor.pk in covered, now, writes)
        writes.save()
    if writes.events:  # only the pages showing these monitors
        pagecache.changed(monitors={event.monitor_id for event in writes.events})
    return len(writes.locations)


def _delete_before(model: type[FailedCheck | HourlyRollup], field: str, cutoff: datetime) -> int:
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
    """Drop failed checks older than RESULT_RETENTION_DAYS, fold hourly rollups
    older than HOURLY_ROLLUP_DAYS into days and drop those older than
    HOURLY_BY_DAY_DAYS (daily rollups stay: one row a day)."""
    now = now or timezone.now()
    return {
        "failed_checks": _delete_before(
            FailedCheck, "last_checked_at", now - timedelta(days=settings.RESULT_RETENTION_DAYS)
        ),
        "tallies": throughput.prune(now),
        "hourly_rollups": _delete_before(
            HourlyRollup, "hour", now - timedelta(days=HOURLY_BY_DAY_DAYS)
        ),
        "hourly_rollups_merged": _merge_hours_before(now - timedelta(days=HOURLY_ROLLUP_DAYS)),
    }
