from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view

from monitors.api.serializers import MonitorSerializer
from monitors.models import Monitor
from statuspage.v1.views import V1ViewSet

# The columns Monitor.to_v1 reads: a list of 10,000 monitors skips the rest.
V1_COLUMNS = ("id", *MonitorSerializer.model_fields.values())


@extend_schema(tags=["Monitors"])
@extend_schema_view(
    list=extend_schema(summary="List monitors"),
    retrieve=extend_schema(summary="Get a monitor"),
    create=extend_schema(summary="Create a monitor"),
    update=extend_schema(
        summary="Update a monitor",
        description="A full update: send every field as for create; an optional field "
        "left out or null takes its default.",
    ),
    destroy=extend_schema(summary="Delete a monitor"),
)
class MonitorViewSet(V1ViewSet):
    """Monitors: what to probe, from where and how often."""

    queryset = Monitor.objects.all()
    serializer_class = MonitorSerializer

    def list_rows(self) -> QuerySet:
        return super().list_rows().only(*V1_COLUMNS)
