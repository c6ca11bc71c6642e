from maintenance.api.serializers import ScheduledMaintenanceSerializer
from maintenance.models import ScheduledMaintenance
from statuspage.v1.views import V1ViewSet


class ScheduledMaintenanceViewSet(V1ViewSet):
    """Served at both /v1/scheduledmaintenance and /v1/maintenance."""

    queryset = ScheduledMaintenance.objects.all()
    serializer_class = ScheduledMaintenanceSerializer
    list_related_ids = ("monitors",)
