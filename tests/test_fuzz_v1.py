"""Property-based fuzzing of the v1 API from its own OpenAPI schema (/v1/schema):
every operation, with a read-write, a read-only and a wrong key. No answer is a
5xx; every answer has a status code the schema documents for the operation and
a JSON body that matches it; data the schema forbids is refused; a success is
never had without a valid key."""

from datetime import UTC, datetime

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from core.enums import Protocol, Severity
from incidents.models import Incident
from maintenance.models import ScheduledMaintenance
from monitors.models import Monitor
from statuspage.models import ApiKey
from tests.fuzzing import fuzz_settings
from tests.v1_bodies import INCIDENT, MAINTENANCE, MONITOR


def load_schema(phases: dict) -> schemathesis.BaseSchema:
    """/v1/schema as the API serves it. Valid and invalid data alike; the key is
    ours (below), not a generated one."""
    config = schemathesis.Config.from_dict(
        {"generation": {"mode": "all", "with-security-parameters": False}, "phases": phases}
    )
    return schemathesis.openapi.from_wsgi(
        "/v1/schema?format=json", get_wsgi_application(), config=config
    )


# Random requests (hypothesis), some over existing rows and valid bodies.
schema = load_schema({"coverage": {"enabled": False}})
# Every boundary and wrong type of each field, parameter and header (schemathesis's
# coverage phase), each once.
boundaries = load_schema({"coverage": {"enabled": True}, "fuzzing": {"enabled": False}})
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
    ignored_auth,
]
# 16 operations x 3 keys: a bounded, repeatable run (half a minute on 2 cores)
# that still tries every operation with valid and invalid bodies, ids and headers.
FUZZ = fuzz_settings(examples=50)
PATH = ParameterLocation.PATH


@pytest.fixture
def in_process(db):
    """The WSGI app runs in the test's own transaction: keep Django from closing
    the connection as each request starts and ends, as its test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def existing_rows() -> dict[str, int]:
    """One row of each resource (made again if a fuzzed DELETE took it)."""
    monitor, _ = Monitor.objects.get_or_create(
        pk=1, defaults={"name": "Web", "protocol": Protocol.HTTP, "target": "https://e.test/"}
    )
    incident, made = Incident.objects.get_or_create(
        pk=1, defaults={"name": "Outage", "severity": Severity.OUTAGE, "message": "Looking"}
    )
    if made:
        incident.monitors.set([monitor])
    window, made = ScheduledMaintenance.objects.get_or_create(
        pk=1, defaults={"name": "Upgrade", "starts_at": datetime(2030, 1, 1, tzinfo=UTC)}
    )
    if made:
        window.monitors.set([monitor])
    return {"monitors": monitor.pk, "incidents": incident.pk, "maintenance": window.pk}


# Bodies the API accepts: a drawn part of a generated body is laid over one of these,
# so that fuzzed values also reach the save and the answer, not only validation.
VALID = {
    "monitors": [
        {**MONITOR, "PingLocations": "USE, UK", "ExpectedStatusCodes": "200,301"},
        {
            **MONITOR, "Name": "Mail", "Protocol": "p", "TestURL": "mail.example.com",
            "PortNumber": 25, "CheckFrequency": "30s", "Active": False, "ResendFrequency": "5m",
        },
    ],
    "incidents": [{**INCIDENT, "Monitors": "1"}],
    "maintenance": [
        {**MAINTENANCE, "DownTimeMinutes": 30, "Monitors": "1"},
        {
            **MAINTENANCE, "Name": "Patching", "DownTimeHours": 0, "DownTimeMinutes": 45,
            "Recurring": True, "RecurEvery": "w", "RecurEveryNum": 2,
            "RecurEndDateTime": "2031-01-01T00:00:00Z",
        },
    ],
}  # fmt: skip

KEYS = {
    "read-write key": lambda: ApiKey.generate("fuzz")[1],
    "read-only key": lambda: ApiKey.generate("fuzz (read-only)", read_only=True)[1],
    "wrong key": lambda: "sp_" + "x" * 43,
}


@pytest.fixture(params=list(KEYS))
def key(request, in_process) -> str:
    return KEYS[request.param]()


@pytest.fixture
def read_write_key(in_process) -> str:
    return KEYS["read-write key"]()


@schema.parametrize()
@schema.given(data=st.data())
@FUZZ
def test_every_answer_is_documented_and_never_a_5xx(case, data, key):
    rows = existing_rows()
    resource = case.path.split("/")[2].removeprefix("scheduled")
    # Whole new values (not edits in place), so that schemathesis re-reads which
    # parts of the request are still invalid.
    if "id" in (case.path_parameters or {}) and data.draw(st.booleans(), label="an existing id"):
        case.path_parameters = {**case.path_parameters, "id": rows[resource]}
    if isinstance(case.body, dict) and data.draw(st.booleans(), label="over a valid body"):
        kept = data.draw(st.sets(st.sampled_from(sorted(case.body))) if case.body else st.just(()))
        valid = data.draw(st.sampled_from(VALID[resource]))
        case.body = {**valid, **{name: case.body[name] for name in kept}}
    call_and_validate(case, key)


@boundaries.parametrize()
@FUZZ
def test_every_boundary_value_is_answered_as_documented(case, read_write_key):
    # Read-only and wrong keys are refused before the body is read: the boundaries
    # are the read-write key's. A valid id names an existing row, so that a PUT's
    # body is validated rather than answered 404.
    rows = existing_rows()
    if "id" in (case.path_parameters or {}) and not case.meta.is_negative_at(PATH):
        resource = case.path.split("/")[2].removeprefix("scheduled")
        case.path_parameters = {**case.path_parameters, "id": rows[resource]}
    call_and_validate(case, read_write_key)


def call_and_validate(case: schemathesis.Case, key: str) -> None:
    # identity: the answers' gzip would otherwise reach the checks undecoded.
    headers = {"X-API-Key": key, "Accept-Encoding": "identity"}
    response = case.call_and_validate(headers=headers, checks=CHECKS)
    assert response.status_code < 500
    assert response.headers["content-type"][0].startswith("application/json")


# HEAD answers as GET does, and OPTIONS with DRF's description of the resource.
UNLISTED = ["GET", "POST", "PUT", "DELETE", "PATCH", "TRACE", "CONNECT", "PROPFIND"]


@pytest.mark.parametrize("path", list(schema.raw_schema["paths"]))
def test_every_method_the_schema_does_not_list_is_a_json_405(client, in_process, path):
    raw = KEYS["read-write key"]()
    concrete = path.format(id=existing_rows()[path.split("/")[2].removeprefix("scheduled")])
    listed = {method.upper() for method in schema.raw_schema["paths"][path]}
    for method in set(UNLISTED) - listed:
        response = client.generic(method, concrete, secure=True, headers={"X-API-Key": raw})
        assert response.status_code == 405, (method, path)
        assert response.json() == {"detail": f'Method "{method}" not allowed.'}
        response = client.generic(method, concrete, secure=True)
        assert response.status_code == 401, (method, path)
