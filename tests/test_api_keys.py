import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from statuspage.api.keyauth import authenticate_key
from statuspage.models import ApiKey, hash_key

pytestmark = pytest.mark.django_db


def test_a_generated_key_is_stored_only_as_its_hash():
    key, raw = ApiKey.generate("dashboard")
    stored = ApiKey.objects.get(pk=key.pk)
    assert len(raw) >= 40
    assert stored.key_hash == hash_key(raw)
    assert raw not in {getattr(stored, f.attname) for f in ApiKey._meta.concrete_fields}
    assert stored.prefix == raw[:8]


def test_every_generated_key_is_different():
    raws = {ApiKey.generate(f"k{i}")[1] for i in range(20)}
    assert len(raws) == 20


def test_a_valid_key_authenticates_and_records_its_use():
    key, raw = ApiKey.generate("dashboard")
    assert key.last_used_at is None
    assert authenticate_key(raw) == key
    key.refresh_from_db()
    assert key.last_used_at is not None


@pytest.mark.parametrize("guess", ["", None, "sp_wrong", "x" * 5000])
def test_a_wrong_or_missing_key_does_not_authenticate(guess):
    ApiKey.generate("dashboard")
    assert authenticate_key(guess) is None


def test_a_key_with_the_right_prefix_but_wrong_secret_is_refused():
    _, raw = ApiKey.generate("dashboard")
    assert authenticate_key(raw[:-1] + ("A" if raw[-1] != "A" else "B")) is None


def test_a_revoked_key_stops_working_at_once():
    key, raw = ApiKey.generate("dashboard")
    assert authenticate_key(raw) == key
    key.revoke()
    assert key.is_revoked
    assert authenticate_key(raw) is None


def test_last_use_is_written_at_most_once_a_minute(django_assert_num_queries):
    key, raw = ApiKey.generate("dashboard")
    authenticate_key(raw)
    with django_assert_num_queries(1):  # the lookup, no write
        authenticate_key(raw)


def test_createapikey_prints_the_raw_key_as_the_last_word(capsys):
    call_command("createapikey", "ci pipeline", "--read-only")
    output = capsys.readouterr().out.strip()
    raw = output.split()[-1]
    key = authenticate_key(raw)
    assert key is not None and key.name == "ci pipeline" and key.read_only


def test_admin_generates_a_key_and_shows_it_once(admin_client):
    response = admin_client.post(
        "/admin/statuspage/apikey/add/", {"name": "grafana", "read_only": "on"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    raw = re.search(r'id="raw-key"[^>]*value="([^"]+)"', page).group(1)
    key = authenticate_key(raw)
    assert key.name == "grafana" and key.read_only
    assert "Copy" in page
    change_page = admin_client.get(f"/admin/statuspage/apikey/{key.pk}/change/").content.decode()
    assert raw not in change_page
    assert "Generate new API key" in admin_client.get("/admin/statuspage/apikey/").content.decode()


def test_admin_revokes_keys(admin_client):
    key, raw = ApiKey.generate("old")
    admin_client.post(
        "/admin/statuspage/apikey/", {"action": "revoke", "_selected_action": [key.pk]}
    )
    key.refresh_from_db()
    assert key.revoked_at is not None and key.revoked_at <= timezone.now()
    assert authenticate_key(raw) is None
