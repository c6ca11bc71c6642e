"""The base of the v1 resources: read rows and show them in the contract's
shape (each resource's ``render``, from render.py); write them through a
V1Serializer in one transaction that records the write in the admin's
history (the saves' signals drop the page's cache once committed)."""

from collections.abc import Callable
from typing import Any, ClassVar, cast

from django.db import models, transaction
from django.db.models import Prefetch, QuerySet
from rest_framework import status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from statuspage.api.legituptime import audit
from statuspage.api.legituptime.dialect import LEGITUPTIME
from statuspage.api.legituptime.errors import v1_exception_handler
from statuspage.api.legituptime.parsers import V1JSONParser
from statuspage.api.legituptime.schema import V1AutoSchema
from statuspage.api.legituptime.serializers import M, V1Serializer
from statuspage.models import ApiKey


def _key(request: Request) -> ApiKey:
    """The request's key: a write is authenticated (ApiKeyAuthentication)."""
    return cast(ApiKey, request.auth)


class V1ViewSet(viewsets.GenericViewSet[M]):
    """A v1 resource: subclasses set ``queryset`` and ``serializer_class``."""

    queryset: QuerySet[M]  # never None here, unlike GenericAPIView's
    api_dialect = LEGITUPTIME
    parser_classes = [V1JSONParser]
    renderer_classes = [JSONRenderer]
    schema = V1AutoSchema()
    serializer_class: type[V1Serializer[M]]
    # Actions that answer a JSON array (for the schema).
    list_actions: ClassVar[tuple[str, ...]] = ("list",)
    # The resource's shape in the contract (render.py).
    # Set with staticmethod(); an instance attribute to the checker, so that it
    # is not taken for a method (ClassVar cannot hold a type variable either).
    render: Callable[[M], dict[str, Any]]
    # Many-to-many fields of which render reads only the ids, for lists.
    list_related_ids: ClassVar[tuple[str, ...]] = ()

    def get_exception_handler(self) -> Callable[[Exception, dict[str, Any]], Response | None]:
        return v1_exception_handler

    def list_rows(self) -> QuerySet[M]:
        """The rows of a list, in a number of queries that does not grow with them."""
        queryset = self.get_queryset().order_by("pk")
        for name in self.list_related_ids:
            # A many-to-many field: its related model is a model class.
            related = cast("type[models.Model]", queryset.model._meta.get_field(name).related_model)
            ids_only = related._default_manager.only("pk").order_by()
            queryset = queryset.prefetch_related(Prefetch(name, queryset=ids_only))
        return queryset

    def get_row(self, pk: str, queryset: QuerySet[M] | None = None) -> M:
        queryset = self.get_queryset() if queryset is None else queryset
        try:
            return queryset.get(pk=int(pk))
        # Django gives each concrete model its DoesNotExist; the stubs know it only
        # on a named model, not on a type variable's bound.
        except queryset.model.DoesNotExist:  # type: ignore[attr-defined]
            name = queryset.model._meta.verbose_name
            raise NotFound(f"No {name} with Id {pk}.") from None

    def list(self, request: Request) -> Response:
        return Response([self.render(row) for row in self.list_rows()])

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.render(self.get_row(pk)))

    def create(self, request: Request) -> Response:
        row = self.write(self.get_serializer(data=request.data))
        return Response(self.render(row), status=status.HTTP_201_CREATED)

    def update(self, request: Request, pk: str) -> Response:
        with transaction.atomic():
            row = self.get_row(pk, self.get_queryset().select_for_update())
            row = self.write(self.get_serializer(row, data=request.data), before=self.render(row))
        return Response(self.render(row))

    def destroy(self, request: Request, pk: str) -> Response:
        with transaction.atomic():
            row = self.get_row(pk)
            audit.record_deletion(_key(request), row)
            row.delete()
        return Response({"Success": True})

    def write(self, serializer: BaseSerializer[M], before: dict[str, Any] | None = None) -> M:
        """Validate and save in one transaction: on any error nothing is kept.
        ``before``: the row as render showed it, for an update."""
        with transaction.atomic():
            serializer.is_valid(raise_exception=True)
            row = serializer.save()
            audit.record_write(_key(self.request), row, before, self.render(row))
        return row
