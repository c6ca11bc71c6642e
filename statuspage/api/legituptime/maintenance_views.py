from maintenance.models import ScheduledMaintenance
from statuspage.api.legituptime import render
from statuspage.api.legituptime.maintenance_serializer import ScheduledMaintenanceSerializer
from statuspage.api.legituptime.views import V1ViewSet


class ScheduledMaintenanceViewSet(V1ViewSet[ScheduledMaintenance]):
    """Served at both /v1/scheduledmaintenance and /v1/maintenance."""

    queryset = ScheduledMaintenance.objects.all()
    serializer_class = ScheduledMaintenanceSerializer
    render = staticmethod(render.maintenance)
    list_related_ids = ("monitors",)
