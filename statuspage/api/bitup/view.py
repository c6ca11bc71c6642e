"""GET /api.php: authenticate by ``?key=``, check the parameters, run the action."""

from typing import Any

from django.http import HttpRequest
from django.utils.cache import add_never_cache_headers
from drf_spectacular.utils import extend_schema
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import APIException
from rest_framework.parsers import BaseParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from statuspage.api.bitup import params
from statuspage.api.bitup.actions import ACTIONS
from statuspage.api.bitup.dialect import BITUP
from statuspage.api.bitup.envelope import INVALID_KEY, BitupError, error, success
from statuspage.api.bitup.rendering import BitupJSONRenderer, JsonOnly
from statuspage.api.bitup.schema import API_PHP_SCHEMA
from statuspage.api.keyauth import key_from_query
from statuspage.models import ApiKey


def query_key(request: Request) -> ApiKey | None:
    """The key of ``?key=``, given once and printable, or None."""
    given = request.query_params.getlist("key")
    if len(given) != 1 or not given[0].isprintable():
        return None
    return key_from_query(request)


class ApiPhpView(APIView):
    api_dialect = BITUP
    # The key comes in the query, not in v1's header: checked here, first.
    authentication_classes: list[type[BaseAuthentication]] = []
    permission_classes: list[type[BasePermission]] = []
    renderer_classes = [BitupJSONRenderer]
    parser_classes: list[type[BaseParser]] = []
    content_negotiation_class = JsonOnly
    http_method_names = ["get", "head"]

    def perform_authentication(self, request: Request) -> None:
        super().perform_authentication(request)
        key = query_key(request)
        if key is None:
            raise BitupError(401, INVALID_KEY)
        request.auth = key

    def http_method_not_allowed(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Response:
        raise BitupError(405, f"Method {request.method} not allowed. Use GET.")

    @extend_schema(**API_PHP_SCHEMA)
    def get(self, request: Request) -> Response:
        query = params.parse(request.query_params, ACTIONS)
        return Response(success(ACTIONS[query.action](query)))

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, BitupError):
            return Response(error(exc.message), status=exc.status_code)
        # Anything DRF answers itself (a parse error, a throttle) keeps its
        # status and headers but speaks the contract's error shape.
        response = super().handle_exception(exc)
        detail = exc.detail if isinstance(exc, APIException) else None
        response.data = error(detail if isinstance(detail, str) else response.status_text)
        return response

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        # Real-time, and the key is in the URL: no shared cache may keep it.
        add_never_cache_headers(response)
        return response
