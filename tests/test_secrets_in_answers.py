"""Secrets saved with a monitor (credentials in its URL, an Authorization
header, a request body) are shown to staff and read-write keys only: api.php
answers the target without userinfo or query string, read-only v1 keys see the
same target and header values and bodies masked, in the same shape; the
public page, its JSON, feeds and badges show no target at all."""

import pytest

from monitors.disclosure import MASK, public_target

pytestmark = pytest.mark.django_db

SECRET_URL = "https://robot:hunter2@api.example.test:8443/health?token=s3cr3t#frag"
HEADERS = "Authorization: Bearer s3cr3t-bearer\nX-Trace: 1"
BODY = '{"password": "s3cr3t-body"}'
SECRETS = ("hunter2", "robot", "s3cr3t")


@pytest.fixture
def secret_monitor(make_monitor, category):
    return make_monitor(target=SECRET_URL, http_headers=HEADERS, http_body=BODY, category=category)


@pytest.mark.parametrize(
    "target, shown",
    [
        (SECRET_URL, "https://api.example.test:8443/health"),
        ("http://user@[2001:db8::1]/x?y=1", "http://[2001:db8::1]/x"),
        ("https://example.test/", "https://example.test/"),
        ("db.example.test", "db.example.test"),
        ("admin@db.example.test", "db.example.test"),
    ],
)
def test_a_public_target_has_no_userinfo_query_or_fragment(target, shown):
    assert public_target(target) == shown


@pytest.mark.parametrize(
    "params", [{"action": "status"}, {"action": "status", "format": "grouped"}]
)
def test_api_php_answers_the_target_without_its_secrets(api_php, secret_monitor, params):
    status, body = api_php(**params)
    assert status == 200
    assert "https://api.example.test:8443/health" in str(body)
    assert not any(secret in str(body) for secret in SECRETS)


def test_a_read_only_v1_key_sees_the_same_fields_with_the_secrets_masked(
    https_client, read_only_key, api_key, secret_monitor
):
    def get(key: str, path: str):
        response = https_client.get(path, headers={"X-API-Key": key})
        assert response.status_code == 200
        return response.json()

    full = get(api_key, f"/v1/monitors/{secret_monitor.pk}")
    assert (full["TestURL"], full["HttpRequestHeader"], full["HttpRequestBody"]) == (
        SECRET_URL, HEADERS, BODY,
    )  # fmt: skip
    for shown in (get(read_only_key, "/v1/monitors")[0], get(read_only_key, full_path(full))):
        assert set(shown) == set(full)
        assert shown["TestURL"] == "https://api.example.test:8443/health"
        assert shown["HttpRequestHeader"] == f"Authorization: {MASK}\nX-Trace: {MASK}"
        assert shown["HttpRequestBody"] == MASK
        assert {k: v for k, v in shown.items() if not k.startswith(("Test", "Http"))} == {
            k: v for k, v in full.items() if not k.startswith(("Test", "Http"))
        }


def full_path(monitor: dict) -> str:
    return f"/v1/monitors/{monitor['Id']}"


@pytest.mark.parametrize(
    "path",
    ["/", "/history", "/api/v2/summary.json", "/api/v2/components.json", "/feed.rss",
     "/feed.atom", "/badge/monitor/{pk}.svg"],
)  # fmt: skip
def test_the_public_page_and_its_feeds_show_no_target(https_client, secret_monitor, path):
    response = https_client.get(path.format(pk=secret_monitor.pk))
    assert response.status_code == 200, path
    text = response.content.decode()
    assert "api.example.test" not in text and not any(s in text for s in SECRETS)
