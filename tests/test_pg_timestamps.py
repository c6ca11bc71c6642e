"""Timestamps read from PostgreSQL: the same aware UTC values Django gives,
parsed by psycopg's own (C) loader instead of Django's pure-Python one."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from monitors.models import Monitor


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("psycopg's loaders are PostgreSQL's (CI runs on it)")


@pytest.mark.django_db
def test_timestamps_read_back_are_the_same_aware_utc_instants(postgres, make_monitor):
    at = datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=UTC)
    make_monitor(next_check_at=at, claimed_at=at.replace(microsecond=0))
    with timezone.override("Asia/Kolkata"):  # the active zone changes nothing read
        read, whole = Monitor.objects.values_list("next_check_at", "claimed_at").get()
    assert (read, whole) == (at, at.replace(microsecond=0))
    assert read.tzinfo is UTC and whole.tzinfo is UTC
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz + interval '1 day', NULL::timestamptz", [at])
        assert cursor.fetchone() == (at + timedelta(days=1), None)


@pytest.mark.django_db
def test_the_connection_parses_timestamps_with_psycopgs_loader_not_djangos(postgres):
    from django.db.backends.postgresql.psycopg_any import BaseTzLoader
    from psycopg import adapters
    from psycopg.pq import Format

    connection.ensure_connection()
    oid = adapters.types["timestamptz"].oid
    with connection.cursor() as cursor:
        loader = cursor.cursor.adapters.get_loader(oid, Format.TEXT)
    assert not issubclass(loader, BaseTzLoader)
    assert loader.timezone is UTC  # Django's per-cursor check keeps it
