"""Recording batches of results: raw results, rollups, idempotency, pruning."""

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import pagecache
from maintenance.models import ScheduledMaintenance
from monitors import recording, tasks
from monitors.models import (
    CheckTally,
    DailyRollup,
    FailedCheck,
    HourlyRollup,
    LocationResult,
    Monitor,
)
from monitors.probes.result import ProbeResult
from monitors.probes.runner import Outcome

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
OK = ProbeResult.up("HTTP 200", 40)
SLOW = ProbeResult.up("HTTP 200", 900)
FAIL = ProbeResult.down("expected 200, got 503", 15)


def outcome(monitor: Monitor, at: datetime, result: ProbeResult = OK) -> Outcome:
    return Outcome(monitor.pk, at, at + timedelta(milliseconds=3), result)


def record(location: str, outcomes: list[Outcome]) -> int:
    """Record as a worker would, just after the probes."""
    now = max(o.started_at for o in outcomes) + timedelta(seconds=1)
    return recording.record(location, outcomes, now=now)


def rollup(model, monitor: Monitor) -> list[tuple]:
    fields = ("checks", "successes", "total_response_ms", "max_response_ms")
    return list(model.objects.filter(monitor=monitor).values_list(*fields))


@pytest.mark.django_db
def test_a_batch_writes_results_rollups_and_the_monitor_in_a_fixed_number_of_queries(
    make_monitor, django_assert_max_num_queries
):
    few = [make_monitor(name=f"few{i}") for i in range(3)]
    many = [make_monitor(name=f"many{i}") for i in range(60)]
    with django_assert_max_num_queries(12) as few_queries:
        record("USE", [outcome(m, T0) for m in few])
    with django_assert_max_num_queries(12) as many_queries:
        record("USE", [outcome(m, T0) for m in many])
    assert len(many_queries.captured_queries) == len(few_queries.captured_queries)
    assert sum(HourlyRollup.objects.values_list("checks", flat=True)) == 63
    monitor = Monitor.objects.get(pk=many[0].pk)
    assert (monitor.status, monitor.last_response_ms) == ("up", 40)
    assert monitor.last_check == T0 + timedelta(milliseconds=3)


@pytest.mark.django_db
def test_rollups_add_up_per_utc_hour_and_per_local_day(make_monitor, settings):
    settings.TIME_ZONE = "America/New_York"
    monitor = make_monitor()
    late_evening = datetime(2026, 3, 2, 3, 10, tzinfo=UTC)  # 22:10 on 1 March in New York
    for minutes, result in [(0, OK), (1, SLOW), (2, FAIL), (55, OK)]:
        record("USE", [outcome(monitor, late_evening + timedelta(minutes=minutes), result)])
    hours = dict(HourlyRollup.objects.filter(monitor=monitor).values_list("hour", "checks"))
    assert hours == {
        datetime(2026, 3, 2, 3, tzinfo=UTC): 3,
        datetime(2026, 3, 2, 4, tzinfo=UTC): 1,
    }
    assert DailyRollup.objects.get(monitor=monitor).day == date(2026, 3, 1)
    # Response times of successful checks: average = total / successes.
    assert rollup(DailyRollup, monitor) == [(4, 3, 40 + 900 + 40, 900)]


@pytest.mark.django_db
def test_a_redelivered_batch_is_not_counted_twice(make_monitor):
    monitors = [make_monitor(name=f"m{i}") for i in range(3)]
    batch = [outcome(m, T0) for m in monitors]
    assert record("USE", batch) == 3
    assert record("USE", batch) == 0
    assert CheckTally.objects.get().checks == 3
    assert rollup(HourlyRollup, monitors[0]) == [(1, 1, 40, 40)]


@pytest.mark.django_db
def test_a_result_for_an_older_slot_than_the_last_recorded_is_dropped(make_monitor):
    monitor = make_monitor()
    record("USE", [outcome(monitor, T0 + timedelta(seconds=60))])
    assert record("USE", [outcome(monitor, T0, FAIL)]) == 0
    monitor.refresh_from_db()
    assert monitor.consecutive_failures == 0 and monitor.last_error == ""
    # Another location keeps its own slots.
    monitor.locations = "USE,UK"
    monitor.save()
    assert record("UK", [outcome(monitor, T0)]) == 1


@pytest.mark.django_db
def test_checks_during_maintenance_are_kept_but_not_counted(make_monitor):
    monitor = make_monitor()
    ScheduledMaintenance.objects.create(name="Upgrade", starts_at=T0).monitors.add(monitor)
    record("USE", [outcome(monitor, T0 + timedelta(minutes=5), FAIL)])
    assert FailedCheck.objects.filter(monitor=monitor).count() == 1
    assert rollup(HourlyRollup, monitor) == [] and rollup(DailyRollup, monitor) == []
    monitor.refresh_from_db()
    assert monitor.status == "maintenance"


@pytest.mark.django_db
def test_the_certificate_expiry_follows_https_results(make_monitor):
    expires = datetime(2026, 6, 1, tzinfo=UTC)
    monitor = make_monitor(target="https://status.example.test/")
    tls = ProbeResult.up("HTTP 200", 30, cert_expires_at=expires)
    record("USE", [outcome(monitor, T0, tls)])
    monitor.refresh_from_db()
    assert monitor.cert_expires_at == expires
    record("USE", [outcome(monitor, T0 + timedelta(minutes=1), FAIL)])
    monitor.refresh_from_db()
    assert monitor.cert_expires_at == expires  # a failed check does not forget it
    Monitor.objects.filter(pk=monitor.pk).update(target="http://status.example.test/")
    record("USE", [outcome(monitor, T0 + timedelta(minutes=2))])
    monitor.refresh_from_db()
    assert monitor.cert_expires_at is None


@pytest.mark.django_db(transaction=True)
def test_the_public_page_cache_is_dropped_only_when_a_status_changes(make_monitor, default_page_id):
    monitor = make_monitor()
    before = pagecache.version(default_page_id)
    record("USE", [outcome(monitor, T0)])
    after_change = pagecache.version(default_page_id)
    record("USE", [outcome(monitor, T0 + timedelta(minutes=1))])
    assert before != after_change == pagecache.version(default_page_id)


@pytest.mark.django_db
def test_results_of_monitors_deleted_meanwhile_are_dropped(make_monitor):
    monitor = make_monitor()
    gone = outcome(monitor, T0)
    monitor.delete()
    assert record("USE", [gone]) == 0


@pytest.mark.django_db
def test_pruning_drops_failed_checks_after_the_retention_and_keeps_daily_rollups(
    make_monitor, settings
):
    settings.RESULT_RETENTION_DAYS = 7
    monitor = make_monitor()
    for days in (100, 40, 8, 6, 0):
        record("USE", [outcome(monitor, T0 - timedelta(days=days), FAIL)])
        record("USE", [outcome(monitor, T0 - timedelta(days=days, seconds=-30))])
    assert recording.prune(T0) == {
        "failed_checks": 3, "tallies": 0, "hourly_rollups": 1, "hourly_rollups_merged": 1
    }  # fmt: skip
    kept = FailedCheck.objects.values_list("checked_at", flat=True)
    assert sorted(round((T0 - at) / timedelta(days=1)) for at in kept) == [0, 6]
    assert HourlyRollup.objects.filter(monitor=monitor).count() == 4  # 40 days ago: its day's
    assert DailyRollup.objects.filter(monitor=monitor).count() == 5


@pytest.mark.django_db
def test_hours_past_the_hourly_retention_fold_into_one_row_per_location_and_day(
    make_monitor, settings
):
    settings.TIME_ZONE = "Europe/Stockholm"  # in January days start at 23:00 UTC
    monitor = make_monitor(locations="USE,UK")
    day = T0 - timedelta(days=40)  # 21 January, 12:00 UTC
    for hours in range(-12, 12):  # 00:05 to 23:05 UTC: the 21st's last 23 hours, the 22nd's first
        at = day + timedelta(hours=hours, minutes=5)
        record("USE", [outcome(monitor, at, SLOW if hours == 3 else OK)])
        record("UK", [outcome(monitor, at, FAIL if hours == 3 else OK)])
    recent = T0 - timedelta(days=2)
    record("USE", [outcome(monitor, recent)])
    before = rollup(HourlyRollup, monitor)
    # The 22nd's first hour is where that day is kept: left where it is.
    assert recording.prune(T0)["hourly_rollups_merged"] == 2 * 23
    rows = HourlyRollup.objects.filter(monitor=monitor).order_by("location", "hour")
    folded = [(r.location, r.hour, r.checks, r.successes, r.max_response_ms) for r in rows]
    first, second = datetime(2026, 1, 20, 23, tzinfo=UTC), datetime(2026, 1, 21, 23, tzinfo=UTC)
    assert folded == [
        ("UK", first, 23, 22, 40),  # Stockholm's 21 January, the failure among its checks
        ("UK", second, 1, 1, 40),  # the 22nd
        ("USE", first, 23, 23, 900),
        ("USE", second, 1, 1, 40),
        ("USE", recent.replace(minute=0), 1, 1, 40),  # inside the retention: left alone
    ]
    # Nothing counted twice or lost:
    assert sum(r[0] for r in rollup(HourlyRollup, monitor)) == sum(r[0] for r in before)
    assert sum(r[2] for r in rollup(HourlyRollup, monitor)) == sum(r[2] for r in before)
    assert recording.prune(T0)["hourly_rollups_merged"] == 0  # a second run finds nothing


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_never_lose_a_count(make_monitor):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL; SQLite runs one writer at a time")
    locations = ["USE", "UK", "AU", "IA"]
    monitor = make_monitor(locations=",".join(locations))
    errors = []

    def worker(location: str) -> None:
        try:
            for k in range(25):
                record(location, [outcome(monitor, T0 + timedelta(seconds=k))])
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(code,)) for code in locations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    # Every location has its hour; the day is every location's together.
    assert rollup(HourlyRollup, monitor) == [(25, 25, 1000, 40)] * 4
    assert rollup(DailyRollup, monitor) == [(100, 100, 4000, 40)]
    assert LocationResult.objects.filter(monitor=monitor).count() == 4


@pytest.mark.django_db
def test_tables_written_on_every_check_keep_no_index_the_others_cover():
    """Each index is one more write per check: the monitor's own foreign-key
    index is left out where an index or unique key starts with the monitor."""
    tables = [m._meta.db_table for m in (FailedCheck, HourlyRollup, DailyRollup, LocationResult)]
    with connection.cursor() as cursor:
        for table in tables:
            constraints = connection.introspection.get_constraints(cursor, table)
            indexed = [c["columns"] for c in constraints.values() if c["index"] or c["unique"]]
            assert ["monitor_id"] not in indexed, table
            assert any(columns[0] == "monitor_id" for columns in indexed), table


@pytest.mark.django_db
def test_successful_checks_are_counted_not_kept_one_by_one(make_monitor):
    monitor = make_monitor()
    for seconds in (0, 30, 60):
        record("USE", [outcome(monitor, T0 + timedelta(seconds=seconds))])
    assert not FailedCheck.objects.exists()
    assert rollup(HourlyRollup, monitor) == [(3, 3, 120, 40)]


@pytest.mark.django_db
def test_failed_checks_in_a_row_with_the_same_error_are_kept_as_one_run(make_monitor):
    monitor = make_monitor(locations="USE,UK")
    refused = ProbeResult.down("connection refused")
    at = [T0 + timedelta(seconds=30 * n) for n in range(8)]
    for when, result in zip(at, [FAIL, FAIL, FAIL, refused, OK, FAIL], strict=False):
        record("USE", [outcome(monitor, when, result)])
    record("UK", [outcome(monitor, at[6], FAIL)])
    record("UK", [outcome(monitor, at[7], FAIL)])
    runs = list(
        FailedCheck.objects.order_by("location", "checked_at").values_list(
            "location", "checked_at", "last_checked_at", "checks", "error"
        )
    )
    ms = timedelta(milliseconds=3)
    assert runs == [
        ("UK", at[6] + ms, at[7] + ms, 2, FAIL.reason),
        ("USE", at[0] + ms, at[2] + ms, 3, FAIL.reason),
        ("USE", at[3] + ms, at[3] + ms, 1, "connection refused"),
        ("USE", at[5] + ms, at[5] + ms, 1, FAIL.reason),
    ]


@pytest.mark.django_db
def test_a_redelivered_failure_does_not_lengthen_its_run(make_monitor):
    monitor = make_monitor()
    batch = [outcome(monitor, T0, FAIL)]
    record("USE", batch)
    record("USE", batch)
    assert FailedCheck.objects.get().checks == 1


@pytest.mark.django_db
def test_the_engine_reports_the_checks_it_recorded_per_second(make_monitor):
    from monitors import engine_report

    monitors = [make_monitor(name=f"m{i}", locations="USE,UK") for i in range(6)]
    now = timezone.now()
    record("USE", [outcome(m, now - timedelta(seconds=5)) for m in monitors])
    record("UK", [outcome(m, now - timedelta(seconds=5)) for m in monitors[:3]])
    health = engine_report.health(now)
    elapsed = (now - now.replace(second=0, microsecond=0)).total_seconds() + 60
    assert health.checks_per_second == pytest.approx(9 / elapsed)


@pytest.mark.django_db
def test_a_batch_among_30000_monitors_reads_its_rows_through_indexes_not_whole_tables():
    """A probe batch's reads (its monitors, the spacing rule's and the votes'
    latest results) look up its 250 ids; a plan scanning a table costs
    milliseconds a batch at 30,000 monitors, the largest part of PostgreSQL's
    work per check."""
    if connection.vendor != "postgresql":
        pytest.skip("the query plans are PostgreSQL's")
    monitors = Monitor.objects.bulk_create(
        [
            Monitor(name=f"m{i}", protocol="http", target="http://127.0.0.1:9/")
            for i in range(30000)
        ],
        batch_size=5000,
    )
    LocationResult.objects.bulk_create(
        [LocationResult(monitor=m, location="USE", slot=T0, checked_at=T0, ok=True, status="up")
         for m in monitors],
        batch_size=5000,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE monitors_monitor, monitors_locationresult")
    batch = monitors[::120]  # ids spread like a batch's (by their phase)
    slots = {m.pk: T0 + timedelta(seconds=30) for m in batch}
    with CaptureQueriesContext(connection) as reads:
        specs = tasks._active_specs(slots)
        assert len(tasks._not_checked_lately("USE", specs, slots)) == len(batch)
        assert record("USE", [outcome(m, T0 + timedelta(seconds=30)) for m in batch]) == len(batch)
    selects = [q["sql"] for q in reads.captured_queries if q["sql"].startswith("SELECT")]
    assert len(selects) >= 4
    with connection.cursor() as cursor:
        for sql in selects:
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Seq Scan on monitors_" not in plan, (sql, plan)
            assert "monitor_grid_idx" not in plan, (sql, plan)
