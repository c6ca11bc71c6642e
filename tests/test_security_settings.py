"""Production settings are safe by default, and admin logins cannot be guessed."""

import pytest

from tests.services import POSTGRES_URL, run_manage

PRODUCTION = {
    "DATABASE_URL": POSTGRES_URL,
    "DEBUG": "false",
    "SECRET_KEY": "k3y-" + "x7Qp9" * 12,
    "ALLOWED_HOSTS": "status.example.com",
}


def test_production_settings_pass_the_deploy_check_with_no_warnings(tmp_path):
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION, tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_redirects_plain_http_and_trusts_the_proxy_header(tmp_path):
    collected = run_manage(
        "collectstatic", "--noinput", "-v", "0", env=PRODUCTION, tmp_path=tmp_path
    )
    assert collected.returncode == 0, collected.stderr
    code = (
        "from django.test import Client; c = Client(SERVER_NAME='status.example.com');"
        "print(c.get('/admin/login/').status_code);"
        "r = c.get('/admin/login/', HTTP_X_FORWARDED_PROTO='https');"
        "print(r.status_code, r.headers.get('Strict-Transport-Security'))"
    )
    result = run_manage("shell", "-v", "0", "-c", code, env=PRODUCTION, tmp_path=tmp_path)
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "301", result.stderr
    assert lines[-1].startswith("200 max-age=31536000"), result.stdout + result.stderr


def test_counting_rate_limits_in_a_cache_without_atomic_increments_is_refused(tmp_path):
    # The embedded default's file cache: concurrent hits would be lost.
    result = run_manage("check", env={"RATE_LIMIT_STORE": "cache"}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert 'RATE_LIMIT_STORE="cache" needs CACHE_URL to be Redis' in result.stderr


@pytest.mark.django_db
def test_repeated_failed_admin_logins_lock_the_address_out(client, django_user_model, settings):
    settings.AXES_FAILURE_LIMIT = 3
    django_user_model.objects.create_superuser("boss", "boss@example.test", "right-password-1")
    for _ in range(2):
        response = client.post("/admin/login/", {"username": "boss", "password": "guess"})
        assert response.status_code == 200  # the form again, with an error
    assert (
        client.post("/admin/login/", {"username": "boss", "password": "guess"}).status_code == 429
    )
    locked = client.post("/admin/login/", {"username": "boss", "password": "right-password-1"})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
