"""Every page carries a Content-Security-Policy that allows scripts from our
own static files only and forbids framing, and no page has an inline script
(the browser side is in tests/test_browser.py); Swagger UI gets what it needs."""

import re

import pytest

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)


def policy(response) -> dict[str, list[str]]:
    directives = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {name: values for name, *values in directives if name}


@pytest.mark.parametrize("path", ["/", "/history", "/admin/login/", "/api.php", "/v1/monitors"])
def test_every_answer_allows_only_our_own_scripts_and_no_framing(https_client, path):
    response = https_client.get(path)
    found = policy(response)
    assert found["script-src"] == ["'self'"]
    assert found["frame-ancestors"] == ["'none'"]
    assert found["default-src"] == ["'self'"]


def test_the_page_and_the_admin_have_no_inline_script(https_client, admin_user, make_monitor):
    make_monitor()
    https_client.force_login(admin_user)
    created = https_client.post("/admin/statuspage/apikey/add/", {"name": "grafana"})
    assert created.status_code == 200 and "raw-key" in created.content.decode()
    for response in (created, https_client.get("/"), https_client.get("/admin/")):
        assert not INLINE_SCRIPT.search(response.content.decode())


@pytest.mark.parametrize("path", ["/v1/docs", "/api.php/docs"])
def test_swagger_ui_loads_its_start_up_script_as_a_file(https_client, path):
    response = https_client.get(path)
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html)
    assert policy(response)["script-src"] == ["'self'"]
    assert "'unsafe-inline'" in policy(response)["style-src"]  # Swagger's own inline styles
    script = https_client.get(path, {"script": ""})
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
