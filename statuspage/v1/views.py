"""The base of the v1 resources: read rows as the models present themselves
(``to_v1``), write them through a V1Serializer in one transaction that records
the write in the admin's history and drops the public page's cache once committed."""

from collections.abc import Callable
from typing import Any, ClassVar

from django.db import models, transaction
from django.db.models import Prefetch, QuerySet
from rest_framework import status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from statuspage import audit, pagecache
from statuspage.v1.errors import v1_exception_handler
from statuspage.v1.parsers import V1JSONParser
from statuspage.v1.schema import V1AutoSchema
from statuspage.v1.serializers import V1Serializer


class V1ViewSet(viewsets.GenericViewSet):
    """A v1 resource: subclasses set ``queryset`` and ``serializer_class``."""

    parser_classes = [V1JSONParser]
    renderer_classes = [JSONRenderer]
    schema = V1AutoSchema()
    serializer_class: ClassVar[type[V1Serializer]]
    # Actions that answer a JSON array (for the schema).
    list_actions: ClassVar[tuple[str, ...]] = ("list",)
    # Many-to-many fields of which to_v1 reads only the ids, for lists.
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
        return Response([row.to_v1() for row in self.list_rows()])

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_row(pk).to_v1())

    def create(self, request: Request) -> Response:
        row = self.write(self.get_serializer(data=request.data))
        return Response(row.to_v1(), status=status.HTTP_201_CREATED)

    def update(self, request: Request, pk: str) -> Response:
        with transaction.atomic():
            row = self.get_row(pk, self.get_queryset().select_for_update())
            row = self.write(self.get_serializer(row, data=request.data), before=row.to_v1())
        return Response(row.to_v1())

    def destroy(self, request: Request, pk: str) -> Response:
        with transaction.atomic():
            row = self.get_row(pk)
            audit.record_deletion(request.auth, row)
            row.delete()
            transaction.on_commit(pagecache.invalidate)
        return Response({"Success": True})

    def write(self, serializer: V1Serializer, before: dict[str, Any] | None = None) -> Any:
        """Validate and save in one transaction: on any error nothing is kept.
        ``before``: the row as to_v1 showed it, for an update."""
        with transaction.atomic():
            serializer.is_valid(raise_exception=True)
            row = serializer.save()
            audit.record_write(self.request.auth, row, before)
            transaction.on_commit(pagecache.invalidate)
        return row
