from drf_spectacular.utils import extend_schema, extend_schema_view

from maintenance.api.serializers import ScheduledMaintenanceSerializer
from maintenance.models import ScheduledMaintenance
from statuspage.v1.views import V1ViewSet


@extend_schema(tags=["Scheduled maintenance"])
@extend_schema_view(
    list=extend_schema(summary="List scheduled maintenance"),
    retrieve=extend_schema(summary="Get a scheduled maintenance"),
    create=extend_schema(summary="Create a scheduled maintenance"),
    update=extend_schema(summary="Update a scheduled maintenance", description="A full update."),
    destroy=extend_schema(summary="Delete a scheduled maintenance"),
)
class ScheduledMaintenanceViewSet(V1ViewSet):
    """Served at both /v1/scheduledmaintenance and /v1/maintenance."""

    queryset = ScheduledMaintenance.objects.all()
    serializer_class = ScheduledMaintenanceSerializer
    list_related_ids = ("monitors",)
