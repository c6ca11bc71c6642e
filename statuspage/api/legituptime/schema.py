"""The OpenAPI 3 description of v1: key authentication, the error responses
of every operation, and the schema and Swagger UI views (public: they hold no data)."""

from typing import TYPE_CHECKING, Any, cast

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import AllowAny

from statuspage.api.docs_csp import SwaggerUIView
from statuspage.api.legituptime.dialect import MAX_BODY_BYTES

if TYPE_CHECKING:
    from statuspage.api.legituptime.views import V1ViewSet

SCHEMA_URL_NAME = "v1-schema"


# drf-spectacular registers extensions in an unannotated __init_subclass__.
class ApiKeyScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "statuspage.api.keyauth.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-API-Key",
            "description": "A key from the admin (API keys). Read-only keys may only GET.",
        }


class ErrorDetailSerializer(serializers.Serializer[dict[str, Any]]):
    detail = serializers.CharField()


class FieldErrorsSerializer(serializers.Serializer[dict[str, Any]]):
    """Each bad field (named as in the request) with its reasons."""


class FieldErrorsScheme(OpenApiSerializerExtension):  # type: ignore[no-untyped-call]
    target_class = FieldErrorsSerializer

    def map_serializer(self, auto_schema: AutoSchema, direction: str) -> dict[str, Any]:
        return {
            "type": "object",
            "description": "Each bad field, named as in the request, with its reasons; "
            "nothing was saved.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "minProperties": 1,
            "example": {"Name": ["This field is required."]},
        }


class SuccessSerializer(serializers.Serializer[dict[str, Any]]):
    Success = serializers.BooleanField()


def _detail(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorDetailSerializer, description=description)


BAD_REQUEST = OpenApiResponse(
    PolymorphicProxySerializer(
        component_name="BadRequest",
        serializers=[FieldErrorsSerializer, ErrorDetailSerializer],
        resource_type_field_name=None,
    ),
    description='Invalid fields (`{"Field": ["reason"]}`), or a body that is not a JSON '
    'object (`{"detail": "..."}`). Nothing was saved.',
)
UNAUTHORIZED = _detail("The X-API-Key header is missing, or the key is wrong or revoked.")
FORBIDDEN = _detail("The key is read-only.")
NOT_FOUND = _detail("No row with this Id.")
LENGTH_REQUIRED = _detail("The body was sent chunked, without a Content-Length.")
TOO_LARGE = _detail(f"The body is over {MAX_BODY_BYTES} bytes (1 MiB); it was not read.")
UNSUPPORTED = _detail("The body is not sent as application/json.")
THROTTLED = _detail("Too many requests: retry after the seconds in the Retry-After header.")
CONFLICT = _detail("A concurrent change (such as a monitor deleted meanwhile); nothing was saved.")

# What an operation that reads a body can answer besides.
BODY_ERRORS = {
    400: BAD_REQUEST,
    409: CONFLICT,
    411: LENGTH_REQUIRED,
    413: TOO_LARGE,
    415: UNSUPPORTED,
}

SUMMARIES = {
    "list": "List {plural}",
    "retrieve": "Get {a} {name}",
    "create": "Create {a} {name}",
    "update": "Update {a} {name}",
    "destroy": "Delete {a} {name}",
}
FULL_UPDATE = (
    "A full update, with the rules of create: an optional field left out or null takes its default."
)


class V1AutoSchema(AutoSchema):
    """Names each operation after its model, and adds the responses every v1
    operation can give besides its success."""

    @property
    def _viewset(self) -> "V1ViewSet[Any]":
        """The view described: this schema is only v1's viewsets'."""
        return cast("V1ViewSet[Any]", self.view)

    def get_tags(self) -> list[str]:
        return [str(self._viewset.queryset.model._meta.verbose_name_plural).capitalize()]

    def get_summary(self) -> str | None:
        meta = self._viewset.queryset.model._meta
        name = str(meta.verbose_name)
        template = SUMMARIES.get(self._viewset.action)
        a = "an" if name[0] in "aeiou" else "a"
        return template and template.format(a=a, name=name, plural=meta.verbose_name_plural)

    # As drf-spectacular's own: its AutoSchema drops DRF's (path, method).
    def get_description(self) -> str:  # type: ignore[override]
        description = super().get_description()
        if self._viewset.action == "update":
            return f"{description}\n\n{FULL_UPDATE}".strip()
        return description

    # drf-spectacular takes a dict of status -> serializer or OpenApiResponse here
    # (its documented override), though it annotates one serializer.
    def get_response_serializers(self) -> dict[Any, Any]:  # type: ignore[override]
        serializer = self._get_serializer()  # type: ignore[no-untyped-call]  # unannotated
        if self.method == "DELETE":
            responses: dict[Any, Any] = {200: SuccessSerializer}
        elif self.method == "POST":
            responses = {201: serializer}
        elif self._viewset.action in getattr(self.view, "list_actions", ()):
            responses = {200: type(serializer)(many=True)}
        else:
            responses = {200: serializer}
        responses[401] = UNAUTHORIZED
        responses[429] = THROTTLED
        if self.method != "GET":
            responses[403] = FORBIDDEN
        if "{id}" in self.path:
            responses[404] = NOT_FOUND
        if self.method in ("POST", "PUT"):
            responses.update(BODY_ERRORS)
        return responses


class SchemaView(SpectacularAPIView):
    authentication_classes: list[type[BaseAuthentication]] = []
    permission_classes = [AllowAny]


class DocsView(SwaggerUIView):
    authentication_classes: list[type[BaseAuthentication]] = []
    permission_classes = [AllowAny]
    url_name = SCHEMA_URL_NAME
