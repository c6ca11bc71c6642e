"""Keys, and what any bad request to /v1/ gets: a JSON 4xx that changes nothing, never a 500."""

import json

import pytest
from django.test import Client
from django.utils import timezone

from core import pagecache
from core.enums import Severity
from incidents.models import Incident
from maintenance.models import ScheduledMaintenance
from monitors.models import Monitor
from statuspage.api.legituptime.dialect import MAX_BODY_BYTES
from statuspage.models import ApiKey
from tests.conftest import V1Client
from tests.test_v1_incidents import POST_SAMPLE as INCIDENT
from tests.test_v1_maintenance import ONE_OFF as MAINTENANCE
from tests.test_v1_monitors import SAMPLE as MONITOR

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(make_monitor) -> dict[str, int]:
    """One row of each resource, and valid bodies that point at them."""
    monitor = make_monitor()
    incident = Incident.objects.create(name="i", severity=Severity.OUTAGE, message="m")
    window = ScheduledMaintenance.objects.create(name="w", starts_at=timezone.now())
    return {"monitor": monitor.pk, "incident": incident.pk, "maintenance": window.pk}


def write_routes(rows: dict[str, int]) -> list[tuple[str, str, dict | None]]:
    bodies = {
        "monitors": MONITOR,
        "incidents": {**INCIDENT, "Monitors": str(rows["monitor"])},
        "maintenance": {**MAINTENANCE, "Monitors": str(rows["monitor"])},
        "scheduledmaintenance": {**MAINTENANCE, "Monitors": str(rows["monitor"])},
    }
    ids = {
        "monitors": rows["monitor"],
        "incidents": rows["incident"],
        "maintenance": rows["maintenance"],
        "scheduledmaintenance": rows["maintenance"],
    }
    return [
        route
        for prefix, body in bodies.items()
        for route in (
            ("POST", prefix, body),
            ("PUT", f"{prefix}/{ids[prefix]}", body),
            ("DELETE", f"{prefix}/{ids[prefix]}", None),
        )
    ]


def read_routes(rows: dict[str, int]) -> list[str]:
    return [
        "monitors", f"monitors/{rows['monitor']}", "incidents/active", "incidents/Inactive",
        f"incidents/{rows['incident']}", "scheduledmaintenance", "maintenance",
        f"scheduledmaintenance/{rows['maintenance']}", f"maintenance/{rows['maintenance']}",
    ]  # fmt: skip


def snapshot() -> tuple:
    return (
        list(Monitor.objects.values()),
        list(Incident.objects.values()),
        list(ScheduledMaintenance.objects.values()),
    )


def test_a_read_only_key_may_read_everything(rows, read_only_key):
    client = V1Client(read_only_key)
    for path in read_routes(rows):
        assert client.get(path).status_code == 200, path


def test_a_read_only_key_may_write_nowhere(rows, read_only_key):
    client = V1Client(read_only_key)
    before = snapshot()
    for method, path, body in write_routes(rows):
        response = client.call(method, path, body)
        assert response.status_code == 403, (method, path)
        assert response.json() == {"detail": "This API key is read-only."}
    assert snapshot() == before


@pytest.mark.parametrize("prefix", ["monitors", "incidents", "maintenance", "scheduledmaintenance"])
def test_every_write_drops_the_page_cache_once_committed(
    v1, rows, prefix, django_capture_on_commit_callbacks, default_page_id
):
    for method, path, body in write_routes(rows):
        if path.split("/")[0] != prefix:
            continue
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            assert v1.call(method, path, body).status_code in (200, 201)
            before_commit = pagecache.version(default_page_id)
        # After the commit too: a page rendered before it must not stay cached.
        assert callbacks, (method, path)
        assert pagecache.version(default_page_id) != before_commit, (method, path)


@pytest.mark.parametrize(
    "key, message",
    [
        (None, "Missing API key: send it in the X-API-Key header."),
        ("", "Invalid API key."),
        ("sp_not-a-key", "Invalid API key."),
    ],
)
def test_a_missing_or_wrong_key_is_a_401_everywhere(rows, key, message):
    client = V1Client(key)
    before = snapshot()
    routes = [("GET", path, None) for path in read_routes(rows)] + write_routes(rows)
    for method, path, body in routes:
        response = client.call(method, path, body)
        assert (response.status_code, response.json()) == (401, {"detail": message}), path
    assert snapshot() == before


def test_a_revoked_key_is_a_401(v1, api_key):
    ApiKey.objects.get().revoke()
    assert v1.get("monitors").status_code == 401


def test_a_body_over_one_mebibyte_is_a_413_and_is_not_read(v1):
    body = json.dumps({**MONITOR, "HttpRequestBody": "x" * MAX_BODY_BYTES})
    response = v1.post("monitors", raw=body)
    assert response.status_code == 413
    assert "1 MiB" in response.json()["detail"]
    assert not Monitor.objects.exists()


def test_a_body_just_under_the_limit_is_read(v1):
    padding = MAX_BODY_BYTES - len(json.dumps({**MONITOR, "HttpRequestBody": ""})) - 1000
    response = v1.post("monitors", {**MONITOR, "HttpRequestBody": "x" * padding})
    assert response.status_code == 201


def test_a_chunked_body_is_refused_rather_than_read_as_empty(v1):
    response = v1.post("monitors", MONITOR, HTTP_TRANSFER_ENCODING="chunked")
    assert response.status_code == 411 and "Content-Length" in response.json()["detail"]
    assert not Monitor.objects.exists()


def test_an_oversized_put_is_a_413_too(v1, make_monitor):
    monitor = make_monitor()
    response = v1.put(f"monitors/{monitor.pk}", raw="{" + " " * MAX_BODY_BYTES + "}")
    assert response.status_code == 413


@pytest.mark.parametrize(
    "raw",
    [
        "{",
        '{"Name": }',
        "not json",
        "[1, 2]",
        '"a string"',
        "42",
        "null",
        "[" * 100_000 + "]" * 100_000,
        '{"Name": NaN}',
        "\xff\xfe",
    ],
    ids=[
        "unclosed",
        "no value",
        "text",
        "array",
        "string",
        "number",
        "null",
        "deep",
        "nan",
        "bytes",
    ],
)
@pytest.mark.parametrize("path", ["monitors", "incidents", "maintenance"])
def test_a_body_that_is_not_a_json_object_is_a_400_with_a_detail(v1, path, raw):
    response = v1.post(path, raw=raw.encode("latin-1") if raw == "\xff\xfe" else raw)
    assert response.status_code == 400
    assert set(response.json()) == {"detail"} and response.json()["detail"]
    assert snapshot() == ([], [], [])


@pytest.mark.parametrize("path", ["monitors", "incidents", "maintenance"])
def test_an_empty_body_names_every_required_field(v1, path):
    response = v1.post(path, raw="")
    assert response.status_code == 400
    assert "Name" in response.json() and len(response.json()) >= 4


def test_a_form_body_is_a_415(v1):
    response = v1.post("monitors", raw="Name=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415 and "detail" in response.json()


@pytest.mark.parametrize("text", ["\ud800", "a\x00b"], ids=["lone surrogate", "nul"])
def test_text_the_database_cannot_store_is_a_400(v1, text):
    response = v1.post("monitors", raw=json.dumps({**MONITOR, "Name": text}))
    assert response.status_code == 400 and list(response.json()) == ["Name"]


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
@pytest.mark.parametrize(
    "prefix, name",
    [
        ("monitors", "monitor"),
        ("incidents", "incident"),
        ("maintenance", "scheduled maintenance"),
        ("scheduledmaintenance", "scheduled maintenance"),
    ],
)
def test_an_unknown_id_is_a_404_naming_it(v1, prefix, name, method):
    response = v1.call(method, f"{prefix}/424242", {})
    assert response.status_code == 404
    assert response.json() == {"detail": f"No {name} with Id 424242."}


@pytest.mark.parametrize(
    "path",
    ["nothing", "monitors/abc", "monitors/" + "9" * 40, "monitors/", "incidents/closed", ""],
)
def test_an_unknown_path_is_a_json_404(v1, path):
    response = v1.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_a_write_to_an_unknown_path_is_a_json_404_not_a_csrf_page(api_key, method):
    # A browser-less client has no CSRF cookie; the test client skips CSRF unless told.
    client = Client(enforce_csrf_checks=True)
    response = client.generic(
        method, "/v1/monitors/" + "9" * 40, "{}", content_type="application/json",
        secure=True, headers={"X-API-Key": api_key},
    )  # fmt: skip
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_more_query_parameters_than_django_reads_is_a_json_400(v1):
    response = v1.get("monitors?" + "&".join(["x=1"] * 1_001))
    assert response.status_code == 400
    assert response.json() == {"detail": "Too many parameters."}


def test_a_method_the_contract_lacks_is_a_json_405(v1, make_monitor):
    monitor = make_monitor()
    response = v1.call("PATCH", f"monitors/{monitor.pk}", {"Name": "x"})
    assert response.status_code == 405 and "detail" in response.json()
    assert v1.delete("monitors").status_code == 405


def test_unknown_fields_are_ignored(v1):
    response = v1.post("monitors", {**MONITOR, "Id": 99999, "Colour": "blue"})
    assert response.status_code == 201 and response.json()["Id"] != 99999


def test_a_write_that_loses_a_race_is_a_409_not_a_500():
    from django.db import IntegrityError

    from statuspage.api.legituptime.errors import v1_exception_handler

    response = v1_exception_handler(IntegrityError("FOREIGN KEY constraint failed"), {})
    assert response.status_code == 409 and "nothing was saved" in response.data["detail"]


@pytest.mark.parametrize(
    "raw, field",
    [
        (b'{"Name": "Web", "Protocol": "h", "TestURL": "https://a.test/", "Name": "B"}', "Name"),
        (b'{"Name": "Web", "Protocol": "h", "TestURL": "https://a.test/", '
         b'"Active": true, "Active": false}', "Active"),
    ],
)  # fmt: skip
def test_a_field_given_twice_in_a_body_is_a_400_naming_it(https_client, api_key, raw, field):
    response = https_client.post(
        "/v1/monitors", raw, content_type="application/json", headers={"X-API-Key": api_key}
    )
    assert response.status_code == 400
    assert response.json() == {field: ["Given more than once in the body."]}
    assert not Monitor.objects.exists()
