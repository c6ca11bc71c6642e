"""/api.php's keys, errors and odd input: the contract's error shape and
messages, a clear 4xx for anything malformed, never a 500."""

import json

import pytest
from rest_framework.throttling import BaseThrottle

from statuspage.api.bitup.view import ApiPhpView
from statuspage.models import ApiKey

pytestmark = pytest.mark.django_db

INVALID_KEY = {"status": "error", "message": "Invalid API key. Access denied."}
INVALID_ACTION = {
    "status": "error",
    "message": "Invalid action. Supported: status, categories, incidents, stats, category",
}
CATEGORY_ID_REQUIRED = {"status": "error", "message": "category_id required"}
CATEGORY_NOT_FOUND = {"status": "error", "message": "Category not found"}
NOT_POSITIVE = {"status": "error", "message": "category_id must be a positive integer"}
INVALID_FORMAT = {"status": "error", "message": "Invalid format. Supported: full, simple, grouped"}


def raw_get(https_client, query: str):
    """GET with a query string sent exactly as written (odd encodings included)."""
    response = https_client.get("/api.php?" + query)
    return response.status_code, response.json()


def test_a_missing_key_is_refused(api_php):
    assert api_php(key=None, action="status") == (401, INVALID_KEY)
    assert api_php(key="", action="status") == (401, INVALID_KEY)


def test_a_wrong_key_is_refused(api_php, api_key):
    assert api_php(key="sp_not-a-key", action="status") == (401, INVALID_KEY)
    assert api_php(key=api_key[:-1], action="status") == (401, INVALID_KEY)


def test_a_revoked_key_is_refused(api_php):
    key, raw = ApiKey.generate("revoked soon")
    assert api_php(key=raw, action="stats")[0] == 200
    key.revoke()
    assert api_php(key=raw, action="stats") == (401, INVALID_KEY)


def test_read_only_and_read_write_keys_may_both_read(api_php, api_key, read_only_key):
    assert api_php(key=read_only_key, action="categories")[0] == 200
    assert api_php(key=api_key, action="categories")[0] == 200


def test_the_key_is_checked_before_anything_else(api_php):
    assert api_php(key=None) == (401, INVALID_KEY)
    assert api_php(key="wrong", action="nonsense") == (401, INVALID_KEY)
    assert api_php(key="wrong", action="category", category_id="0") == (401, INVALID_KEY)


def test_a_key_given_twice_or_with_odd_characters_is_refused(https_client, api_key):
    assert raw_get(https_client, f"key={api_key}&key={api_key}&action=status") == (401, INVALID_KEY)
    assert raw_get(https_client, "key=%FF%FE&action=status") == (401, INVALID_KEY)
    assert raw_get(https_client, "key=sp_%0A%09&action=status") == (401, INVALID_KEY)
    assert raw_get(https_client, "key=" + "x" * 100_000 + "&action=status") == (401, INVALID_KEY)


def test_a_key_with_a_nul_byte_is_refused_rather_than_crashing_the_database(https_client, api_key):
    # PostgreSQL refuses NUL in text parameters, so the lookup must never send one.
    assert raw_get(https_client, f"key={api_key}%00&action=status") == (401, INVALID_KEY)
    assert raw_get(https_client, "key=sp_%00&action=status") == (401, INVALID_KEY)


def test_a_missing_or_unknown_action_names_the_supported_ones(api_php):
    assert api_php() == (400, INVALID_ACTION)
    assert api_php(action="") == (400, INVALID_ACTION)
    assert api_php(action="monitors") == (400, INVALID_ACTION)
    assert api_php(action="STATUS") == (400, INVALID_ACTION)
    assert api_php(action=" status") == (400, INVALID_ACTION)


def test_category_needs_a_category_id(api_php):
    assert api_php(action="category") == (400, CATEGORY_ID_REQUIRED)
    assert api_php(action="category", category_id="") == (400, CATEGORY_ID_REQUIRED)


@pytest.mark.parametrize(
    "value", ["0", "000", "-1", "+1", "1.0", "1e3", " 1", "1 ", "abc", "²", "١", "1;DROP TABLE"]
)
def test_a_category_id_that_is_not_a_positive_integer_is_a_bad_request(api_php, value):
    assert api_php(action="category", category_id=value) == (400, NOT_POSITIVE)


@pytest.mark.parametrize("value", ["1", "007", "9223372036854775807", "9" * 20, "9" * 5000])
def test_an_unknown_category_is_not_found(api_php, value):
    assert api_php(action="category", category_id=value) == (404, CATEGORY_NOT_FOUND)


def test_an_unknown_format_is_a_bad_request_on_status_only(api_php):
    assert api_php(action="status", format="xml") == (400, INVALID_FORMAT)
    assert api_php(action="status", format="FULL") == (400, INVALID_FORMAT)
    # The contract reads format only for action=status.
    assert api_php(action="categories", format="xml")[0] == 200
    assert api_php(action="status", format="")[0] == 200


def test_a_parameter_given_twice_is_a_bad_request(https_client, api_key):
    for query in ("action=status&action=stats", "action=status&format=full&format=simple",
                  "action=category&category_id=1&category_id=2"):  # fmt: skip
        status_code, body = raw_get(https_client, f"key={api_key}&{query}")
        assert status_code == 400
        assert body["status"] == "error"
        assert body["message"].startswith("Parameter ") and "only once" in body["message"]


def test_unknown_parameters_are_ignored(api_php):
    assert api_php(action="stats", _="1700000000", foo="bar")[0] == 200


@pytest.mark.parametrize(
    "query",
    [
        "action=status%00",
        "action=%00",
        "action=%FF",
        "action=status&format=simple%00",
        "action=category&category_id=1%00",
        "action=category&category_id=%00",
        "action=category&category_id=%C0%AF",
        "action=<script>alert(1)</script>",
        "action=status'%20OR%201=1--",
        "action=category&category_id=1'%20OR%20'1'='1",
        "action=" + "a" * 50_000,
        "action=category&category_id=" + "1" * 50_000,
        "action[]=status",
        "action=status;format=grouped",
    ],
)
def test_odd_input_gets_a_4xx_in_the_contracts_error_shape(https_client, api_key, query):
    status_code, body = raw_get(https_client, f"key={api_key}&{query}")
    assert 400 <= status_code < 500
    assert set(body) == {"status", "message"} and body["status"] == "error"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
def test_other_methods_than_get_are_not_allowed(https_client, api_key, method):
    response = getattr(https_client, method)(f"/api.php?key={api_key}&action=status")
    assert response.status_code == 405
    assert response.json() == {
        "status": "error",
        "message": f"Method {method.upper()} not allowed. Use GET.",
    }
    assert response["Allow"] == "GET, HEAD"


def test_another_method_without_a_key_is_still_a_401(https_client):
    response = https_client.post("/api.php?action=status", {"name": "x"})
    assert (response.status_code, response.json()) == (401, INVALID_KEY)


def test_head_answers_like_get_without_a_body(https_client, api_key):
    response = https_client.head("/api.php", {"key": api_key, "action": "stats"})
    assert response.status_code == 200
    assert response.content == b""


def test_the_answer_is_json_whatever_the_client_accepts(https_client, api_key):
    for accept in ("text/html", "application/xml", "*/*", "application/json; indent=4"):
        response = https_client.get(
            "/api.php", {"key": api_key, "action": "stats"}, headers={"accept": accept}
        )
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response.json()["status"] == "success"


def test_errors_are_utf8_json_and_no_answer_is_cached(https_client, api_key):
    for query in ({"action": "status"}, {"key": api_key, "action": "status"}):
        response = https_client.get("/api.php", query)
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert "no-store" in response["Cache-Control"]


class AlwaysThrottled(BaseThrottle):
    def allow_request(self, request, view) -> bool:
        return False

    def wait(self) -> float:
        return 7


def test_an_error_drf_raises_itself_keeps_the_contracts_shape_and_headers(rf, api_key):
    view = ApiPhpView.as_view(throttle_classes=[AlwaysThrottled])

    response = view(rf.get("/api.php", {"key": api_key, "action": "stats"}))
    response.render()

    assert response.status_code == 429
    assert response["Retry-After"] == "7"
    assert json.loads(response.content) == {
        "status": "error",
        "message": "Request was throttled. Expected available in 7 seconds.",
    }


def test_more_parameters_than_django_reads_is_a_400_in_the_contracts_shape(https_client, api_key):
    # Django refuses past DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) before any view runs;
    # its HTML page used to come back (found by tests/test_fuzz_api_php.py).
    query = f"key={api_key}&action=status&" + "&".join(["x=1"] * 1_001)
    response = https_client.get("/api.php?" + query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {"status": "error", "message": "Too many parameters."}
