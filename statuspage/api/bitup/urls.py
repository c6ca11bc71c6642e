"""The status API at /api.php (the BitUp contract), with its OpenAPI schema
at /api.php/schema and Swagger UI at /api.php/docs."""

from django.urls import URLPattern, URLResolver

from statuspage.api.bitup.docs import API_PATTERNS, DOCS_PATTERNS

urlpatterns: list[URLPattern | URLResolver] = [*API_PATTERNS, *DOCS_PATTERNS]
