"""Oversized, deep and huge request bodies: v1 refuses a body over 1 MiB with
413 before reading it, answers deep JSON with a 400 rather than recursing to a
crash, and reads huge JSON in bounded time and memory, on every write route;
the admin, the page and api.php answer a 5 MiB POST with a 4xx and keep working."""

import json
import time
import tracemalloc
from datetime import UTC, datetime

import pytest
from django.test import Client

from core.enums import Protocol, Severity
from incidents.models import Incident
from maintenance.models import ScheduledMaintenance
from monitors.models import Monitor
from statuspage.api.legituptime.dialect import MAX_BODY_BYTES
from tests.v1_bodies import INCIDENT, MAINTENANCE, MONITOR

pytestmark = pytest.mark.django_db

DEPTH = 100_000
FIVE_MIB = 5 * 1024 * 1024
# Far above what one request needs (a 1 MiB body parses into a few MiB of
# objects), far below what a runaway parse would take.
MEMORY_BOUND = 48 * 1024 * 1024
TIME_BOUND = 5.0

BODIES = {
    "monitors": MONITOR,
    "incidents": INCIDENT,
    "scheduledmaintenance": MAINTENANCE,
    "maintenance": MAINTENANCE,
}


@pytest.fixture
def routes(db) -> list[tuple[str, str, dict]]:
    """Every v1 write route: (method, path, a valid body)."""
    ids = {
        "monitors": Monitor.objects.create(
            name="Web", protocol=Protocol.HTTP, target="https://example.com/"
        ).pk,
        "incidents": Incident.objects.create(
            name="Outage", severity=Severity.OUTAGE, message="Looking"
        ).pk,
        "maintenance": ScheduledMaintenance.objects.create(
            name="Upgrade", starts_at=datetime(2030, 1, 1, tzinfo=UTC)
        ).pk,
    }
    ids["scheduledmaintenance"] = ids["maintenance"]
    return [
        *(("POST", f"/v1/{prefix}", body) for prefix, body in BODIES.items()),
        *(("PUT", f"/v1/{prefix}/{ids[prefix]}", body) for prefix, body in BODIES.items()),
    ]


def send(api_key: str, method: str, path: str, raw: bytes):
    """The answer, the seconds it took and the peak memory allocated meanwhile."""
    client = Client()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        response = client.generic(
            method, path, raw, content_type="application/json", secure=True,
            headers={"X-API-Key": api_key},
        )  # fmt: skip
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return response, seconds, peak


DEEP = {
    "arrays": b"[" * DEPTH + b"]" * DEPTH,
    "objects": b'{"a":' * DEPTH + b"1" + b"}" * DEPTH,
    "unclosed arrays": b"[" * DEPTH,
    "arrays in a field": b'{"Name": ' + b"[" * DEPTH + b"]" * DEPTH + b"}",
}


@pytest.mark.parametrize("shape", list(DEEP))
def test_deeply_nested_json_is_a_400_on_every_write_route(routes, api_key, shape):
    for method, path, _ in routes:
        response, seconds, peak = send(api_key, method, path, DEEP[shape])
        assert response.status_code == 400, (method, path)
        assert "nested too deeply" in response.json()["detail"]
        assert seconds < TIME_BOUND and peak < MEMORY_BOUND, (method, path, seconds, peak)


def test_json_nested_just_within_the_parser_is_refused_as_the_wrong_type(routes, api_key):
    for method, path, body in routes:
        nested = "[" * 900 + "]" * 900
        raw = json.dumps(body)[:-1].encode() + f', "Name": {nested}}}'.encode()
        response, _, _ = send(api_key, method, path, raw)
        assert response.status_code == 400 and list(response.json()) == ["Name"]


def test_json_with_sixty_thousand_keys_is_read_in_bounded_time_and_memory(routes, api_key):
    # Unknown fields are ignored, so this is a valid write carrying ~0.9 MiB of noise.
    noise = {f"k{n}": n for n in range(60_000)}
    for method, path, body in routes:
        raw = json.dumps({**noise, **body}).encode()
        assert len(raw) < MAX_BODY_BYTES
        response, seconds, peak = send(api_key, method, path, raw)
        assert response.status_code == (201 if method == "POST" else 200), response.content
        assert seconds < TIME_BOUND and peak < MEMORY_BOUND, (method, path, seconds, peak)


@pytest.mark.parametrize(
    "field, value",
    [
        ("Name", "x" * 1_000_000),
        ("Name", ["x"] * 200_000),
        ("Monitors", ",".join(str(n) for n in range(1, 150_000))),
    ],
)
def test_a_huge_field_is_a_400_naming_it(routes, api_key, field, value):
    for method, path, body in routes:
        if field not in body:
            continue
        raw = json.dumps({**body, field: value}).encode()
        response, seconds, peak = send(api_key, method, path, raw)
        assert response.status_code == 400 and list(response.json()) == [field]
        assert seconds < TIME_BOUND and peak < MEMORY_BOUND, (method, path, seconds, peak)


NUMBER_FIELDS = {"monitors": "PortNumber", "incidents": "Name", "maintenance": "DownTimeHours"}


@pytest.mark.parametrize("literal", [b"1" * 900_000, b"1e999999", b"-" + b"9" * 5_000])
def test_a_huge_number_is_a_400(routes, api_key, literal):
    for method, path, body in routes:
        field = NUMBER_FIELDS[path.split("/")[2].removeprefix("scheduled")]
        raw = json.dumps(body)[:-1].encode() + f', "{field}": '.encode() + literal + b"}"
        response, seconds, _ = send(api_key, method, path, raw)
        assert response.status_code == 400, (method, path, response.content[:200])
        assert seconds < TIME_BOUND


def test_a_body_over_a_mebibyte_is_a_413_on_every_write_route(routes, api_key):
    raw = b'{"Name": "' + b"x" * MAX_BODY_BYTES + b'"}'
    for method, path, _ in routes:
        response, _, _ = send(api_key, method, path, raw)
        assert response.status_code == 413, (method, path)
        assert "1 MiB" in response.json()["detail"]
    assert Monitor.objects.count() == Incident.objects.count() == 1


def login_form(client: Client) -> str:
    """The admin's login form, as a browser gets it: its CSRF token."""
    page = client.get("/admin/login/", secure=True)
    assert page.status_code == 200
    return str(page.context["csrf_token"])


def test_a_five_mib_login_post_is_a_400_and_the_login_still_works(admin_user):
    # A browser's POST: the CSRF cookie and token, and the Origin HTTPS asks for.
    client = Client(enforce_csrf_checks=True, headers={"Origin": "https://testserver"})
    token = login_form(client)
    huge = f"csrfmiddlewaretoken={token}&username=admin&password=".encode() + b"x" * FIVE_MIB
    response = client.post(
        "/admin/login/", huge, content_type="application/x-www-form-urlencoded", secure=True
    )
    # Past DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MiB, by Content-Length) Django refuses
    # to read the form at all: 400, and nothing was kept in memory.
    assert response.status_code == 400
    response = client.post(
        "/admin/login/",
        {"csrfmiddlewaretoken": token, "username": "admin", "password": "password"},
        secure=True,
    )
    assert response.status_code == 302


def test_a_five_mib_post_without_a_csrf_token_is_a_403(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/admin/login/", b"x" * FIVE_MIB, content_type="application/x-www-form-urlencoded",
        secure=True,
    )  # fmt: skip
    assert response.status_code == 403


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "multipart/form-data; boundary=xx"],
)
def test_a_five_mib_admin_form_post_is_a_400(admin_client, content_type):
    body = b"--xx\r\n" + b"x" * FIVE_MIB if content_type.startswith("multipart") else b"name="
    body += b"x" * (FIVE_MIB - len(body))
    response = admin_client.post(
        "/admin/monitors/category/add/", body, content_type=content_type, secure=True
    )
    assert response.status_code == 400
    assert admin_client.get("/admin/monitors/category/", secure=True).status_code == 200


@pytest.mark.parametrize(
    "path", ["/", "/history", "/api/v2/summary.json", "/badge/monitor/1.svg", "/api.php"]
)
def test_a_five_mib_post_to_the_page_or_api_php_is_a_4xx_and_the_page_still_answers(path, db):
    body = b"a=" + b"x" * FIVE_MIB
    for csrf in (True, False):
        client = Client(enforce_csrf_checks=csrf)
        response = client.post(
            path, body, content_type="application/x-www-form-urlencoded", secure=True
        )
        assert 400 <= response.status_code < 500, (path, csrf, response.status_code)
    assert client.get("/", secure=True).status_code == 200
