"""The status API at /api.php (the BitUp contract), with its OpenAPI schema
at /api.php/schema and Swagger UI at /api.php/docs."""

from statuspage.api.bitup.docs import API_PATTERNS, DOCS_PATTERNS

urlpatterns: list = [*API_PATTERNS, *DOCS_PATTERNS]
