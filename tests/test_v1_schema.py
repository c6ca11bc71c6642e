"""The OpenAPI 3 description of v1 at /v1/schema and its Swagger UI at /v1/docs."""

import pytest
from django.test import Client
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from statuspage.api.legituptime import spellings as enums
from statuspage.api.legituptime.urls import SCHEMA_PATTERNS

OPERATIONS = {
    "/v1/monitors": {"get", "post"},
    "/v1/monitors/{id}": {"get", "put", "delete"},
    "/v1/incidents": {"post"},
    "/v1/incidents/active": {"get"},
    "/v1/incidents/inactive": {"get"},
    "/v1/incidents/{id}": {"get", "put", "delete"},
    "/v1/scheduledmaintenance": {"get", "post"},
    "/v1/scheduledmaintenance/{id}": {"get", "put", "delete"},
    "/v1/maintenance": {"get", "post"},
    "/v1/maintenance/{id}": {"get", "put", "delete"},
}


@pytest.fixture(scope="module")
def schema() -> dict:
    GENERATOR_STATS.reset()
    generated = SchemaGenerator(patterns=SCHEMA_PATTERNS).get_schema(request=None, public=True)
    assert not GENERATOR_STATS, "schema generation warned (run `spectacular --validate`)"
    return generated


def test_the_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)


def test_the_schema_describes_every_endpoint_and_nothing_else(schema):
    described = {path: set(ops) - {"parameters"} for path, ops in schema["paths"].items()}
    assert described == OPERATIONS


def test_every_operation_documents_its_errors(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "429"} <= codes, (method, path)
            assert operation["security"] == [{"ApiKey": []}]
            if method != "get":
                assert "403" in codes, (method, path)
            if "{id}" in path:
                assert "404" in codes, (method, path)
            if method in ("post", "put"):
                assert {"400", "413", "415"} <= codes, (method, path)
                assert ("201" if method == "post" else "200") in codes


def test_the_key_is_a_header_named_x_api_key(schema):
    scheme = schema["components"]["securitySchemes"]["ApiKey"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "X-API-Key")


def test_a_400_is_field_errors_or_a_detail(schema):
    components = schema["components"]["schemas"]
    refs = [one["$ref"].rsplit("/", 1)[1] for one in components["BadRequest"]["oneOf"]]
    assert refs == ["FieldErrors", "ErrorDetail"]
    reasons = components["FieldErrors"]["additionalProperties"]
    assert reasons == {"type": "array", "items": {"type": "string"}}
    assert components["ErrorDetail"]["required"] == ["detail"]


def test_every_field_of_the_contract_is_described(schema):
    components = schema["components"]["schemas"]
    fields = {
        "MonitorRequest": {
            "Name", "Protocol", "TestURL", "PingLocations", "CheckFrequency", "Active",
            "ResendFrequency", "SSLExpiringAlertFrequency", "AllowRedirects",
            "ExpectedStatusCodes", "HttpRequestBody", "HttpRequestHeader",
            "ResponseExpectedBodyContains", "PortNumber",
        },
        "IncidentRequest": {
            "Name", "Severity", "CurrentStatus", "Message", "Monitors",
            "ApplyToStatusPagesOfAffectedMonitors",
        },
        "ScheduledMaintenanceRequest": {
            "Name", "StartDateTime", "DownTimeHours", "DownTimeMinutes", "Message", "Recurring",
            "RecurEvery", "RecurEveryNum", "RecurEndDateTime", "Monitors",
        },
    }  # fmt: skip
    for name, expected in fields.items():
        assert set(components[name]["properties"]) == expected
        response = components[name.removesuffix("Request")]
        assert set(response["properties"]) == expected | {"Id"}
    assert components["MonitorRequest"]["properties"]["Name"]["maxLength"] == 200
    assert components["IncidentRequest"]["properties"]["Message"]["maxLength"] == 400
    minutes = components["ScheduledMaintenanceRequest"]["properties"]["DownTimeMinutes"]
    assert (minutes["minimum"], minutes["maximum"]) == (0, 59)


def test_enums_carry_the_v1_codes(schema):
    components = schema["components"]["schemas"]
    assert components["ProtocolEnum"]["enum"] == enums.V1_PROTOCOL.codes
    assert components["CheckFrequencyEnum"]["enum"] == enums.V1_CHECK_FREQUENCY.codes
    assert components["ResendFrequencyEnum"]["enum"] == enums.V1_RESEND_FREQUENCY.codes
    assert components["SSLExpiringAlertFrequencyEnum"]["enum"] == enums.V1_SSL_ALERT.codes
    assert components["SeverityEnum"]["enum"] == enums.V1_SEVERITY.codes
    assert components["CurrentStatusEnum"]["enum"] == enums.V1_INCIDENT_STATUS.codes
    unit = components["ScheduledMaintenanceRequest"]["properties"]["RecurEvery"]["oneOf"][0]
    assert unit["enum"] == [*enums.V1_RECUR_UNIT.codes, None]


@pytest.mark.django_db
def test_the_schema_is_served_without_a_key():
    response = Client().get("/v1/schema", {"format": "json"}, secure=True)
    assert response.status_code == 200
    assert set(response.json()["paths"]) == set(OPERATIONS)


@pytest.mark.django_db
def test_the_docs_page_loads_swagger_ui_from_our_own_static_files():
    response = Client().get("/v1/docs", secure=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    # Its start-up script is a file of its own (the Content-Security-Policy).
    script = Client().get("/v1/docs", {"script": ""}, secure=True).content.decode()
    assert "/v1/schema" in script
