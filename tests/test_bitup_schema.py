"""api.php in its OpenAPI schema (/api.php/schema) and Swagger UI (/api.php/docs):
parameters, every action's and format's shape, and the error answers."""

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

from statuspage.api.bitup.docs import API_PATTERNS

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(https_client) -> dict:
    GENERATOR_STATS.reset()
    response = https_client.get("/api.php/schema", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_public_and_describes_api_php_only(schema):
    assert list(schema["paths"]) == ["/api.php"]
    assert list(schema["paths"]["/api.php"]) == ["get"]
    assert schema["info"]["version"] == "2.1.0"


def test_the_schema_is_generated_without_warnings(schema):
    assert not GENERATOR_STATS, dict(GENERATOR_STATS._warn_cache)


def test_the_schema_names_the_parameters_and_their_values(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api.php"]["get"]["parameters"]}

    assert parameters["key"]["required"] and parameters["action"]["required"]
    assert sorted(parameters["action"]["schema"]["enum"]) == [
        "categories", "category", "incidents", "stats", "status",
    ]  # fmt: skip
    assert sorted(parameters["format"]["schema"]["enum"]) == ["full", "grouped", "simple"]
    assert parameters["category_id"]["schema"]["type"] == "integer"


def test_the_schema_describes_every_shape_and_error(schema):
    operation = schema["paths"]["/api.php"]["get"]
    components = schema["components"]["schemas"]

    assert sorted(operation["responses"]) == ["200", "400", "401", "404", "405", "429"]
    data = [item.get("items", item)["$ref"].rsplit("/", 1)[1]
            for item in components["BitupData"]["oneOf"]]  # fmt: skip
    assert data == [
        "BitupMonitor", "BitupMonitorSimple", "BitupGroup", "BitupCategory",
        "BitupCategoryDetail", "BitupIncident", "BitupStats",
    ]  # fmt: skip
    assert sorted(components["BitupMonitorSimple"]["properties"]) == ["id", "name", "status"]
    group = components["BitupGroup"]
    assert group["properties"]["id"]["nullable"] and group["properties"]["name"]["nullable"]
    assert "without category" in group["description"] or "no category" in group["description"]
    assert "down_count" not in components["BitupCategoryDetail"]["properties"]
    assert sorted(components["BitupError"]["properties"]) == ["message", "status"]
    examples = operation["responses"]["401"]["content"]["application/json"]["examples"]
    assert [e["value"] for e in examples.values()] == [
        {"status": "error", "message": "Invalid API key. Access denied."}
    ]


def test_the_swagger_ui_loads_the_api_php_schema(https_client):
    response = https_client.get("/api.php/docs")

    assert response.status_code == 200
    # Its start-up script is a file of its own (the Content-Security-Policy).
    assert b"/api.php/schema" in https_client.get("/api.php/docs", {"script": ""}).content


def test_api_php_adds_no_warning_to_the_projects_schema_check():
    # `check --deploy` generates one schema of every URL with the project's
    # settings, where api.php's overrides of enum names do not apply.
    GENERATOR_STATS.reset()
    SchemaGenerator(patterns=API_PATTERNS).get_schema(request=None, public=True)

    assert not GENERATOR_STATS, dict(GENERATOR_STATS._warn_cache)
