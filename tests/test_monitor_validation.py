"""One set of monitor rules (monitors/validators.py) for the admin form and the
v1 API: the same bad monitor is refused by both, with the field named."""

import pytest

from monitors.models import Monitor
from monitors.validators import URL_MESSAGE
from tests.test_v1_monitors import PING_MONITOR, PORT_MONITOR, SAMPLE

pytestmark = pytest.mark.django_db

ADMIN_MONITOR = {
    "name": "Web", "protocol": "http", "target": "https://example.com/", "port": "",
    "is_active": "on", "frequency": "60", "locations": "USE", "retries": "1", "timeout": "10",
    "allow_redirects": "on", "expected_status_codes": "", "http_headers": "", "http_body": "",
    "expected_body": "", "resend_every": "0", "ssl_alert_days": "0",
    "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0",
}  # fmt: skip
TCP = {"protocol": "tcp", "target": "db.example.test", "port": "5432"}

HEADER_INJECTION = "X-A: 1\r\nContent-Length: 0\r\n\r\nGET /admin HTTP/1.1"
# (the admin's fields, the v1 body, the model field and the v1 field named, the message)
BAD = {
    "tcp without a port": (
        {**TCP, "port": ""}, {**PORT_MONITOR, "PortNumber": None}, "port", "PortNumber",
        "This field is required when Protocol is",
    ),
    "http target without a scheme": (
        {"target": "example.com/health"}, {**SAMPLE, "TestURL": "example.com/health"},
        "target", "TestURL", URL_MESSAGE,
    ),
    "header line without a colon": (
        {"http_headers": "justtext"}, {**SAMPLE, "HttpRequestHeader": "justtext"},
        "http_headers", "HttpRequestHeader", 'Line 1 is not a "Name: value" line.',
    ),
    "header smuggling a request": (
        {"http_headers": HEADER_INJECTION}, {**SAMPLE, "HttpRequestHeader": HEADER_INJECTION},
        "http_headers", "HttpRequestHeader", 'Line 4 is not a "Name: value" line.',
    ),
    "header framing the request": (
        {"http_headers": "Content-Length: 0"}, {**SAMPLE, "HttpRequestHeader": "Content-Length: 0"},
        "http_headers", "HttpRequestHeader", "Content-Length is set by the probe itself",
    ),
    "header value with a line separator": (
        {"http_headers": "X-A: 1\u2028X-B: 2"}, {**SAMPLE, "HttpRequestHeader": "X-A: 1\u2028X"},
        "http_headers", "HttpRequestHeader", "control or line-separator character",
    ),
    "header value with a bare carriage return": (
        {"http_headers": "X-A: 1\rX-B: 2"}, {**SAMPLE, "HttpRequestHeader": "X-A: 1\rX-B: 2"},
        "http_headers", "HttpRequestHeader", "control or line-separator character",
    ),
    "header value with nul": (
        {"http_headers": "X-A: a\x00b"}, {**SAMPLE, "HttpRequestHeader": "X-A: a\x00b"},
        "http_headers", "HttpRequestHeader", "",  # Django's own "Null characters" message
    ),
    "header name with a space": (
        {"http_headers": "Bad Name: x"}, {**SAMPLE, "HttpRequestHeader": "Bad Name: x"},
        "http_headers", "HttpRequestHeader", '"Bad Name" is not a valid header name.',
    ),
    "backslash before the at sign": (
        {"target": "http://ok.example\\@169.254.169.254/"},
        {**SAMPLE, "TestURL": "http://ok.example\\@169.254.169.254/"},
        "target", "TestURL", "A URL must not have a backslash before its path.",
    ),
    "url with port 0": (
        {"target": "http://example.com:0/"}, {**SAMPLE, "TestURL": "http://example.com:0/"},
        "target", "TestURL", "Port 0 cannot be probed",
    ),
    "tcp port 0": (
        {**TCP, "port": "0"}, {**PORT_MONITOR, "PortNumber": 0}, "port", "PortNumber", "",
    ),
    "ping target a url": (
        {"protocol": "ping", "target": "https://example.com"},
        {**PING_MONITOR, "TestURL": "https://example.com"},
        "target", "TestURL", "Enter a host name or IP address (not a URL) for this protocol.",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", list(BAD))
def test_the_admin_refuses_a_bad_monitor_naming_the_field(admin_client, case):
    fields, _, field, _, message = BAD[case]
    response = admin_client.post("/admin/monitors/monitor/add/", {**ADMIN_MONITOR, **fields})
    assert response.status_code == 200, "the form should be shown again with its errors"
    errors = response.context["adminform"].form.errors
    assert list(errors) == [field], errors
    assert message in " ".join(errors[field])
    assert not Monitor.objects.exists()


@pytest.mark.parametrize("case", list(BAD))
def test_the_v1_api_refuses_the_same_monitor_naming_the_field(v1, case):
    _, body, _, contract_field, message = BAD[case]
    response = v1.post("monitors", body)
    assert response.status_code == 400
    assert list(response.json()) == [contract_field], response.json()
    assert message in " ".join(response.json()[contract_field])
    assert not Monitor.objects.exists()


def test_headers_typed_in_the_admin_with_crlf_line_ends_are_saved(admin_client):
    headers = "X-Token: abc123\r\nAccept: application/json\r\nAuthorization: Bearer a b"
    response = admin_client.post(
        "/admin/monitors/monitor/add/", {**ADMIN_MONITOR, "http_headers": headers}
    )
    assert response.status_code == 302
    assert Monitor.objects.get().http_headers == headers


def test_a_tcp_monitor_with_a_port_and_a_json_header_object_are_accepted(admin_client, v1):
    response = admin_client.post("/admin/monitors/monitor/add/", {**ADMIN_MONITOR, **TCP})
    assert response.status_code == 302
    body = {**SAMPLE, "HttpRequestHeader": '{"X-Token": "json-form"}'}
    assert v1.post("monitors", body).status_code == 201
