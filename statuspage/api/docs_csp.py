"""Swagger UI (/v1/docs, /api.php/docs) under the site's Content-Security-Policy.

drf-spectacular's split view serves Swagger's start-up script as a file of
its own (``?script``), so ``script-src 'self'`` holds; Swagger UI itself sets
inline styles and draws its icons from ``data:`` URLs, so its pages, and only
they, allow those."""

from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularSwaggerSplitView

SWAGGER_UI_POLICY = {"style-src": ["'unsafe-inline'"], "img-src": ["data:"]}


@method_decorator(csp_update(SWAGGER_UI_POLICY), name="dispatch")
class SwaggerUIView(SpectacularSwaggerSplitView):
    """Swagger UI with no inline script; subclasses set ``url_name``."""
