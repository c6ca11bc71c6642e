from rest_framework.request import Request
from rest_framework.response import Response

from monitors.models import Monitor
from statuspage.api.legituptime import render
from statuspage.api.legituptime.monitor_serializer import MonitorSerializer
from statuspage.api.legituptime.views import V1ViewSet


class MonitorViewSet(V1ViewSet[Monitor]):
    """Monitors: what to probe, from where and how often."""

    queryset = Monitor.objects.all()
    serializer_class = MonitorSerializer
    render = staticmethod(render.monitor)

    def list(self, request: Request) -> Response:
        rows = self.list_rows().values(*render.MONITOR_COLUMNS)
        return Response([render.monitor_values(row) for row in rows])
