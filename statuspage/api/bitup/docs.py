"""api.php's own OpenAPI schema and Swagger UI, apart from v1's (another
contract, another key scheme). Public: they describe, they hold no data."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import AllowAny

from statuspage.api.bitup.envelope import API_VERSION
from statuspage.api.bitup.view import ApiPhpView
from statuspage.api.docs_csp import SwaggerUIView

SCHEMA_URL_NAME = "api-php-schema"
API_PATTERNS = [path("api.php", ApiPhpView.as_view(), name="api-php")]


class ApiPhpSchemaView(SpectacularAPIView):
    authentication_classes: list[type[BaseAuthentication]] = []
    permission_classes = [AllowAny]
    patterns = API_PATTERNS
    custom_settings = {
        "TITLE": "BitUp status API (api.php)",
        "DESCRIPTION": "GET /api.php?key={API_KEY}&action={action}: the read-only status API "
        "of the BitUp contract. Every answer is JSON in UTF-8.",
        "VERSION": f"{API_VERSION}.0",
        # Not ENUM_NAME_OVERRIDES: drf-spectacular caches those per process,
        # so they would leak into the v1 schema served by the same process.
        "SCHEMA_PATH_PREFIX": "",
    }


class ApiPhpDocsView(SwaggerUIView):
    authentication_classes: list[type[BaseAuthentication]] = []
    permission_classes = [AllowAny]
    url_name = SCHEMA_URL_NAME


DOCS_PATTERNS = [
    path("api.php/schema", ApiPhpSchemaView.as_view(), name=SCHEMA_URL_NAME),
    path("api.php/docs", ApiPhpDocsView.as_view(), name="api-php-docs"),
]
