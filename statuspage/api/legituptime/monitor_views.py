from typing import Any, cast

from rest_framework.request import Request
from rest_framework.response import Response

from monitors.models import Monitor
from statuspage.api.legituptime import render
from statuspage.api.legituptime.monitor_serializer import MonitorSerializer
from statuspage.api.legituptime.views import V1ViewSet
from statuspage.models import ApiKey


class MonitorViewSet(V1ViewSet[Monitor]):
    """Monitors: what to probe, from where and how often."""

    queryset = Monitor.objects.all()
    serializer_class = MonitorSerializer
    render = staticmethod(render.monitor)

    def list(self, request: Request) -> Response:
        rows = (
            render.monitor_values(row) for row in self.list_rows().values(*render.MONITOR_COLUMNS)
        )
        return Response([self.for_key(request, shown) for shown in rows])

    def retrieve(self, request: Request, pk: str) -> Response:
        row = self.get_row(pk)
        return Response(self.for_key(request, render.monitor(row)))

    @staticmethod
    def for_key(request: Request, shown: dict[str, Any]) -> dict[str, Any]:
        """Read-only keys see the request's secrets masked (render.for_read_only)."""
        key = cast(ApiKey, request.auth)
        return render.for_read_only(shown) if key.read_only else shown
