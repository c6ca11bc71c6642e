"""The product starts only when it is safe to, and its schema applies on both databases."""

import uuid

import pytest

from tests.services import POSTGRES_URL, need_postgres, run_manage


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_manage(
        "check", env={"DATABASE_URL": POSTGRES_URL, "DEBUG": "false"}, tmp_path=tmp_path
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_starts_with_a_secret_key(tmp_path):
    result = run_manage(
        "check",
        env={"DATABASE_URL": POSTGRES_URL, "DEBUG": "false", "SECRET_KEY": "x" * 50},
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr


def test_the_embedded_default_generates_its_secret_once(tmp_path):
    assert run_manage("check", env={}, tmp_path=tmp_path).returncode == 0
    secret = (tmp_path / "secret_key").read_text()
    assert len(secret) >= 50
    assert run_manage("check", env={}, tmp_path=tmp_path).returncode == 0
    assert (tmp_path / "secret_key").read_text() == secret


def test_migrations_apply_on_sqlite_and_match_the_models(tmp_path):
    db = tmp_path / "fresh.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{db}", "DEBUG": "true"}
    result = run_manage("migrate", "--noinput", env=env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    result = run_manage("makemigrations", "--check", "--dry-run", env=env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'wal.sqlite3'}", "DEBUG": "true"}
    code = (
        "from django.db import connection; c = connection.cursor();"
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0]);"
        "print(connection.transaction_mode)"
    )
    result = run_manage("shell", "-v", "0", "-c", code, env=env, tmp_path=tmp_path)
    assert result.stdout.split() == ["wal", "IMMEDIATE"], result.stderr


def test_migrations_apply_on_postgresql(tmp_path):
    need_postgres()
    import psycopg

    name = f"statuspage_migrate_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(
        POSTGRES_URL.replace("postgres://", "postgresql://"), autocommit=True
    ) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
        env = {"DATABASE_URL": url, "DEBUG": "true"}
        result = run_manage("migrate", "--noinput", env=env, tmp_path=tmp_path)
        assert result.returncode == 0, result.stderr
        result = run_manage("migrate", "--check", env=env, tmp_path=tmp_path)
        assert result.returncode == 0, result.stderr
    finally:
        with psycopg.connect(
            POSTGRES_URL.replace("postgres://", "postgresql://"), autocommit=True
        ) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.parametrize("path", ["/", "/admin/login/"])
def test_the_site_answers(client, db, path):
    assert client.get(path).status_code == 200
