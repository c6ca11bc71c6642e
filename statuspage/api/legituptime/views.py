"""The base of the v1 resources: read rows and show them in the contract's
shape (each resource's ``render``, from render.py); write them through a
V1Serializer in one transaction that records the write in the admin's
history (the saves' signals drop the page's cache once committed)."""

from collections.abc import Callable
from typing import Any, ClassVar

from django.db import models, transaction
from django.db.models import Prefetch, QuerySet
from rest_framework import status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from statuspage.api.legituptime import audit
from statuspage.api.legituptime.dialect import LEGITUPTIME
from statuspage.api.legituptime.errors import v1_exception_handler
from statuspage.api.legituptime.parsers import V1JSONParser
from statuspage.api.legituptime.schema import V1AutoSchema
from statuspage.api.legituptime.serializers import V1Serializer


class V1ViewSet(viewsets.GenericViewSet):
    """A v1 resource: subclasses set ``queryset`` and ``serializer_class``."""

    api_dialect = LEGITUPTIME
    parser_classes = [V1JSONParser]
    renderer_classes = [JSONRenderer]
    schema = V1AutoSchema()
    serializer_class: ClassVar[type[V1Serializer]]
    # Actions that answer a JSON array (for the schema).
    list_actions: ClassVar[tuple[str, ...]] = ("list",)
    # The resource's shape in the contract (render.py).
    render: ClassVar[Callable[[Any], dict[str, Any]]]
    # Many-to-many fields of which render reads only the ids, for lists.
    list_related_ids: ClassVar[tuple[str, ...]] = ()

    def get_exception_handler(self) -> Callable:
        return v1_exception_handler

    def list_rows(self) -> QuerySet:
        """The rows of a list, in a number of queries that does not grow with them."""
        queryset = self.get_queryset().order_by("pk")
        for name in self.list_related_ids:
            related = queryset.model._meta.get_field(name).related_model
            ids_only = related._default_manager.only("pk").order_by()
            queryset = queryset.prefetch_related(Prefetch(name, queryset=ids_only))
        return queryset

    def get_row(self, pk: str, queryset: QuerySet | None = None) -> models.Model:
        queryset = self.get_queryset() if queryset is None else queryset
        try:
            return queryset.get(pk=int(pk))
        except queryset.model.DoesNotExist:
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
            audit.record_deletion(request.auth, row)
            row.delete()
        return Response({"Success": True})

    def write(self, serializer: V1Serializer, before: dict[str, Any] | None = None) -> Any:
        """Validate and save in one transaction: on any error nothing is kept.
        ``before``: the row as render showed it, for an update."""
        with transaction.atomic():
            serializer.is_valid(raise_exception=True)
            row = serializer.save()
            audit.record_write(self.request.auth, row, before, self.render(row))
        return row
